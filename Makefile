# Porter's build: every stage of the book, its tools, its tests and exercises.
#
#   make                 build everything (every stage, the tools, the tests)
#   make run             build the newest stage and start it on http://127.0.0.1:8080
#   make test            build and run every test; CH=NN for one stage;
#                        CH=NN SERVER=path runs chapter NN's tests against your own server
#   make chNN            build one stage into build/chNN/server
#   make book            refresh the code blocks in book.md from the sources
#   make diff CH=NN      what chapter NN changed, as a unified diff from the stage before
#   make exercise EX=NN-K DIR=path   check your solution to exercise K of chapter NN
#   make CXX=clang++ …   the same with clang; SANITIZE=1 … with ASan and UBSan
#
# Output goes to build/ (g++), build/clang++/ (clang++), and a sanitize/
# directory inside either for SANITIZE=1, so the builds never mix.

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:

CXXFLAGS := -std=c++20 -Wall -Wextra -Werror -O2 -g
DEPFLAGS = -MMD -MP
LDFLAGS :=
ifeq ($(SANITIZE),1)
  CXXFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
endif

BUILD := build$(if $(filter-out g++,$(notdir $(CXX))),/$(notdir $(CXX)))$(if $(filter 1,$(SANITIZE)),/sanitize)

# The stages: chapters/NN-slug, in order.
STAGE_DIRS := $(sort $(wildcard chapters/[0-9][0-9]-*))
stage_number = $(firstword $(subst -, ,$(notdir $(1))))
STAGES := $(foreach d,$(STAGE_DIRS),$(call stage_number,$(d)))
NEWEST := $(lastword $(STAGES))
stage_dir = $(filter chapters/$(1)-%,$(STAGE_DIRS))

# tests/unit/NN-name.cpp holds from chapter NN on; NN-MM-name.cpp until chapter MM.
HASH := \#
unit_tests_for = $(shell for f in tests/unit/[0-9]*.cpp; do [ -e "$$f" ] || continue; \
    b=$$(basename "$$f"); from=$${b:0:2}; until=100; [[ $${b:3:3} =~ ^[0-9][0-9]-$$ ]] && until=$${b:3:2}; \
    (( 10$(HASH)$$from <= 10$(HASH)$(1) && 10$(HASH)$(1) < 10$(HASH)$$until )) && echo "$$f"; done)

