// Running short: the connection cap, the descriptor limit, and clients that vanish mid-write.
//
// A server must degrade without spinning or dying: at max_connections it
// stops accepting and lets the kernel queue the rest; when accept4(2) fails
// with EMFILE it backs off instead of retrying a listener that stays
// readable; and a write to a client that has reset must never raise SIGPIPE,
// whose default action ends the whole program. The last two change
// process-wide state (RLIMIT_NOFILE, SIGPIPE's disposition), so they run in
// a forked child that reports back through a pipe; a child that dies says how.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

namespace {

void add_hello(Server& server) {
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "hello\n"); });
}

// How a forked child ended, and the one line it wrote.
struct ChildOutcome {
    std::string report;
    bool exited = false;  // by _exit, not a signal or our kill
    int signal = 0;       // the signal that ended it, if one did
};

// Runs `body` in a child process; its result comes back as `report`. No
// doctest assertions in `body`: the child's verdicts are the parent's to make.
ChildOutcome run_in_child(const std::function<std::string()>& body) {
    int channel[2];
    REQUIRE(::pipe2(channel, O_CLOEXEC) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(channel[0]);
        std::string report;
        try {
            report = body();
        } catch (const std::exception& error) {
            report = std::string("exception: ") + error.what();
        } catch (...) {
            report = "exception";
        }
        [[maybe_unused]] ssize_t written = ::write(channel[1], report.data(), report.size());
        ::_exit(0);  // no atexit handlers, no doctest summary from the child
    }
    ::close(channel[1]);
    ChildOutcome outcome;
    Deadline deadline = deadline_after(2 * patience);
    char buffer[512];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd readable{channel[0], POLLIN, 0};
        if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) break;
        ssize_t n = ::read(channel[0], buffer, sizeof buffer);
        if (n <= 0) break;
        outcome.report.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(channel[0]);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return outcome;
        }
        std::this_thread::sleep_for(2ms);  // no way to wait for a child with a timeout
    }
    outcome.exited = WIFEXITED(status);
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return outcome;
}

// A number the child reported as "name=value".
long reported(const std::string& report, const std::string& name) {
    std::size_t at = report.find(name + "=");
    return at == std::string::npos ? -1 : std::atol(report.c_str() + at + name.size() + 1);
}

std::chrono::nanoseconds cpu_time() {
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

// In the child: clients queue up while no descriptor is free, then are served.
std::string serve_while_out_of_descriptors() {
    Server server({.listen = {.port = 0}});
    add_hello(server);
    std::vector<Peer> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(Peer::tcp(server.port()));
        if (!clients.back().send(request("GET", "/"))) return "send failed";
    }
    std::vector<int> spares;  // descriptors to give back later
    for (int i = 0; i < 6; ++i) spares.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    // Every descriptor below the lowest free one is taken; a limit there
    // leaves none, so the next accept4 fails with EMFILE.
    int lowest_free = ::fcntl(spares[0], F_DUPFD_CLOEXEC, 0);
    ::close(lowest_free);
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = static_cast<rlim_t>(lowest_free);
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return "setrlimit failed";
    if (int probe = ::open("/dev/null", O_RDONLY); probe >= 0 || errno != EMFILE) return "descriptors left";

    std::chrono::nanoseconds cpu_before = cpu_time();
    Deadline end = deadline_after(500ms);
    while (std::chrono::steady_clock::now() < end) server.poll(Duration(50));
    auto cpu_used = std::chrono::duration_cast<std::chrono::milliseconds>(cpu_time() - cpu_before);
    Stats short_of_fds = server.stats();
    int answered_early = 0;
    for (Peer& client : clients) {
        client.pump();
        answered_early += !client.received.empty();
    }

    for (int spare : spares) ::close(spare);  // descriptors free up
    int served = 0;
    serve_until(server, [&] {
        served = 0;
        for (Peer& client : clients) {
            client.pump();
            served += client.has_response();
        }
        return served == 3;
    });
    return "cpu_ms=" + std::to_string(cpu_used.count()) + " pauses=" + std::to_string(short_of_fds.accept_pauses) +
           " accepted_early=" + std::to_string(short_of_fds.accepted) + " answered_early=" +
           std::to_string(answered_early) + " served=" + std::to_string(served);
}

// How the client of a large file goes away.
enum class Leaving {
    reset,                     // RST in mid-transfer
    half_close_then_reset,     // FIN after its request, then RST: the server's socket was in CLOSE_WAIT
    reset_before_shutdown,     // the same, and shutdown() flushes the file before the reset is seen
};

