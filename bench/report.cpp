// report: Markdown tables and an SVG chart, laid out from Results.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace bench {

namespace {

// A number with `decimals` places, or "—" when it wasn't measured.
std::string number(std::optional<double> value, int decimals = 0) {
    if (!value) return "—";
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, *value);
    return text;
}

std::string ratio(std::optional<double> value) { return value ? number(value, 2) + "×" : "—"; }

// Fields of the wrk result, as Metrics, for the latency and memory columns.
// wrk 4.1 sometimes prints a percentile as 0.00us (pipelined runs, mostly): that is no measurement.
std::optional<double> p50_ms(const Sample& s) { return s.ran && s.wrk.p50_ms > 0 ? std::optional(s.wrk.p50_ms) : std::nullopt; }
std::optional<double> p99_ms(const Sample& s) { return s.ran && s.wrk.p99_ms > 0 ? std::optional(s.wrk.p99_ms) : std::nullopt; }
std::optional<double> peak_rss(const Sample& s) { return s.peak_rss_kib >= 0 ? std::optional<double>(s.peak_rss_kib) : std::nullopt; }
std::optional<double> busy(const Sample& s) { return s.cpu_busy >= 0 ? std::optional(s.cpu_busy * 100) : std::nullopt; }
std::optional<double> held(const Sample& s) { return s.ran ? std::optional<double>(s.held) : std::nullopt; }
std::optional<double> idle_rss(const Sample& s) { return s.idle_rss_kib >= 0 ? std::optional<double>(s.idle_rss_kib) : std::nullopt; }
std::optional<double> held_rss(const Sample& s) { return s.held_rss_kib >= 0 ? std::optional<double>(s.held_rss_kib) : std::nullopt; }
std::optional<double> probe_ms(const Sample& s) { return s.probe_us >= 0 ? std::optional(s.probe_us / 1000.0) : std::nullopt; }

// Errors are summed over rounds, not a median: one failing round must show.
std::string errors(const Results& results, Scenario scenario, const std::string& server) {
    long sum = 0;
    int failed = 0;
    for (const Sample& sample : results.of(scenario, server)) sum += sample.wrk.errors, failed += !sample.ran || !sample.wrk.ran;
    return std::to_string(sum) + (failed ? " (" + std::to_string(failed) + " runs failed)" : "");
}

bool takes_part(const Results& results, Scenario scenario, const std::string& server) {
    return !results.of(scenario, server).empty();
}

std::string load_table(const Results& results, Scenario scenario) {
    bool keep_alive = scenario == Scenario::keep_alive;
    std::ostringstream out;
    out << "| server | req/s | × nginx | × speed of light | p50 ms | p99 ms |"
        << (keep_alive ? " CPU µs/req | CPU × speed of light | server CPU busy % |" : "") << " peak RSS KiB | errors |\n"
        << "|---|--:|--:|--:|--:|--:|" << (keep_alive ? "--:|--:|--:|" : "") << "--:|--:|\n";
    for (const std::string& server : results.servers) {
        if (!takes_part(results, scenario, server)) continue;
        out << "| " << server << " | " << number(median_of(results, scenario, server, requests_per_s)) << " | "
            << ratio(median_ratio(results, scenario, server, nginx, requests_per_s)) << " | "
            << ratio(median_ratio(results, scenario, server, speed_of_light, requests_per_s)) << " | "
            << number(median_of(results, scenario, server, p50_ms), 2) << " | "
            << number(median_of(results, scenario, server, p99_ms), 2) << " | ";
        if (keep_alive)
            out << number(median_of(results, scenario, server, cpu_us_per_request), 2) << " | "
                << ratio(median_ratio(results, scenario, server, speed_of_light, cpu_us_per_request)) << " | "
                << number(median_of(results, scenario, server, busy)) << " | ";
        out << number(median_of(results, scenario, server, peak_rss)) << " | " << errors(results, scenario, server)
            << " |\n";
    }
    return out.str();
}

