// Stopping gracefully: shutdown(grace), from anywhere the loop runs, and its report.
//
// shutdown() closes the listener, closes idle connections at once, lets
// requests in flight finish (their answers say Connection: close), and at
// now + grace closes whatever is left. Then run() returns, and the report
// says how many connections went each way. RFC 9112 §9.6: a server that
// closes says so with Connection: close.
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

using std::chrono::steady_clock;

TEST_CASE("shutdown() before run() makes run() return at once, with nothing to report") {
    Server server({.listen = {.port = 0}});
    server.shutdown(Duration(1000));
    CHECK(server.is_stopped());
    auto start = steady_clock::now();
    {
        Running running(server);
        CHECK(running.has_returned());
    }
    CHECK(steady_clock::now() - start < 500ms);
    const ShutdownReport& report = server.shutdown_report();
    CHECK(report.closed_idle == 0);
    CHECK(report.finished == 0);
    CHECK(report.aborted == 0);
}

TEST_CASE("once shutdown() has begun, new connections are refused (ECONNREFUSED)") {
    Server server({.listen = {.port = 0}});
    std::uint16_t port = server.port();
    CHECK(connect_error(port) == 0);
    serve_for(server, 10ms);
    server.shutdown(Duration(1000));
    CHECK(connect_error(port) == ECONNREFUSED);
}

TEST_CASE("a handler may call shutdown(): its own answer says Connection: close, and run() returns") {
    Server server({.listen = {.port = 0}});
    server.route("POST", "/stop", [&](Request&, Response& res) {
        server.shutdown(Duration(3000));
        res.text(200, "stopping\n");
    });
    Running running(server);
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send("POST /stop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"));
    std::optional<test::Response> answer = peer.await_response();
    REQUIRE(answer);
    CHECK(answer->body == "stopping\n");
    CHECK(answer->field("Connection") == "close");
    CHECK(peer.await_close());
    peer.close();
    REQUIRE(running.has_returned());
    CHECK(server.shutdown_report().finished == 1);
    CHECK(server.shutdown_report().aborted == 0);
}

TEST_CASE("shutdown() posted from another thread closes idle connections at once and lets deferred requests finish with Connection: close") {
    Server server({.listen = {.port = 0}});
    std::vector<Response> waiting;  // loop thread only
    std::atomic<int> deferred = 0;
    server.route("GET", "/fast", [](Request&, Response& res) { res.text(200, "fast\n"); });
    server.route("GET", "/slow", [&](Request&, Response& res) {
        waiting.push_back(res.defer());
        ++deferred;
    });
    Running running(server);

    std::vector<Peer> idle;  // each kept alive after one answer
    for (int i = 0; i < 2; ++i) {
        idle.push_back(Peer::tcp(server.port()));
        REQUIRE(idle.back().send(request("GET", "/fast")));
        REQUIRE(idle.back().await_response());
    }
    std::vector<Peer> slow;
    for (int i = 0; i < 2; ++i) {
        slow.push_back(Peer::tcp(server.port()));
        REQUIRE(slow.back().send(request("GET", "/slow")));
    }
    REQUIRE(wait_until([&] { return deferred == 2; }));

    server.post([&] { server.shutdown(Duration(5000)); });
    auto start = steady_clock::now();
    for (Peer& peer : idle) CHECK(peer.await_close());
    CHECK(steady_clock::now() - start < 1s);  // at once, not at the grace deadline
    CHECK(connect_error(server.port()) == ECONNREFUSED);
    CHECK_FALSE(running.has_returned(deadline_after(20ms)));  // the slow ones are still in flight

    server.post([&] {
        for (Response& response : waiting) response.text(200, "finished\n");
    });
    for (Peer& peer : slow) {
        std::optional<test::Response> answer = peer.await_response();
        REQUIRE(answer);
        CHECK(answer->body == "finished\n");
        CHECK(answer->field("Connection") == "close");
        CHECK(peer.await_close());
        peer.close();
    }
    REQUIRE(running.has_returned());
    CHECK(steady_clock::now() - start < 4s);  // ended when the last one did, not at the deadline
    const ShutdownReport& report = server.shutdown_report();
    CHECK(report.closed_idle == 2);
    CHECK(report.finished == 2);
    CHECK(report.aborted == 0);
}

TEST_CASE("a request still unanswered at the grace deadline is aborted: its on_close runs, and the report counts it") {
    Server server({.listen = {.port = 0}});
    std::vector<Response> waiting;  // loop thread only
    std::atomic<int> deferred = 0;
    std::atomic<int> closes = 0;
    server.route("GET", "/slow", [&](Request&, Response& res) {
        waiting.push_back(res.defer());
        waiting.back().on_close([&] { ++closes; });
        ++deferred;
    });
    Running running(server);
    Peer answered = Peer::tcp(server.port());
    Peer forgotten = Peer::tcp(server.port());
    REQUIRE(answered.send(request("GET", "/slow")));
    REQUIRE(wait_until([&] { return deferred == 1; }));
    REQUIRE(forgotten.send(request("GET", "/slow")));
    REQUIRE(wait_until([&] { return deferred == 2; }));

    auto start = steady_clock::now();
    server.post([&] {
        server.shutdown(Duration(300));
        waiting.front().text(200, "in time\n");
    });
    std::optional<test::Response> answer = answered.await_response();
    REQUIRE(answer);
    CHECK(answer->field("Connection") == "close");
    CHECK(answered.await_close());
    answered.close();

    CHECK(forgotten.await_close());
    CHECK(forgotten.received.empty());  // closed without an answer
    CHECK(steady_clock::now() - start >= 290ms);
    REQUIRE(running.has_returned());
    CHECK(closes == 1);
    const ShutdownReport& report = server.shutdown_report();
    CHECK(report.closed_idle == 0);
    CHECK(report.finished == 1);
    CHECK(report.aborted == 1);
    CHECK(server.stats().closed(CloseReason::shutdown) == 2);
}

TEST_CASE("a connection the kernel had queued, request and all, when shutdown() began is answered, not dropped") {
    // server.cpp's shutdown() accepts what is queued before closing the
    // listener, "and answer them with Connection: close".
    Server server({.listen = {.port = 0}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "made it\n"); });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/")));
    server.shutdown(Duration(2000));
    std::optional<test::Response> answer = peer.await_response(server);
    std::string ending = peer.was_reset ? "reset without an answer" : "closed without an answer";
    REQUIRE_MESSAGE(answer, ending);
    CHECK(answer->status == 200);
    CHECK(answer->field("Connection") == "close");
    peer.close();
    CHECK(serve_until(server, [&] { return server.is_stopped(); }));
}
