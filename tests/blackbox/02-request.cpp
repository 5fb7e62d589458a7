// Chapter 02 — reading a request: the head is read across any number of reads,
// parsed strictly by RFC 9112, and every malformed request is answered once
// with the status that names the fault, then the connection is closed.
#include "harness.hpp"

using namespace porter::test;

namespace {

// Sends `request`, expects `status` and a well-formed response, then a clean close.
// A failure names the request, escaped: a bare LF or CR shows where it is.
void expect_status(std::uint16_t port, const std::string& request, int status) {
    INFO("request: ", escaped(request, 300));
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
}

}  // namespace

TEST_CASE("the answer shows the request as parsed: method, target, version, fields in order" * chapters(2, 3)) {
    Server server;
    Response response = exchange(server.port(),
                                 "PUT /a%20b?c=d HTTP/1.1\r\nHost: example.com\r\nX-Spaced:   padded value \t\r\n"
                                 "Connection: close\r\n\r\n");
    CHECK(response.status == 200);
    CHECK(response.body ==
          "method  PUT\n"
          "target  /a%20b?c=d\n"
          "version HTTP/1.1\n"
          "field   Host: example.com\n"
          "field   X-Spaced: padded value\n"
          "field   Connection: close\n");
}

TEST_CASE("a request trickled one byte per read is answered as a whole" * chapters(2)) {
    Server server;
    Client client(server.port());
    CHECK(client.trickle(get("/")));
    Response response = parse_response(client.read_until_close());
    CHECK(response.status == 200);
}

TEST_CASE("a request head larger than one read (10 KiB of fields) is answered, not reset" * chapters(2)) {
    Server server;
    std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (int i = 0; i < 60; ++i) request += "X-Filler-" + std::to_string(i) + ": " + std::string(150, 'f') + "\r\n";
    request += "\r\n";
    REQUIRE(request.size() > 9000);
    expect_status(server.port(), request, 200);
}

TEST_CASE("empty lines before the request line are skipped (RFC 9112 §2.2)" * chapters(2)) {
    Server server;
    expect_status(server.port(), "\r\n\r\n" + get("/"), 200);
}

