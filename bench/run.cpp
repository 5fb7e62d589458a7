// run: `make bench` — Porter against nginx, two embedded peers and a speed-of-light floor.
//
// The life of a bench:
//   1. build/bench/ gets the files to serve (13 bytes and 1 MiB) and nginx's
//      prefix; this process raises its descriptor limit, which the servers
//      inherit, so 10,000 connections fit.
//   2. Round after round, every scenario, every server in turn (A B C D E,
//      A B C D E, ...): a fresh server pinned to CPU 0, one load run pinned to
//      CPU 1 (wrk, or idle_hold for the idle test), its /proc numbers, stop.
//      Alternating spreads the noise of a shared machine over all servers.
//   3. results.cpp takes medians and same-round ratios and judges the goals;
//      report.cpp writes build/bench/report.md and build/bench/ratios.svg.
// Every load is bounded in time, and goes to 127.0.0.1 only. Every process is
// started here and stopped here by its own pid.
//
// Usage: run OUT_DIR DEMO (from the repository's root); BENCH_RUNS (3),
// BENCH_SECONDS (5) and BENCH_IDLE (10000) in the environment change the plan.
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "process.hpp"
#include "report.hpp"
#include "results.hpp"
#include "wrk.hpp"

namespace fs = std::filesystem;
using namespace bench;

