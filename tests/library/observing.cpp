// Seeing inside: the access log, stats(), connections() and recently_closed().
//
// What an operator's status page and log are built from. The access log's
// views are valid only during the call, so the test copies what it keeps.
// Each connection that ends is counted under one CloseReason (connection.hpp).
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

namespace {

struct Logged {
    std::uint64_t connection;
    std::string method;
    std::string target;
    std::string peer;
    int status;
    std::uint64_t bytes_sent;
    CloseReason close_reason;
    std::chrono::microseconds duration;
};

auto keep_in(std::vector<Logged>& log) {
    return [&log](const AccessRecord& record) {
        log.push_back({record.connection, std::string(record.method), std::string(record.target),
                       std::string(record.peer), record.status, record.bytes_sent, record.close_reason,
                       record.duration});
    };
}

}  // namespace

TEST_CASE("the access log gets connection, peer, method, target, status and the bytes sent of every exchange") {
    std::vector<Logged> log;
    Server server({.listen = {.port = 0}, .access_log = keep_in(log)});
    server.route("GET", "/hello", [](Request&, Response& res) { res.text(200, "hello\n"); });
    server.route("POST", "/echo", [](Request& req, Response& res) { res.send(200, req.body, "text/plain"); });
    Peer peer = Peer::tcp(server.port());
    std::vector<std::size_t> wire;
    REQUIRE(peer.send(request("GET", "/hello?x=1")));
    auto hello = peer.await_response(server);
    REQUIRE(hello);
    REQUIRE(peer.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"));
    auto echo = peer.await_response(server);
    REQUIRE(echo);
    REQUIRE(peer.send(request("GET", "/missing")));
    auto missing = peer.await_response(server);
    REQUIRE(missing);
    REQUIRE(peer.send("GET /bad path HTTP/1.1\r\n\r\n"));  // a space in the target: 400
    auto bad = peer.await_response(server);
    REQUIRE(bad);
    REQUIRE(serve_until(server, [&] { return log.size() == 4; }));
    REQUIRE(server.connections().size() == 1);  // closing: the 400 was the last answer

    std::string name = peer.local_name();
    CHECK(log[0].method == "GET");
    CHECK(log[0].target == "/hello?x=1");
    CHECK(log[0].status == 200);
    CHECK(log[0].bytes_sent == hello->wire_bytes);  // the head too: what the socket took
    CHECK(log[0].close_reason == CloseReason::none);  // kept alive
    CHECK(log[1].method == "POST");
    CHECK(log[1].target == "/echo");
    CHECK(log[1].bytes_sent == echo->wire_bytes);
    CHECK(log[2].status == 404);
    CHECK(log[2].bytes_sent == missing->wire_bytes);
    CHECK(log[3].status == 400);
    CHECK(log[3].method == "GET");  // as far as it parsed
    CHECK(log[3].bytes_sent == bad->wire_bytes);
    CHECK(log[3].close_reason == CloseReason::parse_error);  // the connection ended with it
    for (const Logged& entry : log) {
        CHECK(entry.peer == name);
        CHECK(entry.connection == log[0].connection);
        CHECK(entry.connection == server.connections().at(0).id);
    }
}

TEST_CASE("the access log records exchanges that end early: a reset while the answer is made, and a stream the client leaves") {
    std::vector<Logged> log;
    Server server({.listen = {.port = 0}, .access_log = keep_in(log)});
    std::optional<Response> kept;
    server.route("GET", "/slow", [&](Request&, Response& res) { kept = res.defer(); });
    server.route("GET", "/stream", [&](Request&, Response& res) {
        res.stream(200, "text/event-stream");
        kept = res.defer();
        kept->write("data: one\n\n");
    });
    {
        Peer peer = Peer::tcp(server.port());
        REQUIRE(peer.send(request("GET", "/slow")));
        REQUIRE(serve_until(server, [&] { return kept.has_value(); }));
        peer.reset();
        REQUIRE(serve_until(server, [&] { return log.size() == 1; }));
    }
    CHECK(log[0].target == "/slow");
    CHECK(log[0].status == 0);  // no answer was sent
    CHECK(log[0].bytes_sent == 0);
    CHECK(log[0].close_reason == CloseReason::io_error);
    kept.reset();

    Peer listener = Peer::tcp(server.port());
    REQUIRE(listener.send(request("GET", "/stream")));
    REQUIRE(serve_until(server, [&] {
        listener.pump();
        return listener.received.find("data: one") != std::string::npos;
    }));
    std::size_t seen = listener.received.size();
    listener.reset();
    REQUIRE(serve_until(server, [&] { return log.size() == 2; }));
    CHECK(log[1].target == "/stream");
    CHECK(log[1].status == 200);
    CHECK(log[1].bytes_sent == seen);  // the head and the one event: all the socket took
    CHECK(log[1].close_reason != CloseReason::none);
    CHECK(log[1].duration > std::chrono::microseconds(0));
}

TEST_CASE("stats() counts connections accepted and open, requests answered, and why each other one closed") {
    Server server({.listen = {.port = 0},
                   .connection = {.header_timeout = Duration(200), .linger_timeout = Duration(100)}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "ok\n"); });
    Stats before = server.stats();
    CHECK(before.accepted == 0);
    CHECK(before.responses == 0);
    CHECK(before.open == 0);

    Peer leaves = Peer::tcp(server.port());  // asks, then closes: peer_closed
    REQUIRE(leaves.send(request("GET", "/")));
    REQUIRE(leaves.await_response(server));
    leaves.close();
    REQUIRE(serve_until(server, [&] { return server.stats().closed(CloseReason::peer_closed) == 1; }));

    Peer asks_close = Peer::tcp(server.port());  // Connection: close: done
    REQUIRE(asks_close.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    REQUIRE(asks_close.await_response(server));
    CHECK(asks_close.await_close(server));
    asks_close.close();

    Peer garbles = Peer::tcp(server.port());  // an invalid request: 400, parse_error
    REQUIRE(garbles.send("NOT HTTP AT ALL\r\n\r\n"));
    std::optional<test::Response> refused = garbles.await_response(server);
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(garbles.await_close(server));
    garbles.close();

    Peer silent = Peer::tcp(server.port());  // says nothing: the header timeout closes it
    CHECK(silent.await_close(server));

    Peer stays = Peer::tcp(server.port());  // kept alive, still open at the end
    REQUIRE(stays.send(request("GET", "/")));
    REQUIRE(stays.await_response(server));

    REQUIRE(serve_until(server, [&] { return server.stats().open == 1; }));
    Stats after = server.stats();
    CHECK(after.accepted == 5);
    CHECK(after.responses == 4);  // every answer counts, the 400 too
    CHECK(after.open == 1);
    CHECK(server.stats().closed(CloseReason::peer_closed) == 1);
    CHECK(server.stats().closed(CloseReason::done) == 1);
    CHECK(server.stats().closed(CloseReason::parse_error) == 1);
    CHECK(server.stats().closed(CloseReason::timeout) == 1);
    CHECK(server.stats().closed(CloseReason::none) == 0);
    CHECK(after.accept_pauses == 0);
}

TEST_CASE("stats() has a counter for every CloseReason, and every reason has a name") {
    static_assert(std::tuple_size_v<decltype(Stats::closed_by_reason)> == close_reason_count);
    for (std::size_t i = 0; i < close_reason_count; ++i) {
        CAPTURE(i);
        CHECK(to_string(static_cast<CloseReason>(i)) != "?");
    }
    // A reason added after io_error, the last, must move close_reason_count.
    CHECK(to_string(static_cast<CloseReason>(close_reason_count)) == "?");
}

TEST_CASE("connections() lists the open connections, oldest first, with peer, state and requests served") {
    Server server({.listen = {.port = 0}});
    std::optional<Response> kept;
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "ok\n"); });
    server.route("GET", "/wait", [&](Request&, Response& res) { kept = res.defer(); });
    CHECK(server.connections().empty());

    Peer idle = Peer::tcp(server.port());
    REQUIRE(idle.send(request("GET", "/")));
    REQUIRE(idle.await_response(server));
    REQUIRE(idle.send(request("GET", "/")));
    REQUIRE(idle.await_response(server));
    Peer partial = Peer::tcp(server.port());
    REQUIRE(partial.send("GET / HTTP/1.1\r\nHost: 12"));
    Peer waiting = Peer::tcp(server.port());
    REQUIRE(waiting.send(request("GET", "/wait")));
    REQUIRE(serve_until(server, [&] {
        std::vector<ConnectionInfo> open = server.connections();
        return kept.has_value() && open.size() == 3 && open[1].state == ConnectionState::reading_head;
    }));

    std::vector<ConnectionInfo> open = server.connections();
    REQUIRE(open.size() == 3);
    CHECK(open[0].peer == idle.local_name());
    CHECK(open[0].state == ConnectionState::waiting);
    CHECK(open[0].requests == 2);
    CHECK(open[1].peer == partial.local_name());
    CHECK(open[1].state == ConnectionState::reading_head);
    CHECK(open[1].requests == 0);
    CHECK(open[2].peer == waiting.local_name());
    CHECK(open[2].state == ConnectionState::handling);
    CHECK(open[0].id < open[1].id);
    CHECK(open[1].id < open[2].id);
    for (const ConnectionInfo& info : open) CHECK(info.reason == CloseReason::none);
    CHECK(open[0].age >= open[2].age);
}

