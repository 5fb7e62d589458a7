// The connection core, its basic promise: bytes in, one exact response out;
// an invalid request answered once and the connection closed.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("a request gets its response byte for byte, with Date and Content-Length (RFC 9110 §6.6.1)") {
    Driver driver;
    CHECK(driver.send(get("/")) == response_bytes(200, "OK", "ok\n"));
    CHECK(driver.handled == std::vector<std::string>{"GET / 0"});
    CHECK(driver.connection->state() == ConnectionState::waiting);
}

TEST_CASE("a request split at every offset gets the same response") {
    std::string request = get("/split", "User-Agent: test\r\n");
    for (std::size_t offset = 0; offset <= request.size(); ++offset) {
        CAPTURE(offset);
        Driver driver;
        CHECK(driver.send_split(request, offset) == response_bytes(200, "OK", "ok\n"));
    }
}

TEST_CASE("an invalid request is answered once and the connection closed: never resynchronised") {
    Driver driver;
    // A valid request follows the bad one in the same read: it must not run,
    // since after a parse error nothing says where the next request starts.
    std::string out = driver.send("GET / HTTP/1.1\r\nHost : h\r\n\r\n" + get("/second"));
    CHECK(out == response_bytes(400, "Bad Request", "Bad Request\n", true));
    CHECK(driver.handled.empty());
    CHECK(driver.wrote_fin);
    driver.connection->receive_end();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::parse_error);
}

TEST_CASE("HEAD gets GET's fields, Content-Length included, and no body (RFC 9110 §9.3.2)") {
    Driver driver;
    std::string out = driver.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(out == response_bytes(200, "OK", "ok\n").substr(0, response_bytes(200, "OK", "ok\n").size() - 3));
}

TEST_CASE("a handler that neither answers nor keeps the response gets a 500 for it") {
    Driver driver;
    driver.handler = [](Request&, Response&) {};
    CHECK(driver.send(get("/")).starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
}

TEST_CASE("a second answer to the same request is refused") {
    Driver driver;
    bool second = true;
    driver.handler = [&](Request&, Response& res) {
        res.text(200, "first\n");
        second = res.text(200, "second\n");
    };
    CHECK(driver.send(get("/")) == response_bytes(200, "OK", "first\n"));
    CHECK_FALSE(second);
}

TEST_CASE("fields a handler sets are sent; reserved and unsafe ones are refused") {
    Driver driver;
    std::vector<bool> accepted;
    driver.handler = [&](Request&, Response& res) {
        accepted.push_back(res.set_field("Cache-Control", "no-store"));
        accepted.push_back(res.set_field("X-Injected", "a\r\nSet-Cookie: evil"));  // response splitting
        accepted.push_back(res.set_field("Content-Length", "5"));                  // the framing is ours
        accepted.push_back(res.set_field("Bad Name", "x"));
        res.text(200, "ok\n");
    };
    std::string out = driver.send(get("/"));
    CHECK(accepted == std::vector<bool>{true, false, false, false});
    CHECK(out.find("Cache-Control: no-store\r\n") != std::string::npos);
    CHECK(out.find("evil") == std::string::npos);
}

TEST_CASE("a handler's status must be final, 200 to 599: a 1xx or a non-status is refused") {
    Driver driver;
    std::vector<bool> accepted;
    driver.handler = [&](Request&, Response& res) {
        accepted.push_back(res.text(100, "not an answer\n"));  // the next response would answer this request
        accepted.push_back(res.text(0, "x"));
        accepted.push_back(res.text(1000, "x"));
        accepted.push_back(res.text(200, "ok\n"));
    };
    CHECK(driver.send(get("/")) == response_bytes(200, "OK", "ok\n"));
    CHECK(accepted == std::vector<bool>{false, false, false, true});
}

TEST_CASE("a 204 or 304 carries no body, whatever the handler passes (RFC 9110 §6.4.1)") {
    Driver driver;
    driver.handler = [](Request& req, Response& res) {
        if (req.target == "/stream") {
            res.stream(204, "text/plain");
            res.write("abc");  // refused: the answer is already complete
            res.end();
        } else {
            res.text(304, "ignored");
        }
    };
    std::string out = driver.send(get("/stream") + get("/text"));
    CHECK(out == "HTTP/1.1 204 No Content\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n"
                 "HTTP/1.1 304 Not Modified\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n");
}

TEST_CASE("a stream the handler leaves open without defer() is ended for it") {
    Driver driver;
    driver.handler = [](Request&, Response& res) {
        res.stream(200, "text/plain");
        res.write("partial");
    };
    std::string out = driver.send(get("/") + get("/next"));
    CHECK(out.find("7\r\npartial\r\n0\r\n\r\n") != std::string::npos);
    CHECK(driver.handled.size() == 2);
}

TEST_CASE("each state has its own name, for a status page: the enumerator's") {
    using enum ConnectionState;
    std::vector<std::pair<ConnectionState, std::string_view>> names = {
        {waiting, "waiting"}, {reading_head, "reading_head"}, {reading_body, "reading_body"},
        {handling, "handling"}, {closing, "closing"}, {lingering, "lingering"}, {closed, "closed"}};
    for (const auto& [state, name] : names) CHECK(to_string(state) == name);
}
