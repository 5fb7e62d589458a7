// Chapter 03 — responding properly: the status line, Date, framing and type
// of every answer, HEAD, the statuses that say a route or method is missing
// (404, 405 with Allow, 501), the Host rule, and the routes every stage keeps:
// GET /, GET /echo/TEXT and GET /header/NAME.
#include <algorithm>

#include "harness.hpp"

using namespace porter::test;

namespace {

// The elements of a comma-separated field value, spaces trimmed (RFC 9110 §5.6.1).
std::vector<std::string> list_elements(std::string_view value) {
    std::vector<std::string> elements;
    for (;;) {
        std::size_t comma = value.find(',');
        std::string_view element = value.substr(0, comma);
        while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) element.remove_prefix(1);
        while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
        if (!element.empty()) elements.emplace_back(element);
        if (comma == std::string_view::npos) return elements;
        value.remove_prefix(comma + 1);
    }
}

bool lists(std::string_view value, std::string_view element) {
    std::vector<std::string> elements = list_elements(value);
    return std::find(elements.begin(), elements.end(), element) != elements.end();
}

// Sends `request`, expects a well-formed answer with `status` and a clean close.
Response expect_status(std::uint16_t port, const std::string& request, int status) {
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
    return response;
}

// The answer to a HEAD request, read as one: a body would be left over.
Response head(std::uint16_t port, std::string_view target) {
    Client client(port);
    CHECK(client.send("HEAD " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    Response response = client.read_response("HEAD");
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK_MESSAGE(client.read_until_close().empty(), "bytes after the head of an answer to HEAD");
    CHECK(client.saw_close());
    return response;
}

}  // namespace

TEST_CASE("the status line is HTTP/1.1, a three-digit code and a reason, also to HTTP/1.0 (RFC 9112 §4, RFC 9110 §6.2)" *
          chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string request : {get("/"), get("/no/such/path"), std::string("GET / HTTP/1.0\r\n\r\n")}) {
        CAPTURE(request);
        Response response = exchange(server.port(), request);
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.version == "HTTP/1.1");
        CHECK(response.status >= 200);
        CHECK(response.status <= 599);
    }
}

TEST_CASE("every answer carries Date, the current time as an IMF-fixdate in GMT (RFC 9110 §6.6.1, §5.6.7)" *
          chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    // 2xx, 4xx from a route, 4xx from the parser: a server with a clock MUST send Date on all of them.
    for (std::string request : {get("/"), get("/no/such/path"), std::string("GET / HTTP/1.1\r\nHost : x\r\n\r\n")}) {
        CAPTURE(request);
        auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        Response response = exchange(server.port(), request);
        auto after = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        std::optional<std::string> date = response.field("Date");
        REQUIRE_MESSAGE(date.has_value(), "no Date field");
        CAPTURE(*date);
        std::optional<std::chrono::sys_seconds> when = parse_imf_fixdate(*date);
        REQUIRE_MESSAGE(when.has_value(), "Date is not an IMF-fixdate");
        // The server's clock is the test's: allow a second either side for the
        // time between its reading and ours.
        CHECK(*when >= before - std::chrono::seconds(1));
        CHECK(*when <= after + std::chrono::seconds(1));
    }
}

TEST_CASE("a body is framed by Content-Length and labelled with Content-Type (RFC 9110 §8.3, §8.6)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string target : {"/", "/echo/abc", "/header/Host", "/no/such/path"}) {
        CAPTURE(target);
        Response response = exchange(server.port(), get(target));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.field("Content-Length") == std::to_string(response.body.size()));
        CHECK_FALSE(response.field("Transfer-Encoding").has_value());
        if (!response.body.empty()) CHECK(response.field("Content-Type").has_value());
    }
}

TEST_CASE("GET / answers 200 with hello, world" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    Response response = expect_status(server.port(), get("/"), 200);
    CHECK(response.body == "hello, world\n");
    CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
}

TEST_CASE("GET /echo/TEXT answers TEXT percent-decoded, as text/plain (RFC 3986 §2.1)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    struct Case {
        std::string target, text;
    };
    for (const Case& c : std::vector<Case>{
             {"/echo/hello", "hello"},
             {"/echo/hello%20there", "hello there"},
             {"/echo/%41%62c", "Abc"},             // either case of hex digit
             {"/echo/caf%C3%A9", "caf\xc3\xa9"},   // UTF-8 bytes, one escape each
             {"/echo/a+b", "a+b"},                 // '+' is a space only in forms, not in a path
             {"/echo/100%25", "100%"}}) {
        CAPTURE(c.target);
        Response response = expect_status(server.port(), get(c.target), 200);
        CHECK(response.body == c.text);
        CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
    }
}

