// Answering later: deferred responses, work on other threads, streams, and a client that leaves.
//
// A handler that cannot answer at once keeps its response with defer() and
// returns; the loop goes on serving others. Work done on another thread
// comes back through post(), the one Server call safe from any thread, and
// finishes the response on the loop thread. If the client goes first, the
// handler hears of it through on_close() and client_gone().
#include <stdexcept>
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

TEST_CASE("a handler defers, another thread does the work, and post() brings the answer back to the loop thread") {
    Server server({.listen = {.port = 0}});
    std::thread::id answered_on;
    std::vector<std::jthread> workers;  // joined before the server is destroyed
    server.route("GET", "/square/:n", [&](Request& req, Response& res) {
        int n = std::stoi(std::string(req.param("n")));
        workers.emplace_back([&server, &answered_on, n, later = res.defer()]() mutable {
            std::string result = std::to_string(n * n) + "\n";  // the slow part
            server.post([&answered_on, later, result]() mutable {
                answered_on = std::this_thread::get_id();
                later.text(200, result);
            });
        });
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/square/12")));
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body == "144\n");
    CHECK(answered_on == std::this_thread::get_id());  // the thread that drives the loop
}

TEST_CASE("while one request waits for its deferred answer, the loop serves other connections") {
    Server server({.listen = {.port = 0}});
    std::optional<Response> waiting;
    server.route("GET", "/slow", [&](Request&, Response& res) { waiting = res.defer(); });
    server.route("GET", "/fast", [](Request&, Response& res) { res.text(200, "fast\n"); });
    Peer slow = Peer::tcp(server.port());
    REQUIRE(slow.send(request("GET", "/slow")));
    REQUIRE(serve_until(server, [&] { return waiting.has_value(); }));
    for (int i = 0; i < 3; ++i) {
        std::optional<test::Response> fast = ask(server, "GET", "/fast");
        REQUIRE(fast);
        CHECK(fast->body == "fast\n");
    }
    slow.pump();
    CHECK(slow.received.empty());
    std::jthread worker([&] { server.post([&] { waiting->text(200, "slow\n"); }); });
    std::optional<test::Response> answer = slow.await_response(server);
    REQUIRE(answer);
    CHECK(answer->body == "slow\n");
}

TEST_CASE("a stream fed from another thread through post() reaches the client event by event (text/event-stream)") {
    Server server({.listen = {.port = 0}});
    std::atomic<int> seen_by_client = 0;
    std::vector<std::jthread> feeders;
    server.route("GET", "/events", [&](Request&, Response& res) {
        REQUIRE(res.stream(200, "text/event-stream"));
        // Each event waits until the client has the one before: proof that
        // they travel one by one, not all at the end.
        feeders.emplace_back([&server, &seen_by_client, stream = res.defer()] {
            for (int event = 1; event <= 3; ++event) {
                server.post([stream, event]() mutable { stream.write("data: " + std::to_string(event) + "\n\n"); });
                if (!wait_until([&] { return seen_by_client >= event; })) return;
            }
            server.post([stream]() mutable { stream.end(); });
        });
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/events")));
    for (int event = 1; event <= 3; ++event) {
        std::string line = "data: " + std::to_string(event) + "\n\n";
        CAPTURE(event);
        REQUIRE(serve_until(server, [&] {
            peer.pump();
            return peer.received.find(line) != std::string::npos;
        }));
        CHECK_FALSE(peer.has_response());  // the stream is still open
        seen_by_client = event;
    }
    std::optional<test::Response> whole = peer.await_response(server);
    REQUIRE(whole);
    CHECK(whole->status == 200);
    CHECK(whole->field("Content-Type") == "text/event-stream");
    CHECK(whole->field("Transfer-Encoding") == "chunked");
    CHECK(whole->body == "data: 1\n\ndata: 2\n\ndata: 3\n\n");
}

TEST_CASE("a handler can tell the client has gone: a reset while the answer is deferred runs on_close, and client_gone() is true") {
    Server server({.listen = {.port = 0}});
    std::optional<Response> kept;
    int closes = 0;
    server.route("GET", "/wait", [&](Request&, Response& res) {
        kept = res.defer();
        kept->on_close([&] { ++closes; });
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/wait")));
    REQUIRE(serve_until(server, [&] { return kept.has_value(); }));
    serve_for(server, 20ms);
    CHECK_FALSE(kept->client_gone());
    CHECK(closes == 0);

    peer.reset();
    REQUIRE(serve_until(server, [&] { return closes > 0; }));
    CHECK(closes == 1);
    CHECK(kept->client_gone());
    CHECK_FALSE(kept->text(200, "too late\n"));  // ignored, and harmless
    CHECK(server.stats().open == 0);
    CHECK(server.stats().closed(CloseReason::io_error) == 1);
    serve_for(server, 20ms);
    CHECK(closes == 1);
}

TEST_CASE("a stream's writes report false once the client has gone, so its feeder can stop") {
    Server server({.listen = {.port = 0}});
    std::optional<Response> stream;
    server.route("GET", "/feed", [&](Request&, Response& res) {
        res.stream(200, "text/plain");
        stream = res.defer();
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/feed")));
    REQUIRE(serve_until(server, [&] { return stream.has_value(); }));
    CHECK(stream->write("one\n"));
    peer.reset();
    REQUIRE(serve_until(server, [&] { return stream->client_gone(); }));
    CHECK_FALSE(stream->write("two\n"));
    CHECK_FALSE(stream->end());
}

TEST_CASE("a posted task that throws does not lose the tasks posted with it") {
    // Whether the exception reaches poll()'s caller is the server's choice;
    // dropping other threads' work without a word is not.
    Server server({.listen = {.port = 0}});
    int ran = 0;
    server.post([] { throw std::runtime_error("a failing task"); });
    server.post([&] { ++ran; });
    Deadline deadline = deadline_after();
    while (ran == 0 && std::chrono::steady_clock::now() < deadline) {
        try {
            server.poll(Duration(10));
        } catch (const std::runtime_error&) {
        }
    }
    CHECK(ran == 1);
}

TEST_CASE("an HTTP/1.0 stream ended by a posted task closes at once: the end of a close-delimited body is our FIN") {
    ServerOptions options{.listen = {.port = 0}};
    options.connection.linger_timeout = std::chrono::hours(1);  // only the FIN can end it in time
    Server server(options);
    std::optional<Response> kept;
    server.route("GET", "/events", [&](Request&, Response& res) {
        REQUIRE(res.stream(200, "text/plain"));
        kept = res.defer();
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send("GET /events HTTP/1.0\r\n\r\n"));
    REQUIRE(serve_until(server, [&] { return kept.has_value(); }));
    server.post([&] { kept->write("last words\n"); });
    REQUIRE(serve_until(server, [&] {
        peer.pump();
        return peer.received.ends_with("\r\n\r\nlast words\n");
    }));
    server.post([&] { kept->end(); });  // no bytes: only the state changes
    REQUIRE(peer.await_close(server));
    CHECK(peer.received.ends_with("\r\n\r\nlast words\n"));
}
