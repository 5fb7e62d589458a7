// The server's own answers in the application's words: the error_answer
// hook gives the body and its type; the status, the framing and the closing
// stay the server's.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;
using namespace std::chrono_literals;

namespace {

ErrorAnswer as_json(int status, const Request&) {
    return {"{\"status\":" + std::to_string(status) + "}", "application/json"};
}

std::string json_bytes(int status, std::string_view reason, bool closing) {
    std::string body = "{\"status\":" + std::to_string(status) + "}";
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
           "\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + (closing ? "Connection: close\r\n" : "") + "\r\n" + body;
}

}  // namespace

TEST_CASE("the core's error answers take their body from the hook, and still close") {
    struct Case {
        std::string request;
        int status;
        std::string_view reason;
    };
    ConnectionOptions options{.head = {.max_request_line = 64, .max_header_bytes = 256, .max_fields = 4},
                              .max_body_bytes = 8};
    for (const Case& c : {Case{"GET / HTTP/1.1\r\nBad Field: x\r\n\r\n", 400, "Bad Request"},
                          Case{"GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", 414, "URI Too Long"},
                          Case{"GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(300, 'x') + "\r\n\r\n", 431,
                               "Request Header Fields Too Large"},
                          Case{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n", 413, "Content Too Large"},
                          Case{"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "HTTP Version Not Supported"}}) {
        CAPTURE(c.status);
        Driver driver(options);
        driver.render_error = as_json;
        CHECK(driver.send(c.request) == json_bytes(c.status, c.reason, true));
        CHECK(driver.connection->state() != ConnectionState::waiting);  // closing, as without the hook
    }
}

TEST_CASE("408 at the header deadline takes the hook's body") {
    Driver driver(ConnectionOptions{.header_timeout = 2s});
    driver.render_error = as_json;
    driver.send("GET / HTTP/1.1\r\n");
    CHECK(driver.wait(2s) == json_bytes(408, "Request Timeout", true));
}

TEST_CASE("a 500 in the handler's place takes the hook's body, and the connection stays open") {
    Driver driver;
    driver.render_error = as_json;
    driver.handler = [](Request&, Response&) {};
    CHECK(driver.send(get("/")) == json_bytes(500, "Internal Server Error", false));
}

TEST_CASE("to HEAD, the hook's answer is a head whose length is the body's that GET would get") {
    Driver driver;
    driver.render_error = as_json;
    driver.handler = [](Request&, Response&) {};
    std::string full = json_bytes(500, "Internal Server Error", false);
    CHECK(driver.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n") == full.substr(0, full.find("\r\n\r\n") + 4));
}

TEST_CASE("the hook sees the request as far as it parsed") {
    Driver driver;
    std::string seen;
    driver.render_error = [&](int status, const Request& request) {
        seen = std::string(request.method) + " " + std::to_string(status);
        return default_error_answer(status);
    };
    driver.handler = [](Request&, Response&) {};
    driver.send(get("/x"));
    CHECK(seen == "GET 500");
}
