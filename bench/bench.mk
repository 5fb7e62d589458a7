# make bench: Porter's demo against nginx, libmicrohttpd, cpp-httplib and a
# speed-of-light reference, under wrk; writes build/bench/report.md and
# build/bench/ratios.svg (bench/run.cpp tells the whole story).
#
#   make bench                               3 rounds of 5 s runs, about 8 minutes
#   make bench BENCH_RUNS=1 BENCH_SECONDS=2  a quick try
#   make bench-build                         build the bench's programs, run nothing
#
# The load generator, nginx and the two peers are bench tools, never
# dependencies of Porter: Debian's packages, installed when missing (as root),
# all in one apt-get so two installs never fight over dpkg's lock. Porter is
# measured as released: the g++ -O2 build in build/, whatever CXX or SANITIZE
# say. The bench's own programs build with CXX (g++ or clang++, warning-free
# on both).

BENCH_RUNS ?= 3
BENCH_SECONDS ?= 5
BENCH_DIR := build/bench
BENCH_CXXFLAGS := -std=c++20 -Wall -Wextra -Werror -O2 -g
BENCH_RUN_OBJS := $(addprefix $(BENCH_DIR)/obj/,run.o process.o wrk.o results.o report.o)
BENCH_BINS := $(addprefix $(BENCH_DIR)/,run idle_hold speed_of_light microhttpd httplib)

# package:file-it-installs:what-it-is-for
BENCH_PACKAGES := wrk:/usr/bin/wrk:the-load-generator nginx-light:/usr/sbin/nginx:the-reference-server \
                  libmicrohttpd-dev:/usr/include/microhttpd.h:an-embedded-peer \
                  libcpp-httplib-dev:/usr/include/httplib.h:an-embedded-peer

.PHONY: bench bench-build bench-tools

bench: $(BENCH_BINS) | bench-tools
	@$(MAKE) --no-print-directory CXX=g++ SANITIZE= build/examples/demo
	BENCH_RUNS=$(BENCH_RUNS) BENCH_SECONDS=$(BENCH_SECONDS) $(BENCH_DIR)/run $(BENCH_DIR) build/examples/demo

bench-build: $(BENCH_BINS)

bench-tools:
	@missing=; for entry in $(BENCH_PACKAGES); do \
	    IFS=: read -r package file purpose <<< "$$entry"; \
	    [ -e "$$file" ] || { missing="$$missing $$package"; notes+=("make bench: installing $$package ($${purpose//-/ }) with apt-get"); }; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    printf '%s\n' "$${notes[@]}"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 $$missing >/dev/null; \
	else \
	    echo "make bench: needs bench tools: run 'sudo apt-get install$$missing'" >&2; exit 1; \
	fi

$(BENCH_DIR)/obj/%.o: bench/%.cpp | bench-tools
	@mkdir -p $(@D)
	$(CXX) $(BENCH_CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(BENCH_DIR)/run: $(BENCH_RUN_OBJS)
	$(CXX) $^ -o $@

$(BENCH_DIR)/idle_hold: $(BENCH_DIR)/obj/idle_hold.o
	$(CXX) $^ -o $@

$(BENCH_DIR)/speed_of_light: $(BENCH_DIR)/obj/speed_of_light.o
	$(CXX) $^ -o $@

$(BENCH_DIR)/microhttpd: $(BENCH_DIR)/obj/peers/microhttpd.o
	$(CXX) $^ -lmicrohttpd -o $@

$(BENCH_DIR)/httplib: $(BENCH_DIR)/obj/peers/httplib.o
	$(CXX) $^ -lcpp-httplib -pthread -o $@
