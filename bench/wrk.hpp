// wrk: one load run with Debian's wrk, and what its report says.
//
// wrk is the load generator: one thread, pinned to its own CPU, for a fixed
// time, against 127.0.0.1 only. Its report is text; parse_wrk_report reads
// the lines the bench needs (requests, requests/s, the 50% and 99% latency,
// socket errors, non-2xx answers) and leaves the rest.
#pragma once

#include <string>
#include <vector>

namespace bench {

// What one wrk run measured.
struct WrkResult {
    bool ran = false;           // wrk printed a Requests/sec line
    long requests = 0;          // requests completed
    double requests_per_s = 0;  // as wrk computes it: requests / elapsed
    double p50_ms = 0, p99_ms = 0;
    long errors = 0;            // socket errors (connect, read, write, timeout) plus non-2xx/3xx answers
};

// How to load the server: wrk's connections, duration and extra options.
struct WrkLoad {
    int connections = 50;
    int seconds = 5;
    std::vector<std::string> options;  // e.g. {"-H", "Connection: close"} or {"-s", "bench/pipeline.lua"}
};

WrkResult parse_wrk_report(const std::string& report);

// Runs wrk on `cpu` against http://127.0.0.1:port/path; killed if it overruns by 15 s.
WrkResult run_wrk(const WrkLoad& load, int port, const std::string& path, int cpu, const std::string& log_path);

}  // namespace bench
