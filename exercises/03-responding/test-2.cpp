// Exercise 03-2: a path with a trailing '/' is redirected to the one without
// (RFC 9110 §15.4.9, 308 Permanent Redirect; §10.2.2, Location).
#include <string>

#include "harness.hpp"

using namespace porter::test;

namespace {

// Sends `request`, expects a well-formed answer with `status` and a clean close.
Response expect_status(std::uint16_t port, const std::string& request, int status) {
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
    return response;
}

struct Case {
    std::string target, location;
};

}  // namespace

TEST_CASE("a path that a route serves without its trailing '/' is answered 308 with Location (RFC 9110 §15.4.9)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (const Case& c : std::vector<Case>{
             {"/echo/hello/", "/echo/hello"},
             {"/echo/hello%20there/", "/echo/hello%20there"},  // as sent, still percent-encoded
             {"/header/Host/", "/header/Host"},
             {"http://127.0.0.1/echo/hi/", "/echo/hi"}}) {  // absolute-form (RFC 9112 §3.2.2): only the path moves
        CAPTURE(c.target);
        Response response = expect_status(server.port(), get(c.target), 308);
        CHECK(response.reason == "Permanent Redirect");
        CHECK(response.field("Location") == c.location);
    }
}

TEST_CASE("the query goes along to the Location, byte for byte (RFC 9110 §10.2.2)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (const Case& c : std::vector<Case>{
             {"/echo/hello/?x=1", "/echo/hello?x=1"},
             // A '/' at the end of the query belongs to the query: it stays.
             {"/echo/hello/?a=%2F&b=c/d/", "/echo/hello?a=%2F&b=c/d/"}}) {
        CAPTURE(c.target);
        Response response = expect_status(server.port(), get(c.target), 308);
        CHECK(response.field("Location") == c.location);
    }
}

TEST_CASE("HEAD is redirected too, without a body (RFC 9110 §9.3.2)") {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("HEAD", "/echo/hello/", "Connection: close\r\n")));
    Response response = client.read_response("HEAD");
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 308);
    CHECK(response.field("Location") == "/echo/hello");
    CHECK_MESSAGE(client.read_until_close().empty(), "bytes after the head of an answer to HEAD");
}

TEST_CASE("a path with a trailing '/' that no route serves without it either is still 404 (RFC 9110 §15.5.5)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string target : {"/no/such/path/", "/echo/a/b/", "/hello/", "/ECHO/x/", "/echo/hello//"}) {
        CAPTURE(target);
        Response response = expect_status(server.port(), get(target), 404);
        CHECK_FALSE(response.field("Location").has_value());
    }
}

TEST_CASE("a redirect never leads to another host: a path that would redirect to /\\HOST is 404 (RFC 3986 §4.2)") {
    Server server;
    DescriptorCheck descriptors(server);
    // The route the task adds, GET /:greeting/world, whose first segment is a parameter.
    CHECK(expect_status(server.port(), get("/hello/world"), 200).body == "hello, world\n");
    CHECK(expect_status(server.port(), get("/hello/world/"), 308).field("Location") == "/hello/world");
    // Without its last '/', each path fits that route, greeting "\evil.example".
    // As a Location, "/\evil.example/world" is what browsers read as
    // "//evil.example/world", a network-path reference: another host.
    for (std::string target : {"/\\evil.example/world/", "/\\evil.example/world/?x=1",
                               "http://127.0.0.1/\\evil.example/world/"}) {
        CAPTURE(target);
        CHECK(expect_status(server.port(), get(target), 404).field("Location") == std::nullopt);
    }
}

TEST_CASE("the rest is as before: / is itself, and a path without the '/' is answered by its route") {
    Server server;
    DescriptorCheck descriptors(server);
    CHECK(expect_status(server.port(), get("/"), 200).body == "hello, world\n");
    CHECK(expect_status(server.port(), get("/?x=1"), 200).body == "hello, world\n");
    CHECK(expect_status(server.port(), get("/echo/hello"), 200).body == "hello");
    CHECK(expect_status(server.port(), get("/echo/hello?x=1/"), 200).body == "hello");
}