TEST_CASE("GET /header/NAME answers that field's value; names match in any case (RFC 9110 §5.1)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::string request = "GET /header/x-greeting HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Greeting: \t good day  \r\n"
                          "Connection: close\r\n\r\n";
    Response response = expect_status(server.port(), request, 200);
    // The value without the whitespace around it (RFC 9112 §5); a newline after it is the route's choice.
    CHECK(response.body.starts_with("good day"));
    CHECK(response.body.find_first_not_of("\r\n", 8) == std::string::npos);

    response = expect_status(server.port(), get("/header/HOST"), 200);
    CHECK(response.body.starts_with("127.0.0.1"));
}

TEST_CASE("GET /header/NAME for a field the request does not have is 404 (RFC 9110 §15.5.5)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    expect_status(server.port(), get("/header/X-Absent"), 404);
}

TEST_CASE("HEAD is GET without the body: same status and fields, not a byte of body (RFC 9110 §9.3.2)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string target : {"/", "/echo/some%20text", "/no/such/path"}) {
        CAPTURE(target);
        Response got = exchange(server.port(), get(target));
        Response headed = head(server.port(), target);
        CHECK(headed.status == got.status);
        CHECK(headed.field("Content-Length") == got.field("Content-Length"));
        CHECK(headed.field("Content-Type") == got.field("Content-Type"));
        CHECK(headed.body.empty());
    }
}

TEST_CASE("a HEAD refused for its Host or target is answered with the refusal's head alone (RFC 9110 §9.3.2)" *
          chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string request : {std::string("HEAD / HTTP/1.1\r\n\r\n"),                    // no Host
                                std::string("HEAD / HTTP/1.1\r\nHost: a b\r\n\r\n"),     // a bad one
                                std::string("HEAD h:80 HTTP/1.1\r\nHost: h\r\n\r\n")}) {  // authority-form
        CAPTURE(request);
        Client client(server.port());
        REQUIRE(client.send(request));
        Response response = client.read_response("HEAD");
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 400);
        CHECK(response.field("Content-Length").has_value());
        CHECK_MESSAGE(client.read_until_close().empty(), "a body after the head of an answer to HEAD");
        CHECK(client.saw_close());
    }
}

TEST_CASE("a path no route serves is answered 404 (RFC 9110 §15.5.5)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string target : {"/no/such/path", "/echo/a/b", "/header", "/ECHO/x", "/hello"}) {
        CAPTURE(target);
        expect_status(server.port(), get(target), 404);
    }
}

// From chapter 07, when POST /echo makes POST a method the server implements.
// Before, POST is a method no route has, which is 501 (below); chapter 03's
// router is held to 405 by its unit tests (tests/unit/03-router.cpp).
TEST_CASE("a method the path does not allow is 405, with Allow listing GET (RFC 9110 §15.5.6)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    // POST is a method the server implements (POST /echo); GET / does not take it.
    Response response =
        expect_status(server.port(), "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 405);
    std::optional<std::string> allow = response.field("Allow");
    REQUIRE_MESSAGE(allow.has_value(), "a 405 MUST carry Allow");
    CHECK(lists(*allow, "GET"));
    CHECK_FALSE(lists(*allow, "POST"));
}

TEST_CASE("a method the server does not implement is 501 (RFC 9110 §15.6.2)" * chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string method : {"BREW", "FROBNICATE", "get"}) {  // methods are case-sensitive (§9.1)
        CAPTURE(method);
        expect_status(server.port(), method + " / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 501);
    }
    // A proxy's tunnel, with its authority-form target (RFC 9112 §3.2.3): not a 400, a method we don't do.
    expect_status(server.port(), "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\nConnection: close\r\n\r\n", 501);
}

TEST_CASE("an HTTP/1.1 request without Host, with two, or with an invalid one is answered 400 (RFC 9112 §3.2)" *
          chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string fields : {"",                                           // none
                               "Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n",     // two lines
                               "Host: a, b\r\n",                             // a list
                               "Host: exa mple.com\r\n",                     // a space inside
                               "Host: example.com/path\r\n",                 // a path
                               "Host: user@example.com\r\n",                 // userinfo
                               "Host: example.com:80x\r\n",                  // a port that is no number
                               "Host: :80\r\n"}) {                           // no host at all
        CAPTURE(fields);
        Response response = expect_status(server.port(), "GET / HTTP/1.1\r\n" + fields + "\r\n", 400);
        CHECK(response.field("Connection").value_or("") == "close");
    }
}

TEST_CASE("a Host with a port, an IPv6 literal, or a name is accepted; HTTP/1.0 may omit it (RFC 9112 §3.2)" *
          chapters(3)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string host : {"127.0.0.1:8080", "[::1]:8080", "example.com", "EXAMPLE.com:80"}) {
        CAPTURE(host);
        expect_status(server.port(), "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", 200);
    }
    expect_status(server.port(), "GET / HTTP/1.0\r\n\r\n", 200);
}
