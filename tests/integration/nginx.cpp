// Porter behind nginx: a real reverse proxy, keeping connections alive to the workers example.
//
// The keep-alive close race. A proxy keeps idle connections to its upstream
// open and reuses them; the server may close an idle one at any moment — its
// idle timeout, or a graceful shutdown. HTTP/1.1 has no way to announce that
// close in advance (RFC 9112 §9.6 asks a client to be ready for it), so the
// server's FIN can cross a request the proxy has just sent on that
// connection: the proxy sees the connection closed (or reset, if the request
// arrived before the close) with no response. It can't tell whether the
// server saw the request, so it may send it again only if sending it twice is
// harmless: an idempotent method, GET or HEAD (RFC 9110 §9.2.2). nginx does:
// with `proxy_next_upstream error timeout` (the default) a failed request on a
// cached connection is tried again on another one, even with a single upstream
// server. A POST is not tried again (nginx needs `non_idempotent` for that),
// because a server may have acted on it before the connection died. That is
// why Porter's shutdown() closes the idle connections first, at once, and
// answers the requests already in flight with `Connection: close`: an idle
// connection closed early costs the proxy at most a retry of a GET; a request
// in flight, including a POST, gets its answer, and the proxy then knows not
// to reuse that connection. Closing the listener first sends new connections
// to the other worker (SO_REUSEPORT). One race remains that no server can
// close: a connection the kernel queued on a closing listener in the instant
// between its last accept and its close is reset (unless Linux's
// net.ipv4.tcp_migrate_req moves it to another listener); nginx would retry a
// GET on it too, once.
//
// Needs nginx: Debian's nginx-light (the Makefile installs it for CI), or the
// binary PORTER_NGINX names. The workers binary is PORTER_WORKERS, by default
// build/examples/workers (or in PORTER_EXAMPLES). Everything is on loopback
// and bounded in time.
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "process.hpp"