// In the child: a client asks for a large file, takes a little, and vanishes.
std::string survive_client_leaving_mid_file(const std::filesystem::path& root, Leaving leaving) {
    ::signal(SIGPIPE, SIG_DFL);  // as a program starts: the default kills it
    Server server({.listen = {.port = 0}});
    add_hello(server);
    server.route("GET", "/files/*path", static_files(root));
    {
        Peer greedy = Peer::tcp(server.port());
        if (!greedy.send(request("GET", "/files/big.bin"))) return "send failed";
        // After our FIN the server's socket is in CLOSE_WAIT, where a reset
        // makes the next write fail with EPIPE (tcp(7)), not ECONNRESET:
        // the case that raises SIGPIPE on the first try.
        if (leaving != Leaving::reset) greedy.finish_sending();
        bool started = serve_until(server, [&] {
            greedy.pump();
            return greedy.received.size() >= (256 << 10);
        });
        if (!started) return "the file never started";
        // Posted first, run first: shutdown() flushes every connection in
        // flight, before the turn gets to the reset's event.
        if (leaving == Leaving::reset_before_shutdown) server.post([&] { server.shutdown(Duration(1000)); });
        greedy.reset();
    }
    if (leaving == Leaving::reset_before_shutdown) {
        bool stopped = serve_until(server, [&] { return server.is_stopped(); });
        return "survived=1 served=" + std::to_string(stopped);
    }
    serve_for(server, 300ms);  // the server goes on with the reset connection
    Peer next = Peer::tcp(server.port());
    if (!next.send(request("GET", "/"))) return "second send failed";
    std::optional<test::Response> answer = next.await_response(server);
    return "survived=1 served=" + std::to_string(answer && answer->status == 200);
}

}  // namespace

TEST_CASE("with max_connections = 2, a third client waits in the kernel's queue until one of the first two closes") {
    Server server({.listen = {.port = 0}, .max_connections = 2});
    add_hello(server);
    Peer first = Peer::tcp(server.port());
    Peer second = Peer::tcp(server.port());
    for (Peer* peer : {&first, &second}) {
        REQUIRE(peer->send(request("GET", "/")));
        REQUIRE(peer->await_response(server));
    }
    Peer third = Peer::tcp(server.port());  // connects: the kernel completes the handshake
    REQUIRE(third.send(request("GET", "/")));
    serve_for(server, 200ms);
    third.pump();
    CHECK(third.received.empty());
    CHECK(server.stats().accepted == 2);
    CHECK(server.stats().open == 2);

    first.close();
    std::optional<test::Response> answer = third.await_response(server);
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(server.stats().accepted == 3);
    CHECK(server.stats().accept_pauses == 0);  // the cap is not a shortage
}

TEST_CASE("out of descriptors, accepting pauses instead of spinning, and the clients are served once descriptors free up") {
    ChildOutcome child = run_in_child(serve_while_out_of_descriptors);
    INFO("child reported: ", child.report);
    REQUIRE(child.exited);
    long cpu_ms = reported(child.report, "cpu_ms");
    CHECK(cpu_ms >= 0);
    CHECK(cpu_ms < 200);  // over 500 ms: a spinning loop would use nearly all of it
    CHECK(reported(child.report, "pauses") > 0);
    CHECK(reported(child.report, "accepted_early") == 0);
    CHECK(reported(child.report, "answered_early") == 0);
    CHECK(reported(child.report, "served") == 3);
}

TEST_CASE("SIGPIPE never kills the program: a client that vanishes in the middle of a large file response") {
    TempDir directory;
    const std::filesystem::path& root = directory.path();
    std::ofstream(root / "big.bin").close();
    std::filesystem::resize_file(root / "big.bin", 32 << 20);  // sparse: 32 MiB of zeros, no disk
    Leaving leaving = Leaving::reset;
    SUBCASE("it resets") { leaving = Leaving::reset; }
    SUBCASE("it half-closes after its request, then resets") { leaving = Leaving::half_close_then_reset; }
    SUBCASE("it half-closes, then resets just before a shutdown() flushes its connection") {
        leaving = Leaving::reset_before_shutdown;
    }
    ChildOutcome child = run_in_child([&] { return survive_client_leaving_mid_file(root, leaving); });
    INFO("child reported: ", child.report);
    CHECK_MESSAGE(child.signal != SIGPIPE, "killed by SIGPIPE");
    REQUIRE(child.exited);
    CHECK(reported(child.report, "survived") == 1);
    CHECK(reported(child.report, "served") == 1);
}