namespace {

// Where everything lives, as absolute paths (nginx's prefix must be one).
struct Paths {
    fs::path out;        // build/bench
    fs::path www;        // out/www: hello.txt (13 bytes) and 1mib.bin
    fs::path nginx;      // out/nginx: its config, pid, temp directories and error log
    fs::path logs;       // out/logs: every child's standard error
    fs::path demo;       // Porter's demo, release build
    fs::path pipeline;   // bench/pipeline.lua
};

// How one contestant is started: its command line (PORT 0, ROOT), or nginx's own way.
struct ServerSpec {
    std::string name;
    std::vector<std::string> argv;  // empty for nginx
};

// A contestant while it runs: the process the bench stopped and measures.
struct Running {
    Child child;
    pid_t measured = -1;  // whose /proc the bench reads: the process itself, or nginx's one worker
    int port = 0;
};

// The plan, from the environment: rounds, seconds per load run, idle connections.
struct Plan {
    int rounds = 3, seconds = 5, idle = 10000;
    int server_cpu = 0, load_cpu = 1;  // -1 for both when the machine has one CPU
};

int from_environment(const char* name, int fallback) {
    const char* value = std::getenv(name);
    int number = value ? std::atoi(value) : 0;
    return number > 0 ? number : fallback;
}

// --- step 1: files to serve, nginx's prefix ----------------------------------------------------

void write_file(const fs::path& path, const std::string& contents) {
    std::ofstream(path, std::ios::binary) << contents;
}

void prepare_files(const Paths& paths) {
    for (const fs::path& dir : {paths.www, paths.nginx, paths.logs, paths.nginx / "temp"}) fs::create_directories(dir);
    write_file(paths.www / "hello.txt", "hello, world\n");
    std::string mebibyte(1 << 20, '\0');
    for (size_t i = 0; i < mebibyte.size(); ++i) mebibyte[i] = char('a' + i % 26);
    write_file(paths.www / "1mib.bin", mebibyte);
}

// nginx as a fast static server would be run: one worker, no access log,
// sendfile, room for 10,000 connections, and nothing outside the prefix.
std::string nginx_config(const Paths& paths, int port) {
    std::string prefix = paths.nginx.string(), temp = (paths.nginx / "temp").string();
    return "daemon off;\nmaster_process on;\nworker_processes 1;\nworker_rlimit_nofile 20000;\n"
           "pid " + prefix + "/nginx.pid;\nerror_log " + prefix + "/error.log warn;\n"
           "events { worker_connections 12000; use epoll; }\n"
           "http {\n  access_log off;\n  default_type text/plain;\n  sendfile on;\n  tcp_nopush on;\n"
           "  client_body_temp_path " + temp + "/body;\n  proxy_temp_path " + temp + "/proxy;\n"
           "  fastcgi_temp_path " + temp + "/fastcgi;\n  uwsgi_temp_path " + temp + "/uwsgi;\n"
           "  scgi_temp_path " + temp + "/scgi;\n"
           "  server {\n    listen 127.0.0.1:" + std::to_string(port) + ";\n"
           "    location = / { return 200 \"hello, world\\n\"; }\n"
           "    location /files/ { alias " + paths.www.string() + "/; }\n  }\n}\n";
}

// --- step 2: one server, one scenario ----------------------------------------------------------

// build/bench/logs/NAME.log, spaces made dashes: a server's standard error, appended run after run.
std::string log_of(const Paths& paths, std::string name) {
    for (char& c : name) c = c == ' ' ? '-' : c;
    return (paths.logs / (name + ".log")).string();
}

std::optional<Running> start_nginx(const Paths& paths, const Plan& plan) {
    Running running{.child = {}, .measured = -1, .port = free_port()};
    write_file(paths.nginx / "nginx.conf", nginx_config(paths, running.port));
    std::string prefix = paths.nginx.string();
    running.child = start_child({"/usr/sbin/nginx", "-p", prefix + "/", "-c", prefix + "/nginx.conf", "-e",
                                 prefix + "/error.log"}, plan.server_cpu, log_of(paths, nginx));
    for (int tries = 0; tries < 500 && (running.measured <= 0 || !accepts_connections(running.port)); ++tries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        running.measured = first_child_of(running.child.pid);
    }
    if (running.measured > 0) return running;
    stop_child(running.child);
    return std::nullopt;
}

// Starts a server that keeps the stage contract and reads its port from the ready line.
std::optional<Running> start_server(const ServerSpec& spec, const Paths& paths, const Plan& plan) {
    if (spec.argv.empty()) return start_nginx(paths, plan);
    Running running;
    running.child = start_child(spec.argv, plan.server_cpu, log_of(paths, spec.name));
    running.measured = running.child.pid;
    std::optional<std::string> line = read_line(running.child, Clock::now() + std::chrono::seconds(10));
    const std::string ready = "listening on http://127.0.0.1:";
    if (line && line->starts_with(ready)) running.port = std::atoi(line->c_str() + ready.size());
    if (running.port > 0) return running;
    stop_child(running.child);
    return std::nullopt;
}

WrkLoad load_of(Scenario scenario, const Paths& paths, const Plan& plan) {
    WrkLoad load{.connections = 50, .seconds = plan.seconds, .options = {}};
    if (scenario == Scenario::new_connection) load.options = {"-H", "Connection: close"};
    if (scenario == Scenario::pipelined) load.options = {"-s", paths.pipeline.string()};
    return load;
}

Sample run_load(const Running& server, Scenario scenario, const Paths& paths, const Plan& plan) {
    Sample sample;
    sample.ran = true;
    long cpu_before = read_cpu_us(server.measured);
    std::string path = scenario == Scenario::large_file ? "/files/1mib.bin" : "/";
    sample.wrk = run_wrk(load_of(scenario, paths, plan), server.port, path, plan.load_cpu, (paths.logs / "wrk.log").string());
    long cpu_used = read_cpu_us(server.measured) - cpu_before;
    if (scenario == Scenario::keep_alive && sample.wrk.requests > 0) {
        sample.cpu_us_per_request = double(cpu_used) / double(sample.wrk.requests);
        sample.cpu_busy = double(cpu_used) / (plan.seconds * 1e6);
    }
    sample.peak_rss_kib = read_status_kib(server.measured, "VmHWM");
    return sample;
}

// The idle test: RSS of the fresh server, then with every connection held, then one probe.
Sample run_idle(const Running& server, const Paths& paths, const Plan& plan) {
    Sample sample;
    sample.ran = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sample.idle_rss_kib = read_status_kib(server.measured, "VmRSS");
    Child holder = start_child({(paths.out / "idle_hold").string(), std::to_string(server.port), std::to_string(plan.idle)},
                               plan.load_cpu, (paths.logs / "idle_hold.log").string(), true);
    std::optional<std::string> held = read_line(holder, Clock::now() + std::chrono::seconds(45));
    if (held && held->starts_with("held ")) sample.held = std::atol(held->c_str() + 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let lazily touched pages settle
    sample.held_rss_kib = read_status_kib(server.measured, "VmRSS");
    if (write(holder.stdin_fd, "probe\n", 6) == 6)
        if (std::optional<std::string> probe = read_line(holder, Clock::now() + std::chrono::seconds(10)))
            if (probe->starts_with("probe_us ")) sample.probe_us = std::atol(probe->c_str() + 9);
    sample.peak_rss_kib = read_status_kib(server.measured, "VmHWM");
    close(holder.stdin_fd), holder.stdin_fd = -1;  // end of input: the holder closes every connection and exits
    read_all_and_wait(holder, Clock::now() + std::chrono::seconds(10));
    return sample;
}

std::string describe(const Sample& sample, Scenario scenario) {
    char line[160];
    if (scenario == Scenario::idle)
        std::snprintf(line, sizeof line, "held %ld, RSS %ld -> %ld KiB, probe %ld µs", sample.held, sample.idle_rss_kib,
                      sample.held_rss_kib, sample.probe_us);
    else
        std::snprintf(line, sizeof line, "%.0f req/s, p99 %.2f ms, %ld errors%s", sample.wrk.requests_per_s,
                      sample.wrk.p99_ms, sample.wrk.errors, sample.wrk.ran ? "" : " (wrk failed)");
    return line;
}

// One server, one scenario: start it fresh, measure, stop it.
Sample measure(const ServerSpec& spec, Scenario scenario, const Paths& paths, const Plan& plan) {
    std::optional<Running> server = start_server(spec, paths, plan);
    if (!server) {
        std::printf("  %-16s did not start (see %s)\n", spec.name.c_str(), log_of(paths, spec.name).c_str());
        return Sample{};
    }
    Sample sample = scenario == Scenario::idle ? run_idle(*server, paths, plan) : run_load(*server, scenario, paths, plan);
    stop_child(server->child);
    std::printf("  %-16s %s\n", spec.name.c_str(), describe(sample, scenario).c_str());
    std::fflush(stdout);
    return sample;
}

// The speed-of-light reference answers a canned 13 bytes to anything: it has no file to serve.
bool takes_part(const ServerSpec& spec, Scenario scenario) {
    return !(spec.name == speed_of_light && scenario == Scenario::large_file);
}

Results run_rounds(const std::vector<ServerSpec>& servers, const Paths& paths, const Plan& plan) {
    Results results{.servers = {}, .rounds = plan.rounds, .seconds = plan.seconds, .idle_connections = plan.idle,
                    .samples = {}};
    for (const ServerSpec& spec : servers) results.servers.push_back(spec.name);
    for (int round = 1; round <= plan.rounds; ++round)
        for (Scenario scenario : all_scenarios) {
            std::printf("round %d of %d: %s\n", round, plan.rounds, title_of(scenario).c_str());
            for (const ServerSpec& spec : servers)
                if (takes_part(spec, scenario))
                    results.samples[{scenario, spec.name}].push_back(measure(spec, scenario, paths, plan));
        }
    return results;
}

// --- step 3: the report ------------------------------------------------------------------------

std::string describe_machine() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string model = "unknown CPU";
    for (std::string line; std::getline(cpuinfo, line);)
        if (line.starts_with("model name")) { model = line.substr(line.find(':') + 2); break; }
    utsname system{};
    uname(&system);
    return model + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " CPUs, Linux " + system.release;
}

std::vector<std::string> notes_for(const Results& results) {
    std::vector<std::string> notes = {
        "Server CPU per request is utime+stime of the whole server process (all threads) from /proc/PID/stat over "
        "the keep-alive run, divided by the requests wrk completed; /proc counts in 10 ms ticks. It is a fair cost "
        "only while the server is saturated: \"server CPU busy\" below ~90% means wrk, on its one CPU, was the "
        "bottleneck and the server idled between requests.",
        "Peak RSS is VmHWM at the end of each run; idle RSS and RSS holding the connections are VmRSS. RSS counts "
        "the process's own pages: the kernel's socket buffers are not in it.",
        "The idle test opens each connection, has it answered once (GET /), then holds it idle; the probe is one more "
        "GET / on the oldest held connection, so the server's connection limit (Porter's default is 10,000) is not "
        "in the way.",
        "nginx: 1 worker process (its master is not measured), access_log off, sendfile on, worker_connections "
        "12000; `return 200` for GET /, an alias location for /files/.",
        "libmicrohttpd: one internal thread on epoll (MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO), connection "
        "limit raised to 20,000, no connection timeout; its per-connection memory pool stays at its default "
        "(MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 KiB), which is what the idle test sees.",
        "cpp-httplib (Debian's build, a library with poll(2)): a thread per connection from a pool that grows "
        "instead of its default 8 threads, 1000 requests per connection, 60 s keep-alive, listen backlog SOMAXCONN. "
        "Its threads share the one CPU the server is pinned to.",
        "wrk 4.1 sometimes prints a latency percentile as 0.00us (pipelined runs, mostly); such a run has no "
        "figure there (—). Every run's raw numbers are in samples.tsv beside this report.",
        "The speed-of-light reference (bench/speed_of_light.cpp) finds request ends and writes a canned answer: "
        "the ceiling, never a model. It has no file to serve and sits out the 1 MiB test.",
    };
    for (const std::string& server : results.servers)
        if (std::optional<double> held = median_of(results, Scenario::idle, server,
                                                   [](const Sample& s) { return s.ran ? std::optional<double>(s.held) : std::nullopt; });
            held && *held < results.idle_connections)
            notes.push_back(server + " held a median of " + with_thousands(long(*held)) + " of the " +
                            with_thousands(results.idle_connections) + " idle connections within the holder's 30 s.");
    return notes;
}

// Every sample as one line, so a reader can check a median or plot the spread.
std::string samples_tsv(const Results& results) {
    std::string out = "round\tscenario\tserver\treq_per_s\tp50_ms\tp99_ms\terrors\tcpu_us_per_req\tcpu_busy\t"
                      "peak_rss_kib\tidle_rss_kib\theld_rss_kib\theld\tprobe_us\n";
    for (const auto& [key, samples] : results.samples)
        for (size_t round = 0; round < samples.size(); ++round) {
            const Sample& s = samples[round];
            char line[512];
            std::snprintf(line, sizeof line, "%zu\t%s\t%s\t%.0f\t%.3f\t%.3f\t%ld\t%.2f\t%.2f\t%ld\t%ld\t%ld\t%ld\t%ld\n",
                          round + 1, title_of(key.first).c_str(), key.second.c_str(), s.wrk.requests_per_s,
                          s.wrk.p50_ms, s.wrk.p99_ms, s.wrk.errors, s.cpu_us_per_request, s.cpu_busy, s.peak_rss_kib,
                          s.idle_rss_kib, s.held_rss_kib, s.held, s.probe_us);
            out += line;
        }
    return out;
}

void raise_descriptor_limit() {
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < 20000)
        std::printf("note: the descriptor limit is %lu: servers may not hold 10,000 connections\n",
                    static_cast<unsigned long>(files.rlim_cur));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return std::fprintf(stderr, "usage: %s OUT_DIR DEMO (from the repository's root)\n", argv[0]), 2;
    signal(SIGPIPE, SIG_IGN);  // a child that died must not take the bench with it
    fs::path out = fs::absolute(argv[1]);
    Paths paths{.out = out, .www = out / "www", .nginx = out / "nginx", .logs = out / "logs",
                .demo = fs::absolute(argv[2]), .pipeline = fs::absolute("bench/pipeline.lua")};
    Plan plan{.rounds = from_environment("BENCH_RUNS", 3), .seconds = from_environment("BENCH_SECONDS", 5),
              .idle = from_environment("BENCH_IDLE", 10000)};
    bool pinned = usable_cpus() >= 2;
    if (!pinned) plan.server_cpu = plan.load_cpu = -1;
    prepare_files(paths);
    raise_descriptor_limit();
    std::string www = paths.www.string();
    std::vector<ServerSpec> servers = {
        {porter, {paths.demo.string(), "0", www}},
        {nginx, {}},
        {microhttpd, {(out / "microhttpd").string(), "0", www}},
        {httplib, {(out / "httplib").string(), "0", www}},
        {speed_of_light, {(out / "speed_of_light").string(), "0"}},
    };
    std::printf("bench: %d rounds of 4 load runs of %d s on each of %zu servers, plus %d idle connections each "
                "(about %d minutes)\n", plan.rounds, plan.seconds, servers.size(), plan.idle,
                (plan.rounds * (19 * (plan.seconds + 1) + 5 * 8) + 59) / 60);
    Results results = run_rounds(servers, paths, plan);
    Setup setup{.machine = describe_machine(),
                .pinning = pinned ? "Each server pinned to CPU 0, the load generator to CPU 1"
                                  : "Only one CPU: nothing pinned, server and load share it",
                .notes = notes_for(results)};
    write_file(out / "report.md", markdown_report(results, setup));
    write_file(out / "ratios.svg", svg_chart(results));
    write_file(out / "samples.tsv", samples_tsv(results));
    std::printf("bench: wrote %s, %s and samples.tsv\n", (out / "report.md").c_str(), (out / "ratios.svg").c_str());
}
