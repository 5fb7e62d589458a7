// wrk: running it, and reading the lines of its report the bench uses.
#include "wrk.hpp"

#include <cstdlib>
#include <sstream>

#include "process.hpp"

namespace bench {

namespace {

// "718.00us", "0.91ms", "1.20s" → milliseconds.
double parse_duration_ms(const std::string& text) {
    double value = std::atof(text.c_str());
    if (text.ends_with("us")) return value / 1000;
    if (text.ends_with("ms")) return value;
    if (text.ends_with("s")) return value * 1000;
    return value;
}

// "Socket errors: connect 0, read 3, write 0, timeout 1" → 4.
long sum_of_numbers(const std::string& text) {
    long sum = 0;
    std::istringstream words(text);
    for (std::string word; words >> word;)
        if (!word.empty() && word[0] >= '0' && word[0] <= '9') sum += std::atol(word.c_str());
    return sum;
}

void parse_line(const std::string& line, WrkResult& result) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    if (first == "50%") result.p50_ms = parse_duration_ms(second);
    else if (first == "99%") result.p99_ms = parse_duration_ms(second);
    else if (first == "Requests/sec:") result.requests_per_s = std::atof(second.c_str()), result.ran = true;
    else if (second == "requests") result.requests = std::atol(first.c_str());
    else if (first == "Socket" && second == "errors:") result.errors += sum_of_numbers(line.substr(line.find(':')));
    else if (first == "Non-2xx") result.errors += std::atol(line.substr(line.find(':') + 1).c_str());
}

}  // namespace

WrkResult parse_wrk_report(const std::string& report) {
    WrkResult result;
    std::istringstream lines(report);
    for (std::string line; std::getline(lines, line);) parse_line(line, result);
    return result;
}

WrkResult run_wrk(const WrkLoad& load, int port, const std::string& path, int cpu, const std::string& log_path) {
    std::vector<std::string> argv = {"/usr/bin/wrk", "-t1", "-c" + std::to_string(load.connections),
                                     "-d" + std::to_string(load.seconds) + "s", "--latency", "--timeout", "2s"};
    argv.insert(argv.end(), load.options.begin(), load.options.end());
    argv.push_back("http://127.0.0.1:" + std::to_string(port) + path);
    Child wrk = start_child(argv, cpu, log_path);
    std::string report = read_all_and_wait(wrk, Clock::now() + std::chrono::seconds(load.seconds + 15));
    return parse_wrk_report(report);
}

}  // namespace bench