DOCTEST_H := /usr/include/doctest/doctest.h
HARNESS_OBJS := $(BUILD)/tests/harness/harness.o $(BUILD)/tests/harness/main.o
BLACKBOX_OBJS := $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/blackbox/*.cpp))
TOOL_TEST_OBJS := $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/tools/*.cpp))

# src/ is the library and the book's last stage; its demo example keeps the
# stage contract, and the tests call it chapter 99.
FINAL := 99
SRC_OBJS := $(patsubst src/%.cpp,$(BUILD)/src/%.o,$(wildcard src/*.cpp))
LIBPORTER := $(BUILD)/libporter.a
EXAMPLES := $(notdir $(wildcard examples/*))
EXAMPLE_BINS := $(addprefix $(BUILD)/examples/,$(EXAMPLES))
DEMO := $(BUILD)/examples/demo

EXERCISE_DIRS := $(sort $(wildcard exercises/[0-9][0-9]-*))
EXERCISE_TESTS := $(foreach d,$(EXERCISE_DIRS),$(patsubst $(d)/%.cpp,$(BUILD)/$(d)/%,$(wildcard $(d)/test-*.cpp)))
EXERCISE_SOLUTIONS := $(foreach d,$(EXERCISE_DIRS),$(BUILD)/$(d)/solution/server)

.PHONY: all run test book diff exercise clean doctest install $(addprefix ch,$(STAGES))

all: $(foreach n,$(STAGES),$(BUILD)/ch$(n)/server $(if $(call unit_tests_for,$(n)),$(BUILD)/ch$(n)/unit)) \
     $(BUILD)/tools/book $(BUILD)/tests/blackbox-tests $(BUILD)/tests/tool-tests \
     $(LIBPORTER) $(EXAMPLE_BINS) $(BUILD)/src/unit $(BUILD)/src/library-tests $(BUILD)/tests/integration-tests \
     $(EXERCISE_TESTS) $(EXERCISE_SOLUTIONS)

# --- stages ------------------------------------------------------------------

# $(1) = NN, $(2) = chapters/NN-slug
define stage_rules
ch$(1): $(BUILD)/ch$(1)/server

$(BUILD)/ch$(1)/server: $(patsubst $(2)/%.cpp,$(BUILD)/ch$(1)/%.o,$(wildcard $(2)/*.cpp))
	$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/ch$(1)/%.o: $(2)/%.cpp
	@mkdir -p $$(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $$< -o $$@

# Unit tests see the stage's headers and link with all of it but main().
$(BUILD)/ch$(1)/unit: $(patsubst tests/unit/%.cpp,$(BUILD)/ch$(1)/unit-tests/%.o,$(call unit_tests_for,$(1))) \
                      $(filter-out %/main.o,$(patsubst $(2)/%.cpp,$(BUILD)/ch$(1)/%.o,$(wildcard $(2)/*.cpp))) \
                      $(BUILD)/tests/harness/main.o
	$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/ch$(1)/unit-tests/%.o: tests/unit/%.cpp | $(DOCTEST_H)
	@mkdir -p $$(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -I$(2) -c $$< -o $$@
endef
$(foreach d,$(STAGE_DIRS),$(eval $(call stage_rules,$(call stage_number,$(d)),$(d))))

# --- src/: the library and its examples ---------------------------------------

$(BUILD)/src/%.o: src/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIBPORTER): $(SRC_OBJS)
	ar rcs $@ $^

# $(1) = the example's directory name
define example_rules
$(BUILD)/examples/$(1): $(patsubst examples/$(1)/%.cpp,$(BUILD)/examples/$(1).o/%.o,$(wildcard examples/$(1)/*.cpp)) $(LIBPORTER)
	$(CXX) $(LDFLAGS) $$^ -pthread -o $$@

$(BUILD)/examples/$(1).o/%.o: examples/$(1)/%.cpp
	@mkdir -p $$(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Isrc -c $$< -o $$@
endef
$(foreach e,$(EXAMPLES),$(eval $(call example_rules,$(e))))

$(BUILD)/src/unit: $(patsubst tests/unit/%.cpp,$(BUILD)/src/unit-tests/%.o,$(call unit_tests_for,$(FINAL))) \
                   $(LIBPORTER) $(BUILD)/tests/harness/main.o
	$(CXX) $(LDFLAGS) $^ -pthread -o $@

# The library's API, driven in-process: tests/library/*.cpp.
$(BUILD)/src/library-tests: $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/library/*.cpp)) \
                            $(HARNESS_OBJS) $(LIBPORTER)
	$(CXX) $(LDFLAGS) $^ -pthread -o $@

$(BUILD)/tests/library/%.o: tests/library/%.cpp | $(DOCTEST_H)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Isrc -Itests/harness -c $< -o $@

$(BUILD)/src/unit-tests/%.o: tests/unit/%.cpp | $(DOCTEST_H)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Isrc -c $< -o $@

# --- tools and tests ---------------------------------------------------------

$(BUILD)/tools/book: tools/book.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) $(LDFLAGS) $< -o $@

$(BUILD)/tests/%.o: tests/%.cpp | $(DOCTEST_H)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Itests/harness -c $< -o $@

$(BUILD)/tests/blackbox-tests: $(BLACKBOX_OBJS) $(HARNESS_OBJS)
	$(CXX) $(LDFLAGS) $^ -o $@

# Whole programs together: the examples, and the workers behind a real nginx.
$(BUILD)/tests/integration-tests: $(patsubst tests/%.cpp,$(BUILD)/tests/%.o,$(wildcard tests/integration/*.cpp)) $(HARNESS_OBJS)
	$(CXX) $(LDFLAGS) $^ -pthread -o $@

$(BUILD)/tests/tool-tests: $(TOOL_TEST_OBJS) $(BUILD)/tests/harness/main.o
	$(CXX) $(LDFLAGS) $^ -o $@

# Each exercise: test-K.cpp against the shipped stage and the solution/ copy.
define exercise_rules
$(BUILD)/$(1)/test-%: $(BUILD)/$(1)/test-%.o $(HARNESS_OBJS)
	$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/$(1)/test-%.o: $(1)/test-%.cpp | $(DOCTEST_H)
	@mkdir -p $$(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -Itests/harness -c $$< -o $$@

$(BUILD)/$(1)/solution/server: $(patsubst $(1)/solution/%.cpp,$(BUILD)/$(1)/solution/%.o,$(wildcard $(1)/solution/*.cpp))
	$(CXX) $(LDFLAGS) $$^ -o $$@

$(BUILD)/$(1)/solution/%.o: $(1)/solution/%.cpp
	@mkdir -p $$(@D)
	$(CXX) $(CXXFLAGS) $(DEPFLAGS) -c $$< -o $$@
endef
$(foreach d,$(EXERCISE_DIRS),$(eval $(call exercise_rules,$(d))))

# doctest is Debian's doctest-dev: installed here when missing and we are root.
$(DOCTEST_H):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing doctest-dev (the test framework) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq doctest-dev >/dev/null; \
	else \
	    echo "make: the tests need doctest: run 'sudo apt-get install doctest-dev'" >&2; exit 1; \
	fi

doctest: | $(DOCTEST_H)

# nginx is a test tool here (the load balancer in front of the workers), never
# a dependency of Porter: Debian's nginx-light, installed when missing.
NGINX := /usr/sbin/nginx
# After doctest's install, never beside it: under make -j two apt-gets would
# fight over dpkg's lock.
$(NGINX): | $(DOCTEST_H)
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing nginx-light (for the integration test) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	else \
	    echo "make: the integration test needs nginx: run 'sudo apt-get install nginx-light'" >&2; exit 1; \
	fi

# --- what readers type -------------------------------------------------------

PORT ?= 8080
run: $(DEMO)
	@echo "Porter's demo on http://127.0.0.1:$(PORT)/ serving files from $(CURDIR) — try, in another terminal:"
	@echo "  curl -v http://127.0.0.1:$(PORT)/"
	@echo "  curl http://127.0.0.1:$(PORT)/echo/hello%20there"
	@echo "  curl --data-binary @README.md http://127.0.0.1:$(PORT)/echo"
	@echo "  curl -I http://127.0.0.1:$(PORT)/files/README.md"
	@echo "  curl -N http://127.0.0.1:$(PORT)/count/5"
	@echo "  printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc 127.0.0.1 $(PORT)"
	@echo "Ctrl-C stops it."
	@$(DEMO) $(PORT) .

test: all | $(NGINX)
	@BUILD='$(BUILD)' STAGES='$(STAGES)' FINAL='$(FINAL)' CH='$(CH)' SERVER='$(SERVER)' \
	    CXX='$(CXX)' LDFLAGS='$(LDFLAGS)' SANITIZE='$(SANITIZE)' MAKE='$(MAKE)' bash tests/run.sh

book: $(BUILD)/tools/book
	$(BUILD)/tools/book book.md

diff:
	@[ -n "$(call stage_dir,$(CH))" ] || { echo "usage: make diff CH=NN (one of: $(STAGES))" >&2; exit 2; }
	@previous=$$(for d in $(STAGE_DIRS); do [ "$$d" = "$(call stage_dir,$(CH))" ] && break; echo $$d; done | tail -n 1); \
	 [ -n "$$previous" ] || { echo "chapter $(CH) is the first stage: nothing to compare with" >&2; exit 2; }; \
	 diff -ruN "$$previous" "$(call stage_dir,$(CH))"; [ $$? -le 1 ]

# make exercise EX=NN-K DIR=path: builds DIR/*.cpp and runs test K of chapter NN's exercises on it.
EX_DIR = $(filter exercises/$(firstword $(subst -, ,$(EX)))-%,$(EXERCISE_DIRS))
EX_TEST = $(BUILD)/$(EX_DIR)/test-$(lastword $(subst -, ,$(EX)))
exercise:
	@[ -n "$(EX_DIR)" ] && [ -f "$(EX_DIR)/test-$(lastword $(subst -, ,$(EX))).cpp" ] && [ -d "$(DIR)" ] || \
	    { echo "usage: make exercise EX=NN-K DIR=path/to/your/stage (exercises: $(notdir $(EXERCISE_DIRS)))" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(EX_TEST)
	@mkdir -p $(BUILD)/reader/$(EX)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(DIR)/*.cpp -o $(BUILD)/reader/$(EX)/server
	PORTER_SERVER=$(BUILD)/reader/$(EX)/server PORTER_CHAPTER=$(firstword $(subst -, ,$(EX))) $(EX_TEST)

# make install PREFIX=dir: the headers, libporter.a and porter.pc, for
#   c++ app.cpp $$(pkg-config --cflags --libs porter)
# (or skip all this: copy src/ into your project and compile it with your code).
PREFIX ?= /usr/local
install: $(LIBPORTER)
	install -d $(DESTDIR)$(PREFIX)/include/porter $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 src/*.hpp $(DESTDIR)$(PREFIX)/include/porter/
	install -m 644 $(LIBPORTER) $(DESTDIR)$(PREFIX)/lib/libporter.a
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
	    'Name: porter' 'Description: a small HTTP/1.1 server to import' 'Version: 0.1.0' \
	    'Cflags: -std=c++20 -I$${includedir}/porter' 'Libs: -L$${libdir} -lporter -pthread' \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/porter.pc

clean:
	rm -rf build

# Benchmarks and fuzzing keep their rules beside their code.
include bench/bench.mk
include tests/fuzz/fuzz.mk

-include $(shell find build -name '*.d' 2>/dev/null)
