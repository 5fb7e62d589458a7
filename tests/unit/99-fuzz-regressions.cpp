// Regressions the fuzzers found (tests/fuzz/), each as the smallest exact-bytes case.
//
// The file's number, 99, is the library's: these are rules of src/ that a
// stage of the book may not have yet. Each TEST_CASE names the fuzz property
// that broke, so a reader can find its check in tests/fuzz/connection.cpp.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

namespace {

// The driver, also keeping the body size each finished response reports.
struct CountingDriver : Driver {
    std::vector<std::uint64_t> body_bytes;
    void finished(Connection& connection, const Request& request, int status, std::uint64_t bytes, Duration duration) override {
        Driver::finished(connection, request, status, bytes, duration);
        body_bytes.push_back(bytes);
    }
};

}  // namespace

TEST_CASE("fuzz, 'the body sent has the size finished() reported': a 204 or 304 given a body reports 0 bytes sent") {
    CountingDriver driver;
    driver.handler = [](Request& req, Response& res) { res.text(req.target == "/a" ? 304 : 204, "ignored"); };
    std::string out = driver.send(get("/a") + get("/b"));
    CHECK(out == "HTTP/1.1 304 Not Modified\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n"
                 "HTTP/1.1 204 No Content\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n");
    CHECK(driver.statuses == std::vector<int>{304, 204});
    CHECK(driver.body_bytes == std::vector<std::uint64_t>{0, 0});  // the access log's count: nothing was sent
}

TEST_CASE("fuzz, 'an open connection not waiting on the application has a deadline': a held streamed body behind an unsent answer") {
    Driver driver(ConnectionOptions{.write_timeout = std::chrono::seconds(3)});
    driver.stream_bodies = true;
    std::optional<Response> kept;
    driver.handler = [&](Request& req, Response& res) {
        if (req.method == "GET") res.text(200, "first\n");
        else kept = res.defer();  // holds its body: never asks for it
    };
    // Pipelined: the GET's answer is due and the client reads none of it,
    // while the POST's handler holds its body back.
    driver.connection->receive(get("/a") + "POST /s HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n");
    REQUIRE(driver.connection->state() == ConnectionState::reading_body);
    REQUIRE(!driver.connection->output().empty());
    CHECK(driver.connection->deadline() == driver.clock.now + std::chrono::seconds(3));  // the write timeout
    driver.clock.now += std::chrono::seconds(3);
    driver.connection->expire();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::timeout);
}
