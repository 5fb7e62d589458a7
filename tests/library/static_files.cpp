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

TEST_CASE("static_files on a route without *path says so (500), rather than serve the root for every URL") {
    TempDir root;
    std::ofstream(root.path() / "index.html") << "<!doctype html>\n";
    Server server({.listen = {.port = 0}});
    server.route("GET", "/files/*rest", static_files(root.path()));
    std::optional<test::Response> answer = ask(server, "GET", "/files/anything");
    REQUIRE(answer);
    CHECK(answer->status == 500);
    CHECK(answer->body == "static_files needs a route ending in *path\n");
}
