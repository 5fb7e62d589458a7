// results: medians, same-round ratios, and the goals judged on them.
#include "results.hpp"

#include <algorithm>
#include <cstdio>

namespace bench {

std::string title_of(Scenario scenario) {
    switch (scenario) {
        case Scenario::keep_alive: return "keep-alive";
        case Scenario::new_connection: return "new connection per request";
        case Scenario::pipelined: return "pipelined (16 per write)";
        case Scenario::large_file: return "1 MiB static file";
        case Scenario::idle: return "idle connections";
    }
    return "";
}

const std::vector<Sample>& Results::of(Scenario scenario, const std::string& server) const {
    static const std::vector<Sample> none;
    auto found = samples.find({scenario, server});
    return found == samples.end() ? none : found->second;
}

std::optional<double> requests_per_s(const Sample& sample) {
    if (!sample.ran || !sample.wrk.ran) return std::nullopt;
    return sample.wrk.requests_per_s;
}

std::optional<double> cpu_us_per_request(const Sample& sample) {
    if (!sample.ran || sample.cpu_us_per_request <= 0) return std::nullopt;
    return sample.cpu_us_per_request;
}

// Resident memory the held connections added, shared out among them. A
// server that held none has no per-connection figure. RSS counts the
// process's own pages only: the kernel's socket buffers are not in it.
std::optional<double> kib_per_idle_connection(const Sample& sample) {
    if (!sample.ran || sample.held <= 0 || sample.idle_rss_kib < 0 || sample.held_rss_kib < 0) return std::nullopt;
    return std::max(0.0, double(sample.held_rss_kib - sample.idle_rss_kib)) / double(sample.held);
}

std::optional<double> median(std::vector<double> values) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

std::optional<double> median_of(const Results& results, Scenario scenario, const std::string& server, Metric metric) {
    std::vector<double> values;
    for (const Sample& sample : results.of(scenario, server))
        if (std::optional<double> value = metric(sample)) values.push_back(*value);
    return median(values);
}

std::vector<double> ratios_by_round(const Results& results, Scenario scenario, const std::string& server,
                                    const std::string& reference, Metric metric) {
    const std::vector<Sample>& mine = results.of(scenario, server);
    const std::vector<Sample>& theirs = results.of(scenario, reference);
    std::vector<double> ratios;
    for (size_t round = 0; round < mine.size() && round < theirs.size(); ++round) {
        std::optional<double> a = metric(mine[round]), b = metric(theirs[round]);
        if (a && b && *b > 0) ratios.push_back(*a / *b);
    }
    return ratios;
}

std::optional<double> median_ratio(const Results& results, Scenario scenario, const std::string& server,
                                   const std::string& reference, Metric metric) {
    return median(ratios_by_round(results, scenario, server, reference, metric));
}

std::string with_thousands(long n) {
    std::string digits = std::to_string(n);
    for (int at = int(digits.size()) - 3; at > 0; at -= 3) digits.insert(size_t(at), ",");
    return digits;
}

namespace {

std::string format_ratio(std::optional<double> ratio, const std::string& reference) {
    if (!ratio) return "not measured";
    char text[64];
    std::snprintf(text, sizeof text, "%.2f × %s", *ratio, reference.c_str());
    return text;
}

// A goal "Porter's metric is at least (or at most) `bound` × the reference's", from the same rounds.
Goal judge_ratio(const Results& results, std::string text, Scenario scenario, const std::string& reference,
                 Metric metric, double bound, bool at_least) {
    std::vector<double> ratios = ratios_by_round(results, scenario, porter, reference, metric);
    auto holds = [&](double ratio) { return at_least ? ratio >= bound : ratio <= bound; };
    std::optional<double> middle = median(ratios);
    Goal goal{.text = std::move(text), .measured = format_ratio(middle, reference), .met = middle && holds(*middle),
              .rounds_met = int(std::count_if(ratios.begin(), ratios.end(), holds)), .rounds = int(ratios.size())};
    return goal;
}

// Every idle connection held, and at most 1 KiB of resident memory each.
Goal judge_idle_memory(const Results& results) {
    Goal goal;
    goal.text = "memory with " + with_thousands(results.idle_connections) +
                " idle keep-alive connections ≤ 1 KiB per connection above the idle server";
    std::vector<double> held_ok;
    for (const Sample& sample : results.of(Scenario::idle, porter)) {
        std::optional<double> kib = kib_per_idle_connection(sample);
        if (!kib) continue;
        ++goal.rounds;
        bool met = sample.held == results.idle_connections && *kib <= 1.0;
        goal.rounds_met += met;
        held_ok.push_back(sample.held == results.idle_connections ? *kib : 1e9);
    }
    std::optional<double> middle = median(held_ok);
    char text[64];
    std::snprintf(text, sizeof text, "%.2f KiB per connection", middle ? *middle : -1.0);
    goal.measured = !middle ? "not measured" : *middle >= 1e9 ? "not every connection held" : text;
    goal.met = middle && *middle <= 1.0;
    return goal;
}

// A comparison Porter must win against each embedded peer: a scenario and
// whether more of its metric is better.
struct Contest {
    Scenario scenario;
    Metric metric;
    bool more_is_better;
};
constexpr Contest contests[] = {
    {Scenario::keep_alive, requests_per_s, true},     {Scenario::new_connection, requests_per_s, true},
    {Scenario::pipelined, requests_per_s, true},      {Scenario::large_file, requests_per_s, true},
    {Scenario::keep_alive, cpu_us_per_request, false}, {Scenario::idle, kib_per_idle_connection, false},
};

// Porter wins a contest in a round when its number beats the peer's from the same round.
bool wins(const Results& results, const Contest& contest, const std::string& peer, size_t round) {
    const std::vector<Sample>& mine = results.of(contest.scenario, porter);
    const std::vector<Sample>& theirs = results.of(contest.scenario, peer);
    if (round >= mine.size() || round >= theirs.size()) return false;
    std::optional<double> a = contest.metric(mine[round]), b = contest.metric(theirs[round]);
    if (!a) return false;
    if (!b) return true;  // the peer could not do it at all
    return contest.more_is_better ? *a > *b : *a < *b;
}

Goal judge_ahead_of_peers(const Results& results) {
    Goal goal;
    goal.text = "every scenario ahead of libmicrohttpd and cpp-httplib (req/s, CPU per request, idle memory)";
    int contests_won_by_median = 0, total = 0;
    for (const Contest& contest : contests)
        for (const std::string& peer : {microhttpd, httplib}) {
            int rounds_won = 0;
            for (int round = 0; round < results.rounds; ++round) rounds_won += wins(results, contest, peer, size_t(round));
            contests_won_by_median += rounds_won * 2 > results.rounds;
            ++total;
        }
    for (int round = 0; round < results.rounds; ++round) {
        bool all = true;
        for (const Contest& contest : contests)
            for (const std::string& peer : {microhttpd, httplib}) all = all && wins(results, contest, peer, size_t(round));
        goal.rounds_met += all;
    }
    goal.rounds = results.rounds;
    goal.measured = "ahead in " + std::to_string(contests_won_by_median) + " of " + std::to_string(total) +
                    " comparisons (most rounds)";
    goal.met = contests_won_by_median == total;
    return goal;
}

}  // namespace

std::vector<Goal> judge_goals(const Results& results) {
    return {
        judge_ratio(results, "keep-alive req/s ≥ 1.0 × nginx", Scenario::keep_alive, nginx, requests_per_s, 1.0, true),
        judge_ratio(results, "server CPU per request, keep-alive, ≤ 1.25 × speed of light", Scenario::keep_alive,
                    speed_of_light, cpu_us_per_request, 1.25, false),
        judge_ratio(results, "pipelined req/s ≥ 0.5 × speed of light", Scenario::pipelined, speed_of_light,
                    requests_per_s, 0.5, true),
        judge_ratio(results, "new connection per request: req/s ≥ 0.95 × nginx", Scenario::new_connection, nginx,
                    requests_per_s, 0.95, true),
        judge_ratio(results, "1 MiB static file: req/s ≥ 1.0 × nginx", Scenario::large_file, nginx, requests_per_s,
                    1.0, true),
        judge_idle_memory(results),
        judge_ahead_of_peers(results),
    };
}

}  // namespace bench
