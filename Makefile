# Porter's build: every stage of the book, its tools, its tests and exercises.
#
#   make                 build everything: every stage, tool, test and exercise solution
#   make run             build the demo (the finished server) and start it on http://127.0.0.1:8080
#   make test            build and run every test (tests/README.md says what runs)
#   make test CH=NN      only stage NN and its tests; CH=src for the library's
#   make test CH=NN SERVER=path   chapter NN's black-box tests against your own server
#   make chNN            build one stage into build/chNN/server
#   make book            refresh book.md's code blocks and transcripts from the stages
#   make diff CH=NN      what chapter NN changed, as a unified diff from the stage before
#   make exercise EX=NN-K DIR=path   check your solution to task K of chapter NN's exercises
#   make solution EX=NN-K            write the reference solution, to read: build/solution/NN-K
#   make solution-diff EX=NN-K       (maintainers) turn an edited build/solution/NN-K back into its patch
#   make coverage        src/'s line and branch coverage from its tests; unexecuted lines: build/coverage/report.txt
#   make CXX=clang++ …   the same with clang; SANITIZE=1 … with ASan and UBSan; V=1 shows each command
#
# Output goes to build/ (g++), build/clang++/ (clang++), and a sanitize/
# directory inside either for SANITIZE=1 (coverage/ for COVERAGE=1), so the
# builds never mix.

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:
# No built-in rules: with them, make would try to build a header from an
# object file of the same name.
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

# A reader types `make test`, not `make -j8 test`: every core is used, and each
# target's output is printed whole when it ends, so parallel compiles never
# interleave their errors. A -j on the command line wins.
ifeq ($(MAKELEVEL),0)
  MAKEFLAGS += -j$(shell nproc) --output-sync=target
endif

# One line per compile or link; V=1 prints the whole command instead, and
# make -s nothing at all.
ifeq ($(V),1)
  quiet =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
  quiet = @
else
  quiet = @printf '  %-4s %s\n' '$(1)' '$(2)';
endif

CXXFLAGS := -std=c++20 -Wall -Wextra -Werror -O2 -g
# Tests are built with -Og: half the compile time of -O2, and they still run
# fast. The code they test keeps CXXFLAGS, so what is tested is what ships.
TEST_CXXFLAGS := $(filter-out -O%,$(CXXFLAGS)) -Og
DEPFLAGS = -MMD -MP
LDFLAGS :=
ifeq ($(SANITIZE),1)
  SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  CXXFLAGS += $(SANITIZERS)
  TEST_CXXFLAGS += $(SANITIZERS)
  LDFLAGS += -fsanitize=address,undefined
endif
# make coverage (tests/coverage/coverage.mk) builds with COVERAGE=1. At -O0
# every line keeps its own code, so a count of zero means no test ran it, not
# that the optimiser merged it into another line.
ifeq ($(COVERAGE),1)
  CXXFLAGS := $(filter-out -O%,$(CXXFLAGS)) -O0 --coverage
  TEST_CXXFLAGS := $(filter-out -O%,$(TEST_CXXFLAGS)) -O0 --coverage -DPORTER_COVERAGE
  LDFLAGS += --coverage
endif

BUILD := build$(if $(filter-out g++,$(notdir $(CXX))),/$(notdir $(CXX)))$(if $(filter 1,$(SANITIZE)),/sanitize)$(if $(filter 1,$(COVERAGE)),/coverage)

# --- what there is -----------------------------------------------------------

