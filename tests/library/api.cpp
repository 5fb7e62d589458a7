// The application's API: routes and their parameters, and what the server
// answers when no route, or no handler, does.
//
// A program constructs a Server, adds routes, and drives it; here the test's
// own thread drives it, a poll() turn at a time, while a client talks to it
// over loopback. RFC 9110 §9.1 (501), §9.3.2 (HEAD), §15.5.5 (404), §15.5.6
// (405 and Allow).
#include <stdexcept>
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

TEST_CASE("port() reports the port that port 0 became, and clients reach it there") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "hello\n"); });
    CHECK(server.port() != 0);
    std::optional<test::Response> answer = ask(server, "GET", "/");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body == "hello\n");
}

TEST_CASE("a :name parameter is one path segment, percent-decoded") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/hello/:name", [](Request& req, Response& res) {
        res.text(200, "[" + std::string(req.param("name")) + "]");
    });
    SUBCASE("an escaped space and UTF-8 are decoded") {
        std::optional<test::Response> answer = ask(server, "GET", "/hello/J%C3%BCrgen%20M");
        REQUIRE(answer);
        CHECK(answer->body == "[J\xC3\xBCrgen M]");
    }
    SUBCASE("the query is not part of it") {
        std::optional<test::Response> answer = ask(server, "GET", "/hello/ann?x=1");
        REQUIRE(answer);
        CHECK(answer->body == "[ann]");
    }
    SUBCASE("a second segment does not fit the pattern: 404") {
        std::optional<test::Response> answer = ask(server, "GET", "/hello/a/b");
        REQUIRE(answer);
        CHECK(answer->status == 404);
    }
    SUBCASE("a broken escape is answered 400, and the handler never runs") {
        std::optional<test::Response> answer = ask(server, "GET", "/hello/%zz");
        REQUIRE(answer);
        CHECK(answer->status == 400);
    }
}

