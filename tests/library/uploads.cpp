// Request bodies through real sockets: streamed to the handler at the pace
// it takes them, and limited per route.
#include <algorithm>
#include <atomic>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

namespace {

std::string put_head(std::string_view target, std::uint64_t length, std::string_view extra = "") {
    return "PUT " + std::string(target) + " HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(length) + "\r\n" +
           std::string(extra) + "\r\n";
}

}  // namespace

TEST_CASE("an 8 MiB upload streams through a handler that pauses after every piece, in pieces of one read at most") {
    constexpr std::size_t size = 8 << 20;
    Server server({.listen = {.port = 0}});  // max_body_bytes stays 1 MiB for every other route
    std::size_t received = 0, pieces = 0, largest = 0;
    std::uint64_t checksum = 0;
    server.route(
        "PUT", "/upload",
        [&](Request&, Response& res) {
            res.on_body([&, res](std::string_view piece, bool done) mutable {
                received += piece.size();
                largest = std::max(largest, piece.size());
                ++pieces;
                for (unsigned char c : piece) checksum = checksum * 31 + c;
                if (done) return void(res.text(201, std::to_string(received) + "\n"));
                // As a handler that hands each piece to a slower writer would:
                // hold the body back, and let it go a little later.
                res.pause_body();
                server.after(0ms, [res]() mutable { res.resume_body(); });
            });
        },
        {.max_body_bytes = 16 << 20, .stream_body = true});
    Running running(server);
    std::string body(size, '\0');
    std::uint64_t expected = 0;
    for (std::size_t i = 0; i < size; ++i) {
        body[i] = static_cast<char>('a' + (i * 7919) % 26);
        expected = expected * 31 + static_cast<unsigned char>(body[i]);
    }
    test::Client client(server.port());
    REQUIRE(client.send(put_head("/upload", size)));
    REQUIRE(client.send(body));
    test::Response answer = client.read_response("PUT");
    REQUIRE(answer.well_formed);
    CHECK(answer.status == 201);
    CHECK(answer.body == std::to_string(size) + "\n");
    server.post([&] { server.shutdown(Duration(0)); });
    REQUIRE(running.has_returned());
    CHECK(received == size);
    CHECK(checksum == expected);
    CHECK(pieces > 1);
    CHECK(largest <= 64 * 1024);  // never more than one read's worth held: memory stays flat
}

TEST_CASE("a route's own body limit: 2 MiB taken where it allows 4, refused 413 where the default 1 MiB holds") {
    Server server({.listen = {.port = 0}});
    auto size_of = [](Request& req, Response& res) { res.text(200, std::to_string(req.body.size()) + "\n"); };
    server.route("PUT", "/big", size_of, {.max_body_bytes = 4 << 20});
    server.route("PUT", "/small", size_of);
    Running running(server);
    std::string body(2 << 20, 'x');
    {
        test::Client client(server.port());
        REQUIRE(client.send(put_head("/big", body.size())));
        REQUIRE(client.send(body));
        test::Response answer = client.read_response("PUT");
        CHECK(answer.status == 200);
        CHECK(answer.body == std::to_string(body.size()) + "\n");
    }
    {
        test::Client client(server.port());
        REQUIRE(client.send(put_head("/small", body.size())));  // the head alone: refused before the body
        test::Response answer = client.read_response("PUT");
        CHECK(answer.status == 413);
        CHECK(answer.field("Connection") == "close");
    }
}

TEST_CASE("Expect: 100-continue to a streamed route that refuses at the head: the final answer, no 100") {
    Server server({.listen = {.port = 0}});
    std::atomic<bool> asked = false;
    server.route(
        "PUT", "/upload",
        [&](Request& req, Response& res) {
            if (req.field("Authorization") != "Bearer ok") return void(res.text(401, "no\n"));
            asked = true;
            res.on_body([res](std::string_view, bool done) mutable {
                if (done) res.text(201, "stored\n");
            });
        },
        {.max_body_bytes = std::uint64_t{2} << 30, .stream_body = true});
    Running running(server);
    {
        test::Client client(server.port());
        REQUIRE(client.send(put_head("/upload", 1 << 30, "Expect: 100-continue\r\n")));
        test::Response answer = client.read_response("PUT");
        CHECK(answer.status == 401);  // not 100: a gigabyte the client need not send
        CHECK(answer.field("Connection") == "close");
    }
    {
        test::Client client(server.port());
        REQUIRE(client.send(put_head("/upload", 3, "Authorization: Bearer ok\r\nExpect: 100-continue\r\n")));
        CHECK(client.read_response("PUT").status == 100);
        REQUIRE(client.send("abc"));
        test::Response answer = client.read_response("PUT");
        CHECK(answer.status == 201);
        CHECK(answer.body == "stored\n");
    }
    CHECK(asked);
}

TEST_CASE("a body that came with its head waits, unread, for a handler that asks for it later") {
    Server server({.listen = {.port = 0}});
    server.route(
        "PUT", "/later",
        [&](Request&, Response& res) {
            // Asked for on a later turn (as after an asynchronous check), when
            // no more bytes will come to wake the connection: all of them are here.
            server.after(0ms, [res = res.defer()]() mutable {
                res.on_body([res, got = std::string()](std::string_view piece, bool done) mutable {
                    got += piece;
                    if (done) res.text(200, got);
                });
            });
        },
        {.stream_body = true});
    Running running(server);
    test::Client client(server.port());
    REQUIRE(client.send(put_head("/later", 5) + "hello"));
    test::Response answer = client.read_response("PUT");
    REQUIRE(answer.well_formed);
    CHECK(answer.status == 200);
    CHECK(answer.body == "hello");
}
