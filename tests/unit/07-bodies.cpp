// Request bodies in the connection core: Content-Length, chunked, 100-continue,
// 413, and framing that could be read two ways refused (RFC 9112 §6, §7).
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

namespace {

void echo(Request& req, Response& res) { res.text(200, req.body); }

}  // namespace

TEST_CASE("a Content-Length body reaches the handler whole, however it is split") {
    std::string request = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world";
    for (std::size_t offset = 0; offset <= request.size(); ++offset) {
        CAPTURE(offset);
        Driver driver;
        driver.handler = echo;
        CHECK(driver.send_split(request, offset) == response_bytes(200, "OK", "hello world"));
    }
}

TEST_CASE("a chunked body is decoded before the handler sees it (RFC 9112 §7.1)") {
    std::string request = "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
    for (std::size_t offset = 0; offset <= request.size(); ++offset) {
        CAPTURE(offset);
        Driver driver;
        driver.handler = echo;
        CHECK(driver.send_split(request, offset) == response_bytes(200, "OK", "hello world"));
    }
}

TEST_CASE("Content-Length with Transfer-Encoding is refused with 400 and close (RFC 9112 §6.1)") {
    Driver driver;
    std::string out = driver.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    CHECK(out == response_bytes(400, "Bad Request", "Bad Request\n", true));
    CHECK(driver.handled.empty());
}

TEST_CASE("a body declared over the limit is refused with 413 before any of it is read") {
    ConnectionOptions options;
    options.max_body_bytes = 10;
    Driver driver(options);
    std::string out = driver.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n");
    CHECK(out == response_bytes(413, "Content Too Large", "Content Too Large\n", true));
    CHECK(driver.handled.empty());
    CHECK(driver.connection->state() == ConnectionState::lingering);
}

TEST_CASE("Expect: 100-continue gets 100 before the body when a handler wants it (RFC 9110 §10.1.1)") {
    Driver driver;
    driver.handler = echo;
    CHECK(driver.send("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n") ==
          "HTTP/1.1 100 Continue\r\n\r\n");
    CHECK(driver.send("ok") == response_bytes(200, "OK", "ok"));
}

TEST_CASE("Expect: 100-continue with no taker gets the final answer at once, no 100, then close") {
    Driver driver;
    driver.body_wanted = [](Request&) { return false; };
    driver.handler = [](Request&, Response& res) { res.text(404, "Not Found\n"); };
    std::string out = driver.send("PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    CHECK(out == response_bytes(404, "Not Found", "Not Found\n", true));
    CHECK(driver.handled == std::vector<std::string>{"PUT /x 0"});
}

TEST_CASE("an expectation other than 100-continue is answered 417 (RFC 9110 §10.1.1)") {
    Driver driver;
    std::string out = driver.send("GET / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n");
    CHECK(out == response_bytes(417, "Expectation Failed", "Expectation Failed\n", true));
}

TEST_CASE("a body cut short by the client's FIN is answered 400") {
    Driver driver;
    driver.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
    driver.connection->receive_end();
    CHECK(driver.take_output() == response_bytes(400, "Bad Request", "Bad Request\n", true));
    CHECK(driver.handled.empty());
}

TEST_CASE("a malformed chunk is answered 400 and nothing after it is read") {
    Driver driver;
    std::string out = driver.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + get("/"));
    CHECK(out == response_bytes(400, "Bad Request", "Bad Request\n", true));
    CHECK(driver.handled.empty());
}