TEST_CASE("HTTP/1.0 is understood, and a higher 1.x minor is handled as 1.1 (RFC 9110 §6.2)" * chapters(2)) {
    Server server;
    expect_status(server.port(), "GET / HTTP/1.0\r\n\r\n", 200);
    expect_status(server.port(), "GET / HTTP/1.7\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 200);
}

TEST_CASE("a malformed request line is answered 400 and closed (RFC 9112 §3)" * chapters(2)) {
    Server server;
    for (std::string line : {"GET  / HTTP/1.1",   // two spaces
                             "GET /  HTTP/1.1",   // two spaces
                             " GET / HTTP/1.1",   // leading space
                             "GET / HTTP/1.1 ",   // trailing space
                             "GET\t/ HTTP/1.1",   // tab is not SP
                             "G(T / HTTP/1.1",    // '(' is not a tchar
                             "GET /a\x01 HTTP/1.1",  // a control in the target
                             "GET /\xc3\xa9 HTTP/1.1",  // raw UTF-8 in the target
                             "GET HTTP/1.1",      // no target
                             "GET / http/1.1",    // the name is case-sensitive
                             "GET / HTTP/1.10",   // one digit each side
                             "GET / HTTP/11",     // no dot
                             "GET /",             // HTTP/0.9 has no version
                             "GET / HTTP/1.1\n"}) // bare LF before CRLF
        expect_status(server.port(), line + "\r\nHost: 127.0.0.1\r\n\r\n", 400);
}

TEST_CASE("a bare LF ending a line is refused with 400: the policy of chapter 02 (RFC 9112 §2.2)" * chapters(2)) {
    Server server;
    expect_status(server.port(), "GET / HTTP/1.1\nHost: 127.0.0.1\n\n", 400);
    expect_status(server.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\n\r\n", 400);
    expect_status(server.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\n", 400);
}

TEST_CASE("malformed field lines are answered 400 and closed (RFC 9112 §5, RFC 9110 §5.5)" * chapters(2)) {
    Server server;
    for (std::string field : {std::string("Host : 127.0.0.1"),        // space before the colon (§5.1)
                              std::string("Host\t: 127.0.0.1"),        // tab before the colon
                              std::string(": no-name"),                // empty name
                              std::string("Bad Name: x"),              // space inside the name
                              std::string("X-Nul: a\0b", 10),          // NUL in a value
                              std::string("X-Ctl: a\x07z"),            // a control in a value
                              std::string("X-Del: a\x7fz"),            // DEL in a value
                              std::string("X-CR: a\rb"),               // bare CR in a value
                              std::string("No-Colon"),                 // no colon at all
                              std::string("X-Folded: a\r\n  folded")}) // obs-fold (§5.2)
        expect_status(server.port(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + field + "\r\n\r\n", 400);
    // Whitespace between the request line and the first field (§2.2).
    expect_status(server.port(), "GET / HTTP/1.1\r\n Host: 127.0.0.1\r\n\r\n", 400);
}

TEST_CASE("field values may hold obs-text, inner spaces and tabs" * chapters(2)) {
    Server server;
    expect_status(server.port(),
                  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Text: caf\xc3\xa9 au\tlait\r\nConnection: close\r\n\r\n",
                  200);
}

TEST_CASE("an HTTP version other than 1.x is answered 505 (RFC 9110 §15.6.6)" * chapters(2)) {
    Server server;
    expect_status(server.port(), "GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 505);
    expect_status(server.port(), "GET / HTTP/0.9\r\nHost: 127.0.0.1\r\n\r\n", 505);
    expect_status(server.port(), "GET / HTTP/3.1\r\nHost: 127.0.0.1\r\n\r\n", 505);
}

TEST_CASE("a request line over 8 KiB is answered 414; one of exactly 8 KiB is not" * chapters(2)) {
    Server server;
    std::string prefix = "GET /";
    std::string suffix = " HTTP/1.1";
    std::string fits = prefix + std::string(8192 - prefix.size() - suffix.size(), 'a') + suffix;
    REQUIRE(fits.size() == 8192);
    Response response = exchange(server.port(), fits + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK(response.well_formed);
    CHECK(response.status != 414);
    std::string too_long = prefix + std::string(8193 - prefix.size() - suffix.size(), 'a') + suffix;
    expect_status(server.port(), too_long + "\r\nHost: 127.0.0.1\r\n\r\n", 414);
}

TEST_CASE("a request line that never ends is answered 414 without waiting for its end" * chapters(2)) {
    Server server;
    Client client(server.port());
    CHECK(client.send("GET /" + std::string(9000, 'a')));  // no CRLF, and the client keeps the line open
    Response response = parse_response(client.read_until_close());
    CHECK(response.status == 414);
    CHECK(client.saw_close());
}

TEST_CASE("a request head over 16 KiB is answered 431, and the answer survives the unread rest" * chapters(2)) {
    Server server;
    std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    while (request.size() < 24 * 1024) request += "X-Filler: " + std::string(100, 'f') + "\r\n";
    request += "\r\n";
    // The server stops reading at 16 KiB and answers; the rest still sits
    // unread in its socket. Its close must not become a reset that destroys
    // the 431 before we read it.
    expect_status(server.port(), request, 431);
}

TEST_CASE("a head that is endless header fields is answered 431 without waiting for its end" * chapters(2)) {
    Server server;
    Client client(server.port());
    std::string fields = "GET / HTTP/1.1\r\n";
    while (fields.size() < 17 * 1024) fields += "X-Filler: " + std::string(100, 'f') + "\r\n";
    CHECK(client.send(fields));
    Response response = parse_response(client.read_until_close());
    CHECK(response.status == 431);
}

TEST_CASE("a request cut short by the client's end of file is answered 400" * chapters(2)) {
    Server server;
    Client client(server.port());
    CHECK(client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    client.finish_sending();
    Response response = parse_response(client.read_until_close());
    CHECK(response.well_formed);
    CHECK(response.status == 400);
    CHECK(client.saw_close());
}

TEST_CASE("an invalid byte is refused at once, before the rest of the request arrives" * chapters(2)) {
    Server server;
    Client client(server.port());
    CHECK(client.send("GET / HTTP/1.1\r\nHost : x\r\n"));  // the head has not ended
    Response response = parse_response(client.read_until_close());
    CHECK(response.status == 400);
    CHECK(client.saw_close());
}

TEST_CASE("error answers are well-formed and say the connection closes" * chapters(2)) {
    Server server;
    Response response = exchange(server.port(), "GET / HTTP/1.1\r\nHost : x\r\n\r\n");
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.reason == "Bad Request");
    CHECK(response.field("Connection").value_or("") == "close");
    CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
}
