// Exercise 03-1: OPTIONS, on a path and on the server as a whole (RFC 9110 §9.3.7).
#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

// The elements of a comma-separated field value, spaces trimmed (RFC 9110 §5.6.1).
std::set<std::string> list_elements(std::string_view value) {
    std::set<std::string> elements;
    for (;;) {
        std::size_t comma = value.find(',');
        std::string_view element = value.substr(0, comma);
        while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) element.remove_prefix(1);
        while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
        if (!element.empty()) elements.emplace(element);
        if (comma == std::string_view::npos) return elements;
        value.remove_prefix(comma + 1);
    }
}

std::string options(std::string_view target) { return request("OPTIONS", target, "Connection: close\r\n"); }

// Sends `request`, expects a well-formed answer with `status` and a clean close.
Response expect_status(std::uint16_t port, const std::string& request, int status) {
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
    return response;
}

// A 204 carries no body, so neither Content-Length nor Content-Type (RFC 9110 §8.6, §15.3.5).
void check_no_content(const Response& response) {
    CHECK(response.reason == "No Content");
    CHECK(response.body.empty());
    CHECK_FALSE(response.field("Content-Length").has_value());
}

}  // namespace

TEST_CASE("OPTIONS on a path a route serves is 204 with Allow: its methods (RFC 9110 §9.3.7, §10.2.1)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string target : {"/", "/echo/hello", "/echo/hello%20there?x=1", "/header/Host"}) {
        CAPTURE(target);
        Response response = expect_status(server.port(), options(target), 204);
        check_no_content(response);
        std::optional<std::string> allow = response.field("Allow");
        REQUIRE_MESSAGE(allow.has_value(), "an answer to OPTIONS should say what the path allows, in Allow");
        std::set<std::string> methods = list_elements(*allow);
        CAPTURE(*allow);
        // GET's handler answers HEAD too; OPTIONS itself may be listed or not.
        CHECK(methods.contains("GET"));
        CHECK(methods.contains("HEAD"));
        methods.erase("OPTIONS");
        CHECK(methods.size() == 2);
    }
}

TEST_CASE("OPTIONS on a path no route serves is 404 (RFC 9110 §15.5.5)") {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string target : {"/no/such/path", "/echo/a/b", "/echo", "/hello"}) {
        CAPTURE(target);
        expect_status(server.port(), options(target), 404);
    }
}

TEST_CASE("OPTIONS * asks about the server: 204 with Allow: every method it implements (RFC 9110 §9.3.7)") {
    Server server;
    DescriptorCheck descriptors(server);
    Response response = expect_status(server.port(), options("*"), 204);
    check_no_content(response);
    std::optional<std::string> allow = response.field("Allow");
    REQUIRE_MESSAGE(allow.has_value(), "no Allow");
    CAPTURE(*allow);
    CHECK(list_elements(*allow) == std::set<std::string>{"GET", "HEAD", "OPTIONS"});

    // Still an HTTP/1.1 request: it needs its Host (RFC 9112 §3.2).
    expect_status(server.port(), "OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n", 400);
}

TEST_CASE("the rest is as before: * is OPTIONS's alone, GET still works, an unknown method is 501 (RFC 9112 §3.2.4)") {
    Server server;
    DescriptorCheck descriptors(server);
    expect_status(server.port(), get("*"), 400);
    CHECK(expect_status(server.port(), get("/"), 200).body == "hello, world\n");
    CHECK(expect_status(server.port(), get("/echo/hello"), 200).body == "hello");
    for (std::string method : {"BREW", "options"}) {  // methods are case-sensitive (RFC 9110 §9.1)
        CAPTURE(method);
        expect_status(server.port(), request(method, "/", "Connection: close\r\n"), 501);
    }
}