std::string idle_table(const Results& results) {
    Scenario idle = Scenario::idle;
    std::ostringstream out;
    out << "| server | held | idle RSS KiB | RSS holding them KiB | KiB per connection | × nginx | "
           "probe latency ms |\n|---|--:|--:|--:|--:|--:|--:|\n";
    for (const std::string& server : results.servers)
        out << "| " << server << " | " << number(median_of(results, idle, server, held)) << " | "
            << number(median_of(results, idle, server, idle_rss)) << " | "
            << number(median_of(results, idle, server, held_rss)) << " | "
            << number(median_of(results, idle, server, kib_per_idle_connection), 2) << " | "
            << ratio(median_ratio(results, idle, server, nginx, kib_per_idle_connection)) << " | "
            << number(median_of(results, idle, server, probe_ms), 2) << " |\n";
    return out.str();
}

std::string goals_table(const Results& results) {
    std::ostringstream out;
    out << "| goal | measured (median) | met | rounds met |\n|---|---|---|--:|\n";
    for (const Goal& goal : judge_goals(results))
        out << "| " << goal.text << " | " << goal.measured << " | " << (goal.met ? "**met**" : "**not met**") << " | "
            << goal.rounds_met << " of " << goal.rounds << " |\n";
    return out.str();
}

std::string scenario_heading(const Results& results, Scenario scenario) {
    std::string s = std::to_string(results.seconds) + " s, 50 connections, wrk -t1";
    switch (scenario) {
        case Scenario::keep_alive: return "keep-alive: GET / (13 bytes), " + s;
        case Scenario::new_connection: return "new connection per request: `Connection: close`, " + s;
        case Scenario::pipelined: return "pipelined: 16 requests per write (bench/pipeline.lua), " + s;
        case Scenario::large_file: return "1 MiB static file over keep-alive, " + s;
        case Scenario::idle:
            return with_thousands(results.idle_connections) +
                   " idle keep-alive connections (each answered once, then held), then one request on the oldest";
    }
    return "";
}

}  // namespace

std::string markdown_report(const Results& results, const Setup& setup) {
    std::ostringstream out;
    out << "# Porter bench\n\n" << setup.machine << ". " << setup.pinning << ". " << results.rounds
        << " rounds; each round runs every scenario on every server in turn, so the servers alternate; "
           "each figure is the median over rounds, and each ratio the median of the ratios taken within a round.\n\n"
        << "## Goals\n\n" << goals_table(results);
    for (Scenario scenario : all_scenarios)
        out << "\n## " << scenario_heading(results, scenario) << "\n\n"
            << (scenario == Scenario::idle ? idle_table(results) : load_table(results, scenario));
    out << "\n## Notes\n\n";
    for (const std::string& note : setup.notes) out << "- " << note << "\n";
    return out.str();
}

namespace {

// One group of bars in the chart: a metric as a ratio to nginx, higher better.
struct Group {
    std::string label[2];  // two lines under the group
    Scenario scenario;
    Metric metric;
    bool less_is_better;  // then the ratio is nginx's over the server's
};
const Group groups[] = {
    {{"keep-alive", "req/s"}, Scenario::keep_alive, requests_per_s, false},
    {{"new connection", "req/s"}, Scenario::new_connection, requests_per_s, false},
    {{"pipelined", "req/s"}, Scenario::pipelined, requests_per_s, false},
    {{"1 MiB file", "req/s"}, Scenario::large_file, requests_per_s, false},
    {{"CPU per request", "(nginx's / server's)"}, Scenario::keep_alive, cpu_us_per_request, true},
    {{"memory per idle conn.", "(nginx's / server's)"}, Scenario::idle, kib_per_idle_connection, true},
};
const char* const colours[] = {"#d1495b", "#edae49", "#00798c", "#7a7a7a"};

std::optional<double> bar_value(const Results& results, const Group& group, const std::string& server) {
    return group.less_is_better ? median_ratio(results, group.scenario, nginx, server, group.metric)
                                : median_ratio(results, group.scenario, server, nginx, group.metric);
}

std::vector<std::string> charted_servers(const Results& results) {
    std::vector<std::string> servers;
    for (const std::string& server : results.servers)
        if (server != nginx) servers.push_back(server);
    return servers;
}

// Text as XML character data: a label such as "<0.001" must not open a tag.
std::string escape_xml(const std::string& words) {
    std::string out;
    for (char c : words) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else out += c;
    }
    return out;
}

