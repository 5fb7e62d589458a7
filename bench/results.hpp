// results: what the bench measured, and the arithmetic on it — medians, same-run ratios, goals.
//
// A Sample is one server in one scenario in one round. Rounds alternate the
// servers, so a ratio is taken inside a round (Porter's number over nginx's
// from minutes apart on the same noisy machine) and the report gives the
// median of those ratios, not the ratio of medians. Nothing here measures or
// prints: run.cpp fills Results, report.cpp writes them out.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wrk.hpp"

namespace bench {

// The scenarios, in the order the bench runs them within a round.
enum class Scenario {
    keep_alive,      // 50 keep-alive connections, GET / (13 bytes)
    new_connection,  // the same with Connection: close: a TCP connection per request
    pipelined,       // 16 requests per write on each of 50 connections
    large_file,      // GET /files/1mib.bin over 50 keep-alive connections
    idle,            // 10,000 connections answered once, then held idle
};
inline constexpr Scenario all_scenarios[] = {Scenario::keep_alive, Scenario::new_connection, Scenario::pipelined,
                                             Scenario::large_file, Scenario::idle};
std::string title_of(Scenario scenario);

// The servers' names as the report prints them; the first is the one measured.
inline const std::string porter = "Porter", nginx = "nginx", microhttpd = "libmicrohttpd",
                         httplib = "cpp-httplib", speed_of_light = "speed of light";

// One server, one scenario, one round.
struct Sample {
    bool ran = false;             // the server started and the load ran
    WrkResult wrk;                // the load scenarios
    double cpu_us_per_request = -1;  // keep_alive: utime+stime over the run / requests completed
    double cpu_busy = -1;            // keep_alive: the server's CPU time / the run's wall time
    long peak_rss_kib = -1;       // VmHWM when the run ended
    long idle_rss_kib = -1;       // idle: VmRSS of the fresh server before any connection
    long held_rss_kib = -1;       // idle: VmRSS with every connection held
    long held = 0;                // idle: connections answered once and still open
    long probe_us = -1;           // idle: one more request's latency on a held connection, -1 if none came
};

// Every sample of a whole bench: samples[{scenario, server}][round].
struct Results {
    std::vector<std::string> servers;  // in the order each round runs them
    int rounds = 0;
    int seconds = 0;                   // each load run's duration
    int idle_connections = 0;          // what the idle test tried to hold
    std::map<std::pair<Scenario, std::string>, std::vector<Sample>> samples;

    const std::vector<Sample>& of(Scenario scenario, const std::string& server) const;
};

// A number read from a sample; nullopt where the sample doesn't have it.
using Metric = std::optional<double> (*)(const Sample&);
std::optional<double> requests_per_s(const Sample& sample);
std::optional<double> cpu_us_per_request(const Sample& sample);
std::optional<double> kib_per_idle_connection(const Sample& sample);

// The median over rounds of a metric; nullopt if no round has it.
std::optional<double> median_of(const Results& results, Scenario scenario, const std::string& server, Metric metric);

// server / reference for each round where both have the metric.
std::vector<double> ratios_by_round(const Results& results, Scenario scenario, const std::string& server,
                                    const std::string& reference, Metric metric);
std::optional<double> median_ratio(const Results& results, Scenario scenario, const std::string& server,
                                   const std::string& reference, Metric metric);
std::optional<double> median(std::vector<double> values);

// 10000 → "10,000".
std::string with_thousands(long n);

// One goal from the issue, judged on the medians and counted round by round.
struct Goal {
    std::string text;               // "keep-alive req/s ≥ 1.0 × nginx"
    std::string measured;           // "0.93 × nginx"
    bool met = false;               // judged on the median
    int rounds_met = 0, rounds = 0; // the same judgement in each round alone
};
std::vector<Goal> judge_goals(const Results& results);

}  // namespace bench