TEST_CASE("recently_closed() says why each connection ended, newest first, and keeps the last 64") {
    Server server({.listen = {.port = 0}, .connection = {.header_timeout = Duration(100)}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "ok\n"); });
    CHECK(server.recently_closed().empty());

    Peer silent = Peer::tcp(server.port());
    CHECK(silent.await_close(server));  // timeout
    Peer leaves = Peer::tcp(server.port());
    REQUIRE(leaves.send(request("GET", "/")));
    REQUIRE(leaves.await_response(server));
    std::string leaver = leaves.local_name();
    leaves.close();  // peer_closed
    REQUIRE(serve_until(server, [&] { return server.recently_closed().size() == 2; }));

    std::vector<ConnectionInfo> closed = server.recently_closed();
    CHECK(closed[0].reason == CloseReason::peer_closed);
    CHECK(closed[0].peer == leaver);
    CHECK(closed[0].requests == 1);
    CHECK(closed[0].state == ConnectionState::closed);
    CHECK(closed[1].reason == CloseReason::timeout);
    CHECK(closed[1].requests == 0);

    for (int i = 0; i < 70; ++i) {
        Peer peer = Peer::tcp(server.port());
        peer.close();
    }
    REQUIRE(serve_until(server, [&] { return server.stats().accepted == 72 && server.stats().open == 0; }));
    CHECK(server.recently_closed().size() == 64);
}