std::string text(double x, double y, const std::string& words, const std::string& attributes = "") {
    char head[128];
    std::snprintf(head, sizeof head, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attributes.c_str());
    return head + escape_xml(words) + "</text>\n";
}

std::string rect(double x, double y, double width, double height, const std::string& fill) {
    char line[160];
    std::snprintf(line, sizeof line, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, y,
                  width, height, fill.c_str());
    return line;
}

std::string line(double x1, double y1, double x2, double y2, const std::string& attributes) {
    char text[200];
    std::snprintf(text, sizeof text, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n", x1, y1, x2, y2,
                  attributes.c_str());
    return text;
}

// The y axis is log2 of the ratio, so 2× better and 2× worse are the same
// height, up and down from nginx's line; it spans 1/64 to 8 (bars beyond are
// cut, and their labels still say the value).
constexpr double left = 80, right = 1010, top = 60, bottom = 380;
constexpr int lowest_power = -6, highest_power = 3;

double y_of(double ratio) {
    double power = std::clamp(std::log2(ratio), double(lowest_power), double(highest_power));
    return bottom - (bottom - top) * (power - lowest_power) / (highest_power - lowest_power);
}

std::string axis() {
    std::string out;
    for (int power = lowest_power; power <= highest_power; ++power) {
        double y = y_of(std::ldexp(1.0, power));
        out += line(left, y, right, y, power == 0 ? "stroke=\"#222\" stroke-dasharray=\"6 4\"" : "stroke=\"#e0e0e0\"");
        std::string label = power > 0 ? std::to_string(1 << power) + "×" : power == 0 ? "nginx 1×" : "1/" + std::to_string(1 << -power);
        out += text(left - 8, y + 4, label, "text-anchor=\"end\"");
    }
    return out;
}

// A bar from nginx's line to the server's ratio: up when better, down when worse.
std::string bar(double x, double width, std::optional<double> value, const char* colour) {
    if (!value || *value <= 0) return text(x + width / 2, y_of(1) - 4, "n/a", "text-anchor=\"middle\" font-size=\"10\"");
    double y = y_of(*value), base = y_of(1);
    double label_y = *value >= 1 ? y - 4 : std::min(y + 12, bottom - 4);  // a bar cut at the bottom has it inside
    std::string label = *value < 0.001 ? "<0.001" : number(value, *value < 0.1 ? 3 : 2);
    return rect(x, std::min(y, base), width, std::abs(base - y), colour) +
           text(x + width / 2, label_y, label, "text-anchor=\"middle\" font-size=\"10\"");
}

std::string bars(const Results& results) {
    std::vector<std::string> servers = charted_servers(results);
    double group_width = (right - left) / double(std::size(groups)), bar_width = (group_width - 24) / double(servers.size());
    std::string out;
    for (size_t g = 0; g < std::size(groups); ++g) {
        double x0 = left + double(g) * group_width + 12;
        for (size_t s = 0; s < servers.size(); ++s)
            out += bar(x0 + double(s) * bar_width, bar_width - 4, bar_value(results, groups[g], servers[s]),
                       colours[s % std::size(colours)]);
        double middle = x0 + (group_width - 24) / 2;
        out += text(middle, bottom + 20, groups[g].label[0], "text-anchor=\"middle\"");
        out += text(middle, bottom + 35, groups[g].label[1], "text-anchor=\"middle\" font-size=\"10\"");
    }
    return out;
}

std::string legend(const Results& results) {
    std::vector<std::string> servers = charted_servers(results);
    std::string out;
    for (size_t s = 0; s < servers.size(); ++s) {
        double x = left + 170 * double(s);
        out += rect(x, 428, 12, 12, colours[s % std::size(colours)]);
        out += text(x + 18, 439, servers[s]);
    }
    return out;
}

}  // namespace

std::string svg_chart(const Results& results) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1040\" height=\"460\" viewBox=\"0 0 1040 460\" "
           "font-family=\"sans-serif\" font-size=\"12\">\n" +
           rect(0, 0, 1040, 460, "white") +
           text(left, 30, "Each server relative to nginx in the same round (median of " +
                              std::to_string(results.rounds) + " rounds; log scale; up is better)",
                "font-size=\"15\"") +
           axis() + bars(results) + legend(results) + "</svg>\n";
}

}  // namespace bench
