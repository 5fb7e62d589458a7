// Exercise 02-2: a bare LF ends a line, as RFC 9112 §2.2 allows; a bare CR
// is still refused.
#include <string>

#include "harness.hpp"

using namespace porter::test;

namespace {

// Sends `request`, expects a well-formed 200 whose body is exactly `body`,
// the request as the server parsed it.
void expect_parsed(std::uint16_t port, const std::string& request, const std::string& body) {
    INFO("request: ", escaped(request, 300));
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    CHECK(response.body == body);
}

void expect_status(std::uint16_t port, const std::string& request, int status) {
    INFO("request: ", escaped(request, 300));
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
}

const std::string host_x = "method  GET\ntarget  /\nversion HTTP/1.1\nfield   Host: x\n";

}  // namespace

TEST_CASE("a bare LF ends any line a CR LF may end, and leaves no CR in the fields (RFC 9112 §2.2)") {
    Server server;
    // Every line.
    expect_parsed(server.port(), "GET / HTTP/1.1\nHost: x\n\n", host_x);
    // Mixed: a CR right before an LF belongs to the line end, not to the value.
    expect_parsed(server.port(), "GET /mixed HTTP/1.1\r\nHost: x\nX-A: a\r\nX-B:  b \t\n\r\n",
                  "method  GET\ntarget  /mixed\nversion HTTP/1.1\nfield   Host: x\nfield   X-A: a\nfield   X-B: b\n");
    // The empty line that ends the head.
    expect_parsed(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\n", host_x);
    // The request line, of a request with no fields.
    expect_parsed(server.port(), "GET / HTTP/1.0\n\n", "method  GET\ntarget  /\nversion HTTP/1.0\n");
    // An empty line before the request line, skipped like a CR LF (§2.2).
    expect_parsed(server.port(), "\nGET / HTTP/1.1\nHost: x\n\n", host_x);
}

TEST_CASE("mixed line ends trickled one byte per read: a CR at the end of a read may be half a CR LF") {
    Server server;
    Client client(server.port());
    CHECK(client.trickle("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nX-B: b\r\n\n"));
    Response response = parse_response(client.read_until_close());
    CHECK(response.status == 200);
    CHECK(response.body == host_x + "field   X-A: a\nfield   X-B: b\n");
}

TEST_CASE("a bare CR is still refused with 400: only an LF may stand alone (RFC 9112 §2.2)") {
    Server server;
    for (std::string request : {"GET / HTTP/1.1\rHost: x\r\n\r\n",           // ending the request line
                                "GET / HTTP/1.1\r\nHost: x\rX-A: a\r\n\r\n",  // ending a field line
                                "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",       // inside a value
                                "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n",        // two CRs before an LF: one is ignored
                                "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n"})       // in the empty line
        expect_status(server.port(), request, 400);
}

TEST_CASE("a request line one byte over the 8 KiB limit is 414 with a bare LF too: the line is measured, not its end") {
    Server server;
    auto line_of = [](std::size_t length) {
        std::string prefix = "GET /";
        std::string suffix = " HTTP/1.1";
        return prefix + std::string(length - prefix.size() - suffix.size(), 'a') + suffix;
    };
    expect_status(server.port(), line_of(8192) + "\nHost: x\n\n", 200);
    // The stage reads the line through a window as long as the longest line
    // plus CR LF. A bare LF is one byte shorter, so this line and its LF fit.
    expect_status(server.port(), line_of(8193) + "\nHost: x\n\n", 414);
}
