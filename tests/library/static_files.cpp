// static_files as an application mounts it: a handler like any other, on
// whatever route it is given, so it must hold its own rules there.
#include <fstream>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

TEST_CASE("static_files on a route for another method refuses it: 405 with Allow: GET, HEAD (RFC 9110 §15.5.6)") {
    TempDir root;
    std::ofstream(root.path() / "hello.txt") << "hello\n";
    Server server({.listen = {.port = 0}});
    server.route("DELETE", "/files/*path", static_files(root.path()));
    std::optional<test::Response> answer = ask(server, "DELETE", "/files/hello.txt");
    REQUIRE(answer);
    CHECK(answer->status == 405);
    CHECK(answer->field("Allow") == "GET, HEAD");
    CHECK(std::filesystem::exists(root.path() / "hello.txt"));
}

TEST_CASE("static_files on a route without *path is refused as the route is added") {
    TempDir root;
    Server server({.listen = {.port = 0}});
    CHECK_THROWS_WITH_AS(server.route("GET", "/files/*rest", static_files(root.path())),
                         "porter: route GET /files/*rest serves static_files, which needs the pattern to end in /*path",
                         std::invalid_argument);
    CHECK_THROWS_AS(server.route("GET", "/files/:path", static_files(root.path())), std::invalid_argument);
    CHECK_NOTHROW(server.route("GET", "/*path", static_files(root.path())));
}

TEST_CASE("static_files wrapped in a handler of its own, on a route without *path, says so (500), rather than serve the root for every URL") {
    TempDir root;
    std::ofstream(root.path() / "index.html") << "<!doctype html>\n";
    Server server({.listen = {.port = 0}});
    Handler files = static_files(root.path());
    server.route("GET", "/files/*rest", [files](Request& req, Response& res) { files(req, res); });
    std::optional<test::Response> answer = ask(server, "GET", "/files/anything");
    REQUIRE(answer);
    CHECK(answer->status == 500);
    CHECK(answer->body == "static_files needs a route ending in *path\n");
}

namespace {

// How many descriptors this process holds: a file the server forgot to close
// would show here, one per request.
std::size_t open_descriptors() {
    auto entries = std::filesystem::directory_iterator("/proc/self/fd");
    return static_cast<std::size_t>(std::distance(begin(entries), end(entries)));
}

}  // namespace

TEST_CASE("every file static_files opens is closed: sent whole, sent to HEAD (no body), or answered 304") {
    TempDir root;
    std::ofstream(root.path() / "hello.txt") << "hello\n";
    Server server({.listen = {.port = 0}});
    server.route("GET", "/files/*path", static_files(root.path()));
    std::optional<test::Response> first = ask(server, "GET", "/files/hello.txt");  // warms up: the client's socket, once
    REQUIRE(first);
    REQUIRE(first->status == 200);
    auto all_closed = [&] { return server.stats().open == 0; };
    REQUIRE(serve_until(server, all_closed));  // the client has gone: its socket is closed
    std::size_t before = open_descriptors();
    for (int i = 0; i < 5; ++i) {
        for (std::string_view method : {"GET", "HEAD"}) {
            std::optional<test::Response> answer = ask(server, method, "/files/hello.txt");
            REQUIRE(answer);
            CHECK(answer->status == 200);
        }
        Peer peer = Peer::tcp(server.port());
        REQUIRE(peer.send("GET /files/hello.txt HTTP/1.1\r\nHost: porter.test\r\nIf-None-Match: " +
                          std::string(*first->field("ETag")) + "\r\nConnection: close\r\n\r\n"));
        std::optional<test::Response> unchanged = peer.await_response(server, false);
        REQUIRE(unchanged);
        CHECK(unchanged->status == 304);
    }
    REQUIRE(serve_until(server, all_closed));
    CHECK(open_descriptors() == before);
}