# The stages: chapters/NN-slug, in order. src/ is the book's last stage; the
# tests call it chapter 99, and its demo example keeps the stage contract.
STAGE_DIRS := $(sort $(wildcard chapters/[0-9][0-9]-*))
stage_number = $(firstword $(subst -, ,$(notdir $(1))))
STAGES := $(foreach d,$(STAGE_DIRS),$(call stage_number,$(d)))
NEWEST := $(lastword $(STAGES))
FINAL := 99
stage_dir = $(filter chapters/$(1)-%,$(STAGE_DIRS))
# From chapter 05 on, a stage is layered as src/ is: core/ (no system calls)
# and io/ beside its main.cpp; every file includes the others by bare name.
stage_objs = $(patsubst $(2)/%.cpp,$(BUILD)/ch$(1)/%.o,$(wildcard $(2)/*.cpp $(2)/core/*.cpp $(2)/io/*.cpp))
stage_includes = -I$(1) $(if $(wildcard $(1)/core),-I$(1)/core -I$(1)/io)
# Black-box tests exist for chapters the book has not reached yet, so a reader
# can test a server of their own for any chapter of the contents.
CHAPTERS := 01 02 03 04 05 06 07 08 09 10 11 12 $(FINAL)
# CH=5 means chapter 05.
two_digits = $(if $(filter 1 2 3 4 5 6 7 8 9,$(1)),0$(1),$(1))

# The tests of tests/unit or tests/blackbox that hold for chapter NN: see tests/for-chapter.
tests_for = $(shell tests/for-chapter $(1) $(2))

HARNESS_OBJS := $(BUILD)/tests/harness/harness.o $(BUILD)/tests/harness/main.o
SRC_OBJS := $(patsubst src/%.cpp,$(BUILD)/src/%.o,$(wildcard src/core/*.cpp src/io/*.cpp))
# Code inside src/ includes by bare name; core/ sees only itself (the
# compiler enforces that half of the layering), io/ sees both.
SRC_INCLUDES := -Isrc -Isrc/core -Isrc/io
# The API: what `make install` puts in include/porter/, and all an application
# (and every example) compiles against; the rest of src/ is internal.
PUBLIC_HEADERS := src/porter.hpp $(addprefix src/core/,access_record.hpp connection_state.hpp form.hpp handler.hpp options.hpp request.hpp status.hpp) \
    $(addprefix src/io/,fd.hpp response.hpp server.hpp static_files.hpp)
PUBLIC_INCLUDE := $(BUILD)/include
LIBPORTER := $(BUILD)/libporter.a
EXAMPLES := $(notdir $(wildcard examples/*))
EXAMPLE_BINS := $(addprefix $(BUILD)/examples/,$(EXAMPLES))
DEMO := $(BUILD)/examples/demo

EXERCISE_DIRS := $(sort $(wildcard exercises/[0-9][0-9]-*))
exercise_tests = $(patsubst $(1)/%.cpp,$(BUILD)/$(1)/%,$(wildcard $(1)/test-*.cpp))
exercise_solutions = $(patsubst $(1)/solution-%.diff,$(BUILD)/$(1)/solution-%/server,$(wildcard $(1)/solution-*.diff))
# tests/naive/NN-name.diff: a deliberately naive stage NN, whose attack the book shows.
NAIVE_DIFFS := $(sort $(wildcard tests/naive/[0-9][0-9]-*.diff))
NAIVE_BINS := $(patsubst tests/naive/%.diff,$(BUILD)/naive/%/server,$(NAIVE_DIFFS))

stage_targets = $(BUILD)/ch$(1)/server $(if $(call tests_for,unit,$(1)),$(BUILD)/ch$(1)/unit) \
    $(BUILD)/tests/blackbox-$(1) \
    $(foreach d,$(filter exercises/$(1)-%,$(EXERCISE_DIRS)),$(call exercise_tests,$(d)) $(call exercise_solutions,$(d))) \
    $(filter $(BUILD)/naive/$(1)-%,$(NAIVE_BINS))
SRC_TARGETS := $(LIBPORTER) $(EXAMPLE_BINS) $(BUILD)/src/unit $(BUILD)/src/library-tests \
    $(BUILD)/tests/integration-tests $(BUILD)/tests/blackbox-$(FINAL)
BOOK_TARGETS := $(BUILD)/tools/book $(BUILD)/tests/tool-tests $(foreach n,$(STAGES),$(BUILD)/ch$(n)/server) $(NAIVE_BINS)

.PHONY: all run test book diff exercise solution solution-diff naive clean install needs $(addprefix ch,$(STAGES))

all: $(foreach n,$(STAGES),$(call stage_targets,$(n))) $(SRC_TARGETS) $(BOOK_TARGETS)

# --- the tools the tests use --------------------------------------------------

# Debian packages installed when missing (tools/need), all in one apt-get, by
# this one target, so two installs never fight over dpkg's lock.
NEEDS := doctest patch
needs:
	@tools/need make $(NEEDS)

# --- stages ------------------------------------------------------------------

# $(1) = NN, $(2) = chapters/NN-slug
define stage_rules
ch$(1): $(BUILD)/ch$(1)/server

$(BUILD)/ch$(1)/server: $(call stage_objs,$(1),$(2))
	$$(call quiet,LINK,$$@)$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/ch$(1)/%.o: $(2)/%.cpp
	@mkdir -p $$(@D)
	$$(call quiet,CXX,$$<)$(CXX) $(CXXFLAGS) $(DEPFLAGS) $(call stage_includes,$(2)) -c $$< -o $$@

# Unit tests see the stage's headers and link with all of it but main().
$(BUILD)/ch$(1)/unit: $(patsubst tests/unit/%.cpp,$(BUILD)/ch$(1)/unit-tests/%.o,$(call tests_for,unit,$(1))) \
                      $(filter-out %/main.o,$(call stage_objs,$(1),$(2))) $(BUILD)/tests/harness/main.o
	$$(call quiet,LINK,$$@)$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/ch$(1)/unit-tests/%.o: tests/unit/%.cpp | needs
	@mkdir -p $$(@D)
	$$(call quiet,CXX,$$< for ch$(1))$(CXX) $(TEST_CXXFLAGS) $(DEPFLAGS) $(call stage_includes,$(2)) -c $$< -o $$@
endef
$(foreach d,$(STAGE_DIRS),$(eval $(call stage_rules,$(call stage_number,$(d)),$(d))))

# A stage with a patch applied: an exercise's reference solution, or a naive
# version. Only the files the patch changes are compiled anew (tools/stage-patch
# rebuilt); every other object is the stage's own.
# $(1) = output directory, $(2) = the patch, $(3) = chapters/NN-slug, $(4) = NN
define patched_stage_rules
$(1).rebuilt := $$(shell tools/stage-patch rebuilt $(3) $(2))

$(1)/tree.ok: $(2) $(wildcard $(3)/*) tools/stage-patch | needs
	$$(call quiet,PATCH,$(2))tools/stage-patch apply $(3) $(2) $(1)/tree && touch $$@

$(1)/%.o: $(1)/tree.ok
	$$(call quiet,CXX,$(1)/tree/$$*.cpp)$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $(1)/tree/$$*.cpp -o $$@

$(1)/server: $$(foreach f,$$(sort $$(notdir $$(wildcard $(3)/*.cpp)) $$($(1).rebuilt)),$$(if $$(filter $$(f),$$($(1).rebuilt)),$(1)/$$(f:.cpp=.o),$(BUILD)/ch$(4)/$$(f:.cpp=.o)))
	$$(call quiet,LINK,$$@)$(CXX) $(LDFLAGS) $$^ -o $$@
endef

# --- exercises ---------------------------------------------------------------

# $(1) = exercises/NN-slug, $(2) = NN
define exercise_rules
$(BUILD)/$(1)/test-%: $(BUILD)/$(1)/test-%.o $(HARNESS_OBJS)
	$$(call quiet,LINK,$$@)$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/$(1)/test-%.o: $(1)/test-%.cpp | needs
	@mkdir -p $$(@D)
	$$(call quiet,CXX,$$<)$(CXX) $(TEST_CXXFLAGS) $(DEPFLAGS) -Itests/harness -c $$< -o $$@

# One eval per patch: the rules of two patches, joined by foreach, would run
# together (the first's recipe would swallow the second's first line).
$(foreach p,$(wildcard $(1)/solution-*.diff),$(eval $(call patched_stage_rules,$(BUILD)/$(1)/$(basename $(notdir $(p))),$(p),$(call stage_dir,$(2)),$(2))))
endef
$(foreach d,$(EXERCISE_DIRS),$(eval $(call exercise_rules,$(d),$(call stage_number,$(d)))))

naive: $(NAIVE_BINS)

$(foreach p,$(NAIVE_DIFFS),$(eval $(call patched_stage_rules,$(BUILD)/naive/$(basename $(notdir $(p))),$(p),$(call stage_dir,$(call stage_number,$(p))),$(call stage_number,$(p)))))

# --- src/: the library and its examples ---------------------------------------

$(BUILD)/src/core/%.o: src/core/%.cpp
	@mkdir -p $(@D)
	$(call quiet,CXX,$<)$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Isrc/core -c $< -o $@

$(BUILD)/src/io/%.o: src/io/%.cpp
	@mkdir -p $(@D)
	$(call quiet,CXX,$<)$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Isrc/core -Isrc/io -c $< -o $@

# The public headers, as an installed copy lays them out: include/porter/.
$(PUBLIC_INCLUDE)/porter/.stamp: $(PUBLIC_HEADERS)
	@mkdir -p $(@D)
	$(call quiet,STAGE,$(@D))cp $^ $(@D)/ && touch $@

$(LIBPORTER): $(SRC_OBJS)
	$(call quiet,AR,$@)ar rcs $@ $^

# $(1) = the example's directory name
define example_rules
$(BUILD)/examples/$(1): $(patsubst examples/$(1)/%.cpp,$(BUILD)/examples/$(1).o/%.o,$(wildcard examples/$(1)/*.cpp)) $(LIBPORTER)
	$$(call quiet,LINK,$$@)$(CXX) $(LDFLAGS) $$^ -pthread -o $$@

$(BUILD)/examples/$(1).o/%.o: examples/$(1)/%.cpp $(PUBLIC_INCLUDE)/porter/.stamp
	@mkdir -p $$(@D)
	$$(call quiet,CXX,$$<)$(CXX) $(CXXFLAGS) $(DEPFLAGS) -I$(PUBLIC_INCLUDE) -c $$< -o $$@
endef
$(foreach e,$(EXAMPLES),$(eval $(call example_rules,$(e))))

$(BUILD)/src/unit: $(patsubst tests/unit/%.cpp,$(BUILD)/src/unit-tests/%.o,$(call tests_for,unit,$(FINAL))) \
                   $(LIBPORTER) $(BUILD)/tests/harness/main.o
	$(call quiet,LINK,$@)$(CXX) $(LDFLAGS) $^ -pthread -o $@

$(BUILD)/src/unit-tests/%.o: tests/unit/%.cpp | needs
	@mkdir -p $(@D)
	$(call quiet,CXX,$< for src)$(CXX) $(TEST_CXXFLAGS) $(DEPFLAGS) $(SRC_INCLUDES) -c $< -o $@

# The library's API, driven in-process: tests/library/*.cpp.
$(BUILD)/src/library-tests: $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/library/*.cpp)) \
                            $(HARNESS_OBJS) $(LIBPORTER)
	$(call quiet,LINK,$@)$(CXX) $(LDFLAGS) $^ -pthread -o $@

$(BUILD)/tests/library/%.o: tests/library/%.cpp | needs
	@mkdir -p $(@D)
	$(call quiet,CXX,$<)$(CXX) $(TEST_CXXFLAGS) $(DEPFLAGS) $(SRC_INCLUDES) -Itests/harness -c $< -o $@

# Whole programs together: the examples, and the workers behind a real nginx.
$(BUILD)/tests/integration-tests: $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/integration/*.cpp)) $(HARNESS_OBJS)
	$(call quiet,LINK,$@)$(CXX) $(LDFLAGS) $^ -pthread -o $@

# --- tests and tools ---------------------------------------------------------

$(BUILD)/tests/%.o: tests/%.cpp | needs
	@mkdir -p $(@D)
	$(call quiet,CXX,$<)$(CXX) $(TEST_CXXFLAGS) $(DEPFLAGS) -Itests/harness -c $< -o $@

# One black-box binary per chapter, holding the tests that apply to it:
# chapter 04's tests are the cumulative ones of chapters 01 to 04.
define blackbox_rules
$(BUILD)/tests/blackbox-$(1): $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(call tests_for,blackbox,$(1))) $(HARNESS_OBJS)
	$$(call quiet,LINK,$$@)$(CXX) $(LDFLAGS) $$^ -o $$@
endef
$(foreach n,$(CHAPTERS),$(eval $(call blackbox_rules,$(n))))

BOOK_OBJS := $(patsubst tools/book/%.cpp,$(BUILD)/tools/book.o/%.o,$(wildcard tools/book/*.cpp))
$(BUILD)/tools/book: $(BOOK_OBJS)
	$(call quiet,LINK,$@)$(CXX) $(LDFLAGS) $^ -o $@

$(BUILD)/tools/book.o/%.o: tools/book/%.cpp
	@mkdir -p $(@D)
	$(call quiet,CXX,$<)$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/tests/tool-tests: $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/tools/*.cpp)) $(BUILD)/tests/harness/main.o
	$(call quiet,LINK,$@)$(CXX) $(LDFLAGS) $^ -o $@

# --- what readers type -------------------------------------------------------

PORT ?= 8080
run: $(DEMO)
	@echo "Porter's demo on http://127.0.0.1:$(PORT)/ serving files from $(CURDIR) — try, in another terminal:"
	@echo "  curl -v http://127.0.0.1:$(PORT)/"
	@echo "  curl http://127.0.0.1:$(PORT)/echo/hello%20there"
	@echo "  curl --data-binary @README.md http://127.0.0.1:$(PORT)/echo"
	@echo "  curl -I http://127.0.0.1:$(PORT)/files/README.md"
	@echo "  curl -N http://127.0.0.1:$(PORT)/count/5"
	@echo "  printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc -N 127.0.0.1 $(PORT)"
	@echo "Ctrl-C stops it."
	+@$(DEMO) $(PORT) .

# make test runs tests/run.sh on what the selection below built. Without CH,
# everything; CH=NN, one stage; CH=src, the library; CH=NN SERVER=path, a
# reader's server, needing nothing but the harness and chapter NN's tests.
TEST_CH := $(call two_digits,$(CH))
ifneq ($(SERVER),)
  TEST_MODE := server
  TEST_TARGETS := $(BUILD)/tests/blackbox-$(TEST_CH)
  NEEDS := doctest
else ifeq ($(CH),src)
  TEST_MODE := src
  TEST_TARGETS := $(SRC_TARGETS)
  NEEDS += nginx pkg-config cmake
else ifneq ($(CH),)
  TEST_MODE := stage
  TEST_TARGETS := $(call stage_targets,$(TEST_CH))
else
  TEST_MODE := all
  TEST_TARGETS := all
  NEEDS += nginx pkg-config cmake curl nc strace ss
endif

ifneq ($(filter test,$(MAKECMDGOALS)),)
  ifeq ($(TEST_MODE),server)
    $(if $(filter $(TEST_CH),$(CHAPTERS)),,$(error make test: CH=$(CH) is not a chapter: one of $(CHAPTERS)))
  else ifeq ($(TEST_MODE),stage)
    $(if $(call stage_dir,$(TEST_CH)),,$(error make test: no stage $(CH): the stages are $(STAGES), or CH=src; to test a server of your own for chapter $(CH): make test CH=$(CH) SERVER=path))
  endif
endif

test: $(TEST_TARGETS) | needs
	+@BUILD='$(BUILD)' STAGES='$(STAGES)' FINAL='$(FINAL)' CXX='$(CXX)' LDFLAGS='$(LDFLAGS)' \
	    SANITIZE='$(SANITIZE)' MAKE='$(MAKE)' bash tests/run.sh $(TEST_MODE) $(TEST_CH) $(SERVER)

# The transcripts run the stages (and the naive versions) with curl, nc,
# strace and ss, in a scratch directory: tools/book/README.md.
ifeq ($(filter book,$(MAKECMDGOALS))-$(SANITIZE),book-1)
  $(error make book: the transcripts are of the plain build; run it without SANITIZE=1)
endif
book: NEEDS += curl nc strace ss
book: $(BOOK_TARGETS) | needs
	+PORTER_BUILD='$(BUILD)' $(BUILD)/tools/book book.md

# The files of stage NN in the order chapter NN shows them (tools/chapter-files),
# each as a diff from the stage before.
diff:
	@[ -n "$(call stage_dir,$(call two_digits,$(CH)))" ] || { echo "usage: make diff CH=NN (one of: $(STAGES))" >&2; exit 2; }
	@tools/chapter-files $(call two_digits,$(CH)) book.md diff

# make exercise EX=NN-K DIR=path: builds DIR/*.cpp and runs test K of chapter NN's exercises on it.
EX_DIR = $(filter exercises/$(firstword $(subst -, ,$(EX)))-%,$(EXERCISE_DIRS))
EX_TASK = $(lastword $(subst -, ,$(EX)))
EX_TEST = $(BUILD)/$(EX_DIR)/test-$(EX_TASK)
EX_USAGE = usage: make $@ EX=NN-K$(if $(filter exercise,$@), DIR=path/to/your/stage) (exercises: $(patsubst exercises/%,%,$(EXERCISE_DIRS)), tasks 1-3)
check_ex = @[ -n "$(EX_DIR)" ] && [ -f "$(EX_DIR)/test-$(EX_TASK).cpp" ] || { echo "$(EX_USAGE)" >&2; exit 2; }
exercise:
	$(check_ex)
	@[ -n "$(DIR)" ] || { echo "$(EX_USAGE)" >&2; exit 2; }
	@[ -d "$(DIR)" ] || { echo "make exercise: no directory '$(DIR)'$(if $(findstring ~,$(DIR)), (make does not expand ~: write \$$HOME/...))" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(EX_TEST)
	@mkdir -p $(BUILD)/reader/$(EX)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(DIR)/*.cpp -o $(BUILD)/reader/$(EX)/server
	PORTER_SERVER=$(BUILD)/reader/$(EX)/server PORTER_CHAPTER=$(firstword $(subst -, ,$(EX))) $(EX_TEST)

# make solution EX=NN-K: the stage with solution-K.diff applied, in
# build/solution/NN-K, for reading in an editor. Maintainers edit that tree and
# run make solution-diff EX=NN-K to write the patch back.
SOLUTION_TREE = build/solution/$(EX)
SOLUTION_DIFF = $(EX_DIR)/solution-$(EX_TASK).diff
EX_STAGE = $(call stage_dir,$(firstword $(subst -, ,$(EX))))
solution: | needs
	$(check_ex)
	@if [ -d "$(SOLUTION_TREE)" ] && tools/stage-patch apply $(EX_STAGE) $(SOLUTION_DIFF) $(SOLUTION_TREE).fresh && \
	    ! diff -rq $(SOLUTION_TREE).fresh $(SOLUTION_TREE) >/dev/null; then \
	    rm -rf $(SOLUTION_TREE).fresh; \
	    echo "make solution: $(SOLUTION_TREE) holds edits that are not in $(SOLUTION_DIFF): keep them with 'make solution-diff EX=$(EX)', or remove the directory" >&2; \
	    exit 1; \
	fi; rm -rf $(SOLUTION_TREE).fresh
	@tools/stage-patch apply $(EX_STAGE) $(SOLUTION_DIFF) $(SOLUTION_TREE)
	@echo "exercise $(EX)'s reference solution: $(SOLUTION_TREE)/ (stage $(firstword $(subst -, ,$(EX))) with $(SOLUTION_DIFF) applied; 'make diff' style: diff -ru $(EX_STAGE) $(SOLUTION_TREE))"

solution-diff:
	$(check_ex)
	@[ -d "$(SOLUTION_TREE)" ] || { echo "make solution-diff: no $(SOLUTION_TREE): run 'make solution EX=$(EX)' and edit it first" >&2; exit 2; }
	@tools/stage-patch diff $(EX_STAGE) $(SOLUTION_TREE) $(SOLUTION_DIFF)
	@echo "wrote $(SOLUTION_DIFF) from $(SOLUTION_TREE)"

# make install PREFIX=dir: the headers, libporter.a, porter.pc and a CMake
# package, for
#   c++ -std=c++20 app.cpp $$(pkg-config --cflags --libs porter)
#   find_package(Porter 0.1 REQUIRED) ... target_link_libraries(app PRIVATE Porter::porter)
# The headers are the API alone (PUBLIC_HEADERS), under include/porter/, so a
# program writes #include <porter/porter.hpp>. porter.pc gives no -std: the
# standard is the program's to choose (C++20 or later; porter.hpp says so if
# it is not), and a flag from a library would override the program's own.
PREFIX ?= /usr/local
PORTER_VERSION := 0.1.0
CMAKE_DIR = $(DESTDIR)$(PREFIX)/lib/cmake/Porter
install: $(LIBPORTER)
	install -d $(DESTDIR)$(PREFIX)/include/porter $(DESTDIR)$(PREFIX)/lib/pkgconfig $(CMAKE_DIR)
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(PREFIX)/include/porter/
	install -m 644 $(LIBPORTER) $(DESTDIR)$(PREFIX)/lib/libporter.a
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
	    'Name: porter' 'Description: a small HTTP/1.1 server to import' 'Version: $(PORTER_VERSION)' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lporter -pthread' \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/porter.pc
	install -m 644 tools/install/PorterConfig.cmake $(CMAKE_DIR)/
	sed 's/@VERSION@/$(PORTER_VERSION)/' tools/install/PorterConfigVersion.cmake.in > $(CMAKE_DIR)/PorterConfigVersion.cmake

clean:
	rm -rf build

# Benchmarks, fuzzing and coverage keep their rules beside their code.
include bench/bench.mk
include tests/fuzz/fuzz.mk
include tests/coverage/coverage.mk

-include $(shell find build -name '*.d' 2>/dev/null)
