# make fuzz: libFuzzer on the request parser, the chunked decoder and the
# whole connection (tests/fuzz/*.cpp say what each one checks).
#
#   make fuzz                         build the three and run each FUZZ_SECONDS (60)
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=connection
#   make fuzz-build                   build them, run nothing
#   make fuzz-seeds                   rewrite tests/fuzz/corpus/ from seeds.cpp
#
# libFuzzer is clang's, so these rules use clang++ whatever CXX says: src/ is
# compiled again with -fsanitize=fuzzer-no-link,address,undefined into
# $(BUILD)/fuzz/, and each target links with -fsanitize=fuzzer. Each run works
# on a copy of the checked-in seeds in $(BUILD)/fuzz/run/TARGET/ and ends with
# "fuzz TARGET: passed" or "failed"; a crash fails make and prints the
# reproducer (run.sh). Under make -j2 two fuzzers run at once.

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= parser chunked connection
FUZZ_CXX := clang++
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CXXFLAGS := -std=c++20 -Wall -Wextra -Werror -O1 -g -fno-omit-frame-pointer \
                 -fsanitize=address,undefined -fno-sanitize-recover=all -D_GLIBCXX_ASSERTIONS $(SRC_INCLUDES) -Itests/fuzz
FUZZ_SRC_OBJS := $(patsubst src/%.cpp,$(FUZZ_DIR)/src/%.o,$(wildcard src/core/*.cpp src/io/*.cpp))
FUZZ_TOOLCHAIN := $(FUZZ_DIR)/toolchain.ok
# Inputs past these sizes say nothing new: a head is capped at 16 KiB, and a
# connection's script needs room for several requests and their steps.
fuzz_max_len = $(if $(filter connection,$(1)),65536,4096)

.PHONY: fuzz fuzz-build fuzz-seeds $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

$(addprefix fuzz-run-,$(FUZZ_TARGETS)): fuzz-run-%: $(FUZZ_DIR)/%
	@bash tests/fuzz/run.sh $* $< $(FUZZ_SECONDS) $(call fuzz_max_len,$*) $(FUZZ_DIR)/run

$(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS)): $(FUZZ_DIR)/%: $(FUZZ_DIR)/targets/%.o $(FUZZ_SRC_OBJS)
	$(FUZZ_CXX) -fsanitize=fuzzer,address,undefined $^ -o $@

$(FUZZ_DIR)/targets/%.o: tests/fuzz/%.cpp | $(FUZZ_TOOLCHAIN)
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer $(DEPFLAGS) -c $< -o $@

$(FUZZ_DIR)/src/%.o: src/%.cpp | $(FUZZ_TOOLCHAIN)
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

# The seeds are written once and checked in; this rewrites them.
fuzz-seeds: $(FUZZ_DIR)/seeds
	rm -rf tests/fuzz/corpus
	$< tests/fuzz/corpus

$(FUZZ_DIR)/seeds: tests/fuzz/seeds.cpp | $(FUZZ_TOOLCHAIN)
	@mkdir -p $(@D)
	$(FUZZ_CXX) -std=c++20 -Wall -Wextra -Werror -O1 $(SRC_INCLUDES) -Itests/fuzz $(DEPFLAGS) $< -o $@

# clang++ and libFuzzer, which Debian 12 ships apart: clang-14's runtime
# libraries (libclang_rt.fuzzer among them) are in libclang-rt-14-dev, which
# clang only recommends. Checked by linking an empty fuzzer; installed as root.
$(FUZZ_TOOLCHAIN):
	@mkdir -p $(@D)
	@printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > $(@D)/probe.cpp
	@if ! $(FUZZ_CXX) -fsanitize=fuzzer $(@D)/probe.cpp -o $(@D)/probe 2>/dev/null; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	        echo "make: installing clang and libclang-rt-dev (libFuzzer) with apt-get"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev >/dev/null; \
	    else \
	        echo "make: fuzzing needs clang and libFuzzer: run 'sudo apt-get install clang libclang-rt-dev'" >&2; exit 1; \
	    fi; \
	    $(FUZZ_CXX) -fsanitize=fuzzer $(@D)/probe.cpp -o $(@D)/probe; \
	fi
	@touch $@
