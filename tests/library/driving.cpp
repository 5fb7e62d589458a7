// Driving the loop: run(), one poll() turn at a time, or from the program's own epoll.
//
// The contract for an outside loop (server.hpp): fd() is readable when poll(0)
// has work, and poll(0) is also due when next_timeout() has passed. These
// tests hold the server to it with nothing but poll(2), epoll(7) and a
// timerfd(2) of the test's own: no other way in.
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

namespace {

using std::chrono::steady_clock;

bool is_readable(int fd, std::chrono::milliseconds wait = 0ms) {
    pollfd readable{fd, POLLIN, 0};
    return ::poll(&readable, 1, static_cast<int>(wait.count())) == 1;
}

}  // namespace

TEST_CASE("poll(0) with nothing to do returns at once, and poll(t) waits about t") {
    Server server({.listen = {.port = 0}});
    auto start = steady_clock::now();
    server.poll(Duration(0));
    CHECK(steady_clock::now() - start < 50ms);
    start = steady_clock::now();
    server.poll(Duration(100));
    auto waited = steady_clock::now() - start;
    CHECK(waited >= 95ms);
    CHECK(waited < 2s);
}

TEST_CASE("fd() becomes readable when a client connects, and poll(0) while it is readable serves the client") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "served\n"); });
    CHECK_FALSE(is_readable(server.fd()));
    Peer peer = Peer::tcp(server.port());
    CHECK(is_readable(server.fd(), patience));
    REQUIRE(peer.send(request("GET", "/")));
    // The embedding contract, and nothing else: poll(0) only when fd() says so.
    Deadline deadline = deadline_after();
    while (!peer.has_response() && steady_clock::now() < deadline) {
        if (is_readable(server.fd(), 10ms)) server.poll(Duration(0));
        peer.pump();
    }
    std::optional<test::Response> answer = peer.take_response();
    REQUIRE(answer);
    CHECK(answer->body == "served\n");
}

TEST_CASE("next_timeout() is empty with no connections, and follows a connection's deadline") {
    Server server({.listen = {.port = 0},
                   .connection = {.header_timeout = Duration(200), .idle_timeout = Duration(400)}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "ok\n"); });
    CHECK_FALSE(server.next_timeout());

    Peer peer = Peer::tcp(server.port());
    REQUIRE(serve_until(server, [&] { return server.stats().open == 1; }));
    std::optional<Duration> first_request = server.next_timeout();  // the header timeout
    REQUIRE(first_request);
    CHECK(*first_request > Duration(0));
    CHECK(*first_request <= Duration(200));

    REQUIRE(peer.send(request("GET", "/")));
    REQUIRE(peer.await_response(server));
    std::optional<Duration> kept_alive = server.next_timeout();  // now the idle timeout
    REQUIRE(kept_alive);
    CHECK(*kept_alive > Duration(200));
    CHECK(*kept_alive <= Duration(400));

    CHECK(peer.await_close(server));
    CHECK(server.stats().closed(CloseReason::timeout) == 1);
    CHECK_FALSE(server.next_timeout());
}

TEST_CASE("an embedding program's own epoll serves requests and deadlines beside its own timer") {
    Server server({.listen = {.port = 0}, .connection = {.header_timeout = Duration(200)}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "embedded\n"); });

    // The program's loop: Porter's one descriptor, and a 10 ms ticker of its own.
    Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
    Fd ticker(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    REQUIRE(epoll.is_open());
    REQUIRE(ticker.is_open());
    itimerspec every_10ms{{0, 10'000'000}, {0, 10'000'000}};
    REQUIRE(::timerfd_settime(ticker.get(), 0, &every_10ms, nullptr) == 0);
    epoll_event porter_event{EPOLLIN, {.u64 = 1}};
    epoll_event ticker_event{EPOLLIN, {.u64 = 2}};
    REQUIRE(::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, server.fd(), &porter_event) == 0);
    REQUIRE(::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, ticker.get(), &ticker_event) == 0);

    std::optional<Peer> asker;   // sends a request on the third tick
    std::optional<Peer> silent;  // connects and says nothing: the header timeout must close it
    std::uint64_t ticks = 0;
    auto is_done = [&] {
        if (asker) asker->pump();
        if (silent) silent->pump();
        return ticks >= 10 && asker && asker->has_response() && silent && silent->closed;
    };
    Deadline deadline = deadline_after();
    while (!is_done() && steady_clock::now() < deadline) {
        std::optional<Duration> due = server.next_timeout();
        int wait = due ? static_cast<int>(due->count()) : -1;
        epoll_event events[4];
        int ready = ::epoll_wait(epoll.get(), events, 4, wait);
        for (int i = 0; i < ready; ++i) {
            if (events[i].data.u64 == 1) server.poll(Duration(0));
            if (events[i].data.u64 != 2) continue;
            std::uint64_t expirations = 0;
            if (::read(ticker.get(), &expirations, sizeof expirations) > 0) ticks += expirations;
            if (ticks >= 3 && !asker) {
                asker.emplace(Peer::tcp(server.port()));
                REQUIRE(asker->send(request("GET", "/")));
                silent.emplace(Peer::tcp(server.port()));
            }
        }
        if (std::optional<Duration> now_due = server.next_timeout(); now_due && *now_due == Duration(0))
            server.poll(Duration(0));
    }
    CHECK(ticks >= 10);
    REQUIRE(asker);
    std::optional<test::Response> answer = asker->take_response();
    REQUIRE(answer);
    CHECK(answer->body == "embedded\n");
    REQUIRE(silent);
    CHECK(silent->closed);
    CHECK(server.stats().closed(CloseReason::timeout) == 1);
}

TEST_CASE("a deferred answer given on the loop thread between turns is sent by the next turn, without waiting") {
    Server server({.listen = {.port = 0}});
    std::optional<Response> kept;
    server.route("GET", "/later", [&](Request&, Response& res) { kept = res.defer(); });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/later")));
    REQUIRE(serve_until(server, [&] { return kept.has_value(); }));

    // The program's own code, on the loop thread but outside poll(): a timer
    // callback of its own, say. The server must say it has work to do.
    REQUIRE(kept->text(200, "now\n"));
    std::optional<Duration> due = server.next_timeout();
    CHECK_MESSAGE((is_readable(server.fd()) || (due && *due == Duration(0))),
                  "neither fd() nor next_timeout() says the answer is waiting to be sent");
    auto start = steady_clock::now();
    server.poll(Duration(2000));
    CHECK(steady_clock::now() - start < 1s);
    peer.pump();
    std::optional<test::Response> answer = peer.take_response();
    REQUIRE(answer);
    CHECK(answer->body == "now\n");
}

TEST_CASE("run() serves until shutdown() is posted to it, then returns") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "ok\n"); });
    {
        Running running(server);
        Peer peer = Peer::tcp(server.port());
        REQUIRE(peer.send(request("GET", "/")));
        std::optional<test::Response> answer = peer.await_response();
        REQUIRE(answer);
        CHECK(answer->status == 200);
        CHECK_FALSE(running.has_returned(deadline_after(50ms)));
        server.post([&] { server.shutdown(Duration(0)); });
        CHECK(running.has_returned());
    }
    CHECK(server.is_stopped());
}
