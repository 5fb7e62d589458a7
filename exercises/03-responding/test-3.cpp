// Exercise 03-3: GET / in plain text or in HTML, as Accept prefers (RFC 9110
// §12.5.1), with Vary: Accept (§12.5.5).
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

// Whether the comma-separated `value` has `element`, compared in any case:
// Vary lists field names (RFC 9110 §12.5.5, §5.1).
bool lists(std::string_view value, std::string_view element) {
    auto lower = [](std::string_view text) {
        std::string lowered(text);
        for (char& c : lowered) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        return lowered;
    };
    std::string wanted = lower(element);
    for (;;) {
        std::size_t comma = value.find(',');
        std::string_view item = value.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (lower(item) == wanted) return true;
        if (comma == std::string_view::npos) return false;
        value.remove_prefix(comma + 1);
    }
}

// GET / with `fields` (each line ending in CRLF), answered 200.
Response get_root(std::uint16_t port, const std::string& fields) {
    Response response = exchange(port, request("GET", "/", fields + "Connection: close\r\n"));
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    return response;
}

void check_vary(const Response& response) {
    std::optional<std::string> vary = response.field("Vary");
    REQUIRE_MESSAGE(vary.has_value(), "a negotiated answer needs Vary, or a cache hands it to the wrong client");
    CHECK(lists(*vary, "Accept"));
}

void check_html(const Response& response) {
    std::string type = response.field("Content-Type").value_or("");
    CAPTURE(type);
    CHECK(type.starts_with("text/html"));
    CHECK(type.find("charset=utf-8") != std::string::npos);
    CHECK(response.body.find('<') != std::string::npos);
    CHECK(response.body.find("hello, world") != std::string::npos);
    check_vary(response);
}

void check_plain(const Response& response) {
    CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
    CHECK(response.body == "hello, world\n");
    check_vary(response);
}

}  // namespace

TEST_CASE("GET / with an Accept that prefers text/html is answered an HTML page (RFC 9110 §12.5.1)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string fields : {
             "Accept: text/html\r\n",
             "Accept: text/html;q=0.9, text/plain;q=0.5\r\n",
             "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n",  // a browser's
             "Accept: TEXT/HTML\r\n",                            // media types compare in any case (§8.3.1)
             "Accept: text/plain ; Q=0.5, text/html\r\n",        // so do parameter names (§5.6.6); OWS around ';'
             "Accept: text/plain;q=0.2, text/*;q=0.4\r\n",       // text/plain is more specific; html gets text/*'s 0.4
             "Accept: */*;q=0.1, text/html;q=0.101\r\n",         // three decimals count (§12.4.2)
             "Accept: text/plain;q=0.1\r\nAccept: text/html\r\n"  // two lines are one list (§5.3)
         }) {
        CAPTURE(fields);
        check_html(get_root(server.port(), fields));
    }
}

TEST_CASE("otherwise GET / is answered the plain text, as before (RFC 9110 §12.5.1, §12.4.2)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string fields : {
             "",                                        // no Accept: any type will do
             "Accept: */*\r\n",                         // neither is preferred: the server's choice
             "Accept: text/plain\r\n",
             "Accept: text/html;q=0.5, text/plain\r\n",
             "Accept: text/html;q=0, */*\r\n",          // q=0: not acceptable
             "Accept: text/html;q=0.000, text/plain;q=0.001\r\n",
             "Accept: text/*;q=0.9, text/html;q=0.2\r\n"  // the specific range overrides text/*
         }) {
        CAPTURE(fields);
        check_plain(get_root(server.port(), fields));
    }
}

TEST_CASE("HEAD / negotiates as GET / does: same type and length, no body (RFC 9110 §9.3.2)") {
    Server server;
    DescriptorCheck descriptors(server);
    Response got = get_root(server.port(), "Accept: text/html\r\n");
    Client client(server.port());
    CHECK(client.send(request("HEAD", "/", "Accept: text/html\r\nConnection: close\r\n")));
    Response headed = client.read_response("HEAD");
    CHECK_MESSAGE(headed.well_formed, headed.problem);
    CHECK(headed.status == 200);
    CHECK(headed.field("Content-Type") == got.field("Content-Type"));
    CHECK(headed.field("Content-Length") == got.field("Content-Length"));
    check_vary(headed);
    CHECK_MESSAGE(client.read_until_close().empty(), "bytes after the head of an answer to HEAD");
}

TEST_CASE("other routes are not negotiated: /echo/TEXT is text/plain whatever Accept says") {
    Server server;
    DescriptorCheck descriptors(server);
    std::string html_please = request("GET", "/echo/hello", "Accept: text/html\r\nConnection: close\r\n");
    Response response = exchange(server.port(), html_please);
    CHECK(response.status == 200);
    CHECK(response.body == "hello");
    CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
}