namespace {

using namespace porter::test;
using namespace porter::test::integration;
namespace fs = std::filesystem;

// nginx, wherever it is: Debian puts it in /usr/sbin, often not on a user's PATH.
std::optional<std::string> find_nginx() {
    if (const char* path = std::getenv("PORTER_NGINX"); path && *path) return path;
    std::vector<std::string> candidates = {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"};
    std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
    for (std::string directory; std::getline(path, directory, ':');) candidates.push_back(directory + "/nginx");
    for (const std::string& candidate : candidates)
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    return std::nullopt;
}

std::string read_file(const fs::path& path) {
    std::ifstream file(path);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// nginx's configuration: one worker, everything it writes under `prefix`, a
// proxy on `port` to `upstream_port` with kept-alive upstream connections.
// `Connection ""` stops nginx sending its default `Connection: close`
// upstream; HTTP/1.1 is needed for keep-alive there at all.
std::string nginx_config(const fs::path& prefix, std::uint16_t port, std::uint16_t upstream_port) {
    std::string p = prefix.string();
    return "worker_processes 1;\n"
           "pid " + p + "/nginx.pid;\n"
           "error_log " + p + "/error.log info;\n"
           "events { worker_connections 1024; }\n"
           "http {\n"
           "    access_log off;\n"
           "    client_body_temp_path " + p + "/client_body;\n"
           "    proxy_temp_path " + p + "/proxy;\n"
           "    fastcgi_temp_path " + p + "/fastcgi;\n"
           "    uwsgi_temp_path " + p + "/uwsgi;\n"
           "    scgi_temp_path " + p + "/scgi;\n"
           "    upstream porter {\n"
           "        server 127.0.0.1:" + std::to_string(upstream_port) + ";\n"
           "        keepalive 16;\n"
           "    }\n"
           "    server {\n"
           "        listen 127.0.0.1:" + std::to_string(port) + ";\n"
           "        location / {\n"
           "            proxy_pass http://porter;\n"
           "            proxy_http_version 1.1;\n"
           "            proxy_set_header Connection \"\";\n"
           "        }\n"
           "    }\n"
           "}\n";
}

// nginx's prefix: a directory of its own under /tmp, removed with everything in it.
struct NginxPrefix {
    NginxPrefix() {
        char pattern[] = "/tmp/porter-nginx-XXXXXX";
        if (!::mkdtemp(pattern)) return;
        path = pattern;
        // Run as root, nginx's worker becomes `nobody`, and must get into this
        // directory to reach the temp directories nginx makes and chowns for it.
        ::chmod(pattern, 0755);
    }
    ~NginxPrefix() {
        std::error_code ignored;
        if (!path.empty()) fs::remove_all(path, ignored);
    }
    NginxPrefix(const NginxPrefix&) = delete;
    NginxPrefix& operator=(const NginxPrefix&) = delete;

    fs::path path;  // empty if it could not be made
};

// A private nginx in a temporary directory of its own: config, pid file,
// logs, temp files. Stopped through the pid in its pid file, with SIGQUIT
// (graceful: it finishes what it is serving), and the directory removed.
class Nginx {
public:
    explicit Nginx(std::uint16_t upstream_port) {
        std::optional<std::string> binary = find_nginx();
        if (!binary) FAIL("nginx not found: install it (apt-get install nginx-light) or set PORTER_NGINX");
        REQUIRE_MESSAGE(!directory_.path.empty(), "mkdtemp: ", std::strerror(errno));
        port = free_port();
        REQUIRE(port != 0);
        std::ofstream(directory_.path / "nginx.conf") << nginx_config(directory_.path, port, upstream_port);
        // -e: the error log before the config is read too (nginx 1.19.5 on);
        // -p: the prefix; `daemon off`: stay our child, in the foreground.
        process_.emplace(*binary, std::vector<std::string>{"-e", (directory_.path / "error.log").string(), "-c",
                                                           (directory_.path / "nginx.conf").string(), "-p",
                                                           directory_.path.string(), "-g", "daemon off;"});
        REQUIRE_MESSAGE(process_->problem().empty(), process_->problem());
        wait_until_listening();
    }

    // `daemon off` keeps the master in the foreground, so the pid in the file
    // is the process we started; if the file is missing, that pid will do.
    ~Nginx() {
        if (!process_ || !process_->is_running()) return;
        std::optional<pid_t> pid = pid_from_file();
        if (pid == process_->pid()) ::kill(*pid, SIGQUIT);
        else process_->signal(SIGQUIT);
        process_->wait_for_exit();
    }

    std::uint16_t port = 0;

    // The error log so far: nginx's account of what happened upstream.
    std::string error_log() const { return read_file(directory_.path / "error.log"); }

private:
    std::optional<pid_t> pid_from_file() const {
        std::string text = read_file(directory_.path / "nginx.pid");
        if (text.empty()) return std::nullopt;
        return static_cast<pid_t>(std::atol(text.c_str()));
    }

    // nginx prints no ready line. It writes its pid file after it has opened
    // its listening sockets, so from then on a connect is queued, not refused.
    void wait_until_listening() {
        Clock::time_point deadline = Clock::now() + patience;
        while (!pid_from_file() && process_->is_running() && Clock::now() < deadline)
            std::this_thread::sleep_for(2ms);  // no event to wait on: it tells nobody when it's up
        REQUIRE_MESSAGE(pid_from_file() == process_->pid(), "nginx did not start:\n", error_log());
    }

    NginxPrefix directory_;
    std::optional<Process> process_;  // after directory_: stopped before the directory goes
};

// The workers example with N workers, once all listen, and their pids.
struct Workers {
    explicit Workers(int n)
        : process(binary_from("PORTER_WORKERS", example_binary("workers")), {"0", std::to_string(n)}) {
        REQUIRE_MESSAGE(process.problem().empty(), process.problem());
        std::optional<std::string> line = process.read_line();
        port = port_from_ready_line(line);
        REQUIRE_MESSAGE(port != 0, "no ready line from workers, got: ", line.value_or("(nothing)"));
        for (int i = 0; i < n; ++i) {
            line = process.read_line();
            REQUIRE_MESSAGE((line && line->starts_with("worker ")), "expected `worker PID`, got: ",
                            line.value_or("(nothing)"));
            pids.push_back(std::atoi(line->c_str() + 7));
        }
    }

    Process process;
    std::uint16_t port = 0;
    std::vector<pid_t> pids;
};

// What a request through the proxy got: the response, or why there was none.
Response request(std::uint16_t port, std::string_view bytes, std::string& problem) {
    Fetched fetched = fetch(port, bytes);
    problem = fetched.problem;
    Response response = parse_response(fetched.raw);
    if (problem.empty() && !response.well_formed) problem = response.problem;
    return response;
}

std::string numbers_to(int n) {
    std::string text;
    for (int i = 1; i <= n; ++i) text += std::to_string(i) + "\n";
    return text;
}

// A steady stream of GETs from a few threads, each on a new connection to
// nginx, alternating / and /pid, every answer checked. Bounded: it stops when
// told, after `max_per_client` requests each, or after `patience` × 2.
class Load {
public:
    Load(std::uint16_t port, std::set<std::string> pids, int clients, int max_per_client)
        : port_(port), pids_(std::move(pids)), running_(clients) {
        Clock::time_point deadline = Clock::now() + 2 * patience;
        for (int i = 0; i < clients; ++i)
            threads_.emplace_back([this, max_per_client, deadline] { run(max_per_client, deadline); });
    }
    ~Load() { stop(); }

    // Waits until `count` more requests have finished (or all clients have).
    void wait_for(int count) {
        std::unique_lock lock(mutex_);
        int target = done_ + count;
        changed_.wait_for(lock, patience, [&] { return done_ >= target || running_ == 0; });
    }

    void stop() {
        stopping_ = true;
        for (std::thread& thread : threads_)
            if (thread.joinable()) thread.join();
    }

    int done() { std::lock_guard lock(mutex_); return done_; }
    std::vector<std::string> failures() { std::lock_guard lock(mutex_); return failures_; }
    std::set<std::string> pids_seen() { std::lock_guard lock(mutex_); return pids_seen_; }

private:
    void run(int max, Clock::time_point deadline) {
        for (int i = 0; i < max && !stopping_ && Clock::now() < deadline; ++i) {
            bool ask_pid = i % 2 == 1;
            std::string problem;
            Response response = request(port_, get(ask_pid ? "/pid" : "/"), problem);
            if (problem.empty() && response.status != 200) problem = "status " + std::to_string(response.status);
            if (problem.empty() && (ask_pid ? !pids_.contains(response.body) : response.body != "hello, world\n"))
                problem = "unexpected body: " + response.body;
            record(problem, ask_pid && problem.empty() ? response.body : "");
        }
        std::lock_guard lock(mutex_);
        --running_;
        changed_.notify_all();
    }

    void record(const std::string& problem, const std::string& pid) {
        std::lock_guard lock(mutex_);
        ++done_;
        if (!problem.empty()) failures_.push_back(problem);
        if (!pid.empty()) pids_seen_.insert(pid);
        changed_.notify_all();
    }

    const std::uint16_t port_;
    const std::set<std::string> pids_;  // "PID\n": what /pid may answer
    std::atomic<bool> stopping_ = false;
    std::mutex mutex_;                  // guards everything below
    std::condition_variable changed_;
    int running_;                       // clients not yet finished
    int done_ = 0;
    std::vector<std::string> failures_;
    std::set<std::string> pids_seen_;
    std::vector<std::thread> threads_;  // last: started once the rest is ready
};

// How many lines of nginx's error log mention `text`.
std::size_t count_lines_with(const std::string& log, std::string_view text) {
    std::size_t count = 0;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) count += line.find(text) != std::string::npos;
    return count;
}

}  // namespace

TEST_CASE("nginx proxies to the workers over kept-alive connections, and a worker can stop under load") {
    Workers workers(2);
    Nginx nginx(workers.port);

    SUBCASE("a plain GET is answered through the proxy") {
        std::string problem;
        Response response = request(nginx.port, get("/"), problem);
        REQUIRE_MESSAGE(problem.empty(), problem);
        CHECK(response.status == 200);
        CHECK(response.body == "hello, world\n");
    }

    SUBCASE("a chunked upload reaches a worker whole and comes back") {
        // 64 chunks of 1000 bytes: more than nginx's in-memory client body
        // buffer, so nginx spools it to its temp directory, then sends it on
        // with a Content-Length.
        std::string body;
        std::string wire = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                           "Connection: close\r\n\r\n";
        for (int i = 0; i < 64; ++i) {
            std::string chunk(1000, static_cast<char>('a' + i % 26));
            body += chunk;
            wire += "3e8\r\n" + chunk + "\r\n";
        }
        wire += "0\r\n\r\n";
        std::string problem;
        Response response = request(nginx.port, wire, problem);
        REQUIRE_MESSAGE(problem.empty(), problem);
        CHECK(response.status == 200);
        CHECK(response.body == body);
    }

    SUBCASE("a streamed response arrives complete") {
        std::string problem;
        Response response = request(nginx.port, get("/count/1000"), problem);
        REQUIRE_MESSAGE(problem.empty(), problem);
        CHECK(response.status == 200);
        std::string body = response.body;
        if (response.field("Transfer-Encoding") == "chunked") {
            Dechunked decoded = dechunk(response.body);
            CHECK(decoded.valid);
            CHECK(decoded.complete);
            body = decoded.data;
        }
        CHECK(body == numbers_to(1000));
    }

    SUBCASE("a worker stopping gracefully under load costs no client a request") {
        std::set<std::string> pids;
        for (pid_t pid : workers.pids) pids.insert(std::to_string(pid) + "\n");
        Load load(nginx.port, pids, 8, 1000);
        load.wait_for(300);
        std::set<std::string> seen_before = load.pids_seen();
        pid_t stopping = workers.pids[0];
        REQUIRE(::kill(stopping, SIGTERM) == 0);
        // The workers' parent reaps it once it has shut down; then some more load.
        for (Clock::time_point deadline = Clock::now() + patience;
             process_exists(stopping) && Clock::now() < deadline;)
            load.wait_for(10);
        CHECK_FALSE(process_exists(stopping));
        load.wait_for(300);
        load.stop();

        std::vector<std::string> failures = load.failures();
        CHECK_MESSAGE(failures.empty(), failures.size(), " of ", load.done(), " requests failed; the first: ",
                      failures.empty() ? "" : failures.front(), "\nnginx's error log:\n", nginx.error_log());
        CHECK(load.done() >= 600);
        WARN_MESSAGE(seen_before.size() == 2, "nginx reached only one worker before the stop: the race was not tried");
        CHECK(workers.process.is_running());  // the parent and the other worker serve on
        CHECK(process_exists(workers.pids[1]));
        std::string problem;
        Response after = request(nginx.port, get("/pid"), problem);
        CHECK_MESSAGE(problem.empty(), problem);
        CHECK(after.body == std::to_string(workers.pids[1]) + "\n");
        // Evidence that the race happened, from nginx's side; not a check, as it depends on timing.
        MESSAGE("nginx's error log: ", count_lines_with(nginx.error_log(), "upstream"),
                " tries found their kept-alive upstream connection closed or reset, and were made again");
    }
}