TEST_CASE("a *rest parameter is the rest of the path, left percent-encoded") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/files/*rest", [](Request& req, Response& res) {
        res.text(200, "[" + std::string(req.param("rest")) + "]");
    });
    std::optional<test::Response> deep = ask(server, "GET", "/files/a%20b/c.txt?v=2");
    REQUIRE(deep);
    CHECK(deep->body == "[a%20b/c.txt]");
    std::optional<test::Response> bare = ask(server, "GET", "/files/");
    REQUIRE(bare);
    CHECK(bare->body == "[]");
}

TEST_CASE("a handler sees its request: method, target, path, query, fields by any case, body") {
    Server server({.listen = {.port = 0}});
    server.route("POST", "/submit", [](Request& req, Response& res) {
        std::string seen = std::string(req.method) + "|" + std::string(req.target) + "|" +
                           std::string(req.path()) + "|" + std::string(req.query()) + "|" +
                           std::string(req.field("x-colour").value_or("none")) + "|" + req.body;
        res.text(200, seen);
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send("POST /submit?a=1&b HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Colour: teal\r\n"
                      "Content-Length: 5\r\n\r\nhello"));
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->body == "POST|/submit?a=1&b|/submit|a=1&b|teal|hello");
}

TEST_CASE("a handler may add fields, but not ones the server writes, nor ones that inject lines") {
    Server server({.listen = {.port = 0}});
    std::vector<bool> accepted;
    server.route("GET", "/", [&](Request&, Response& res) {
        accepted.push_back(res.set_field("Cache-Control", "no-store"));
        accepted.push_back(res.set_field("Content-Length", "99"));
        accepted.push_back(res.set_field("X-Evil", "a\r\nSet-Cookie: b"));
        res.text(200, "ok\n");
        accepted.push_back(res.set_field("X-Late", "too late"));
    });
    std::optional<test::Response> answer = ask(server, "GET", "/");
    REQUIRE(answer);
    CHECK(accepted == std::vector<bool>{true, false, false, false});
    CHECK(answer->field("Cache-Control") == "no-store");
    CHECK(answer->field("Content-Length") == "3");
    CHECK_FALSE(answer->field("Set-Cookie"));
    CHECK_FALSE(answer->field("X-Late"));
}

TEST_CASE("without a route for the path, the answer is 404 (RFC 9110 §15.5.5)") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/here", [](Request&, Response& res) { res.text(200, "here\n"); });
    std::optional<test::Response> answer = ask(server, "GET", "/elsewhere");
    REQUIRE(answer);
    CHECK(answer->status == 404);
    CHECK(answer->well_formed);
}

TEST_CASE("a known path asked with another method is 405, and Allow lists its methods, HEAD with GET (RFC 9110 §15.5.6)") {
    Server server({.listen = {.port = 0}});
    auto ok = [](Request&, Response& res) { res.text(200, "ok\n"); };
    server.route("GET", "/thing", ok);
    server.route("PUT", "/thing", ok);
    server.route("POST", "/other", ok);
    std::optional<test::Response> answer = ask(server, "POST", "/thing");
    REQUIRE(answer);
    CHECK(answer->status == 405);
    CHECK(answer->field("Allow") == "GET, HEAD, PUT");
}

TEST_CASE("a method no route implements is 501, whatever the path (RFC 9110 §9.1)") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/thing", [](Request&, Response& res) { res.text(200, "ok\n"); });
    for (std::string_view target : {"/thing", "/nowhere"}) {
        CAPTURE(target);
        std::optional<test::Response> answer = ask(server, "BREW", target);
        REQUIRE(answer);
        CHECK(answer->status == 501);
    }
}

TEST_CASE("HEAD runs the GET handler, and the answer has its length but no body (RFC 9110 §9.3.2)") {
    Server server({.listen = {.port = 0}});
    int runs = 0;
    server.route("GET", "/page", [&](Request&, Response& res) {
        ++runs;
        res.text(200, "twelve bytes");
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("HEAD", "/page")));
    std::optional<test::Response> head = peer.await_response(server, true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->field("Content-Length") == "12");
    CHECK(head->body.empty());
    CHECK(runs == 1);
    // Had a body been sent after all, it would now stand where the next answer should.
    REQUIRE(peer.send(request("GET", "/page")));
    std::optional<test::Response> get = peer.await_response(server);
    REQUIRE(get);
    CHECK(get->status == 200);
    CHECK(get->body == "twelve bytes");
}

TEST_CASE("a handler that throws after its stream began is cut off: no answer the client could take as whole") {
    // The head and a chunk were given: a 500 can't follow them, and a
    // last-chunk would tell the client it had everything. The connection is
    // cut, and what was not yet sent goes with it.
    Server server({.listen = {.port = 0}});
    server.route("GET", "/half", [](Request&, Response& res) {
        res.stream(200, "text/plain");
        res.write("the first half\n");
        throw std::runtime_error("broken");
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/half")));
    CHECK(peer.await_close(server));
    CHECK_FALSE(peer.has_response());  // nothing that ends as a whole response would
    CHECK(server.stats().closed(CloseReason::app_error) == 1);
}

TEST_CASE("a handler that throws gets 500 for its request only: the connection and the server go on") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/std", [](Request&, Response&) { throw std::runtime_error("broken"); });
    server.route("GET", "/int", [](Request&, Response&) { throw 42; });
    server.route("GET", "/fine", [](Request&, Response& res) { res.text(200, "fine\n"); });
    Peer peer = Peer::tcp(server.port());
    for (std::string_view target : {"/std", "/int"}) {
        CAPTURE(target);
        REQUIRE(peer.send(request("GET", target)));
        std::optional<test::Response> failed = peer.await_response(server);
        REQUIRE(failed);
        CHECK(failed->status == 500);
        CHECK(failed->well_formed);
    }
    REQUIRE(peer.send(request("GET", "/fine")));
    std::optional<test::Response> same_connection = peer.await_response(server);
    REQUIRE(same_connection);
    CHECK(same_connection->status == 200);
    std::optional<test::Response> new_connection = ask(server, "GET", "/fine");
    REQUIRE(new_connection);
    CHECK(new_connection->status == 200);
}

TEST_CASE("a 500 in a handler's place carries none of the fields it set: no Cache-Control to keep an error by") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/throws", [](Request&, Response& res) {
        res.set_field("Cache-Control", "max-age=86400");
        throw std::runtime_error("broken");
    });
    server.route("GET", "/forgets", [](Request&, Response& res) { res.set_field("Cache-Control", "max-age=86400"); });
    for (std::string_view target : {"/throws", "/forgets"}) {
        CAPTURE(target);
        std::optional<test::Response> answer = ask(server, "GET", target);
        REQUIRE(answer);
        CHECK(answer->status == 500);
        CHECK_FALSE(answer->field("Cache-Control"));
    }
}

TEST_CASE("a content type that would inject a line is refused like such a field (RFC 9110 §5.5)") {
    Server server({.listen = {.port = 0}});
    bool sent = true;
    server.route("GET", "/", [&](Request&, Response& res) {
        sent = res.send(200, "x", "text/html\r\nSet-Cookie: session=evil");
        if (!sent) res.text(200, "refused\n");
    });
    std::optional<test::Response> answer = ask(server, "GET", "/");
    REQUIRE(answer);
    CHECK_FALSE(sent);
    CHECK(answer->body == "refused\n");
    CHECK_FALSE(answer->field("Set-Cookie"));
}

TEST_CASE("a handler that answers and then throws keeps its answer: the exception costs nothing sent") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/", [](Request&, Response& res) {
        res.text(200, std::string(100000, 'x'));
        throw std::runtime_error("after the answer");
    });
    std::optional<test::Response> answer = ask(server, "GET", "/");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body.size() == 100000);
}

TEST_CASE("a handler that neither answers nor defers gets 500, rather than leaving the client waiting") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/forgetful", [](Request&, Response&) {});
    std::optional<test::Response> answer = ask(server, "GET", "/forgetful");
    REQUIRE(answer);
    CHECK(answer->status == 500);
    CHECK(answer->well_formed);
}
