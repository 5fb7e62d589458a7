// Streamed and file responses in the connection core: chunked framing,
// close-delimited bodies for HTTP/1.0, backpressure (RFC 9112 §6.3, §7.1).
#include <fcntl.h>

#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

namespace {

const std::string stream_head_1_1 =
    "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

}  // namespace

TEST_CASE("a streamed response is chunked in HTTP/1.1, and an empty write sends no chunk") {
    Driver driver;
    driver.handler = [](Request&, Response& res) {
        res.stream(200, "text/plain");
        res.write("hello");
        res.write("");  // "0\r\n\r\n" would end the body early
        res.write(std::string(17, 'x'));
        res.end();
    };
    CHECK(driver.send(get("/")) == stream_head_1_1 + "5\r\nhello\r\n11\r\n" + std::string(17, 'x') + "\r\n0\r\n\r\n");
    CHECK(driver.connection->state() == ConnectionState::waiting);
}

TEST_CASE("to an HTTP/1.0 client, a streamed body is ended by closing (RFC 9112 §6.3)") {
    Driver driver;
    driver.handler = [](Request&, Response& res) {
        res.stream(200, "text/plain");
        res.write("raw");
        res.end();
    };
    std::string out = driver.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(out == "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
                 "Connection: close\r\n\r\nraw");
    CHECK(driver.wrote_fin);
}

TEST_CASE("a streamed answer to HEAD has its head only") {
    Driver driver;
    driver.handler = [](Request&, Response& res) {
        res.stream(200, "text/plain");
        res.write("hidden");
        res.end();
    };
    CHECK(driver.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n") == stream_head_1_1);
}

TEST_CASE("output above the high-water mark stops reading and congests the stream; below low water, on_drain") {
    ConnectionOptions options;
    options.high_water = 300;  // more than the head's 100 or so bytes
    options.low_water = 10;
    Driver driver(options);
    std::optional<Response> stream;
    driver.handler = [&](Request&, Response& res) {
        res.stream(200, "text/plain");
        stream = res.defer();
    };
    driver.connection->receive(get("/") + get("/next"));  // the client reads nothing yet
    CHECK_FALSE(stream->is_congested());
    stream->write(std::string(400, 'x'));
    CHECK(stream->is_congested());
    CHECK(driver.connection->input_room() == 0);  // the pipelined /next can wait
    bool drained = false;
    stream->on_drain([&] { drained = true; });
    CHECK_FALSE(drained);
    driver.take_output();  // the client catches up
    CHECK(drained);
    CHECK_FALSE(stream->is_congested());
    stream->end();
    // Not inside end(): a handler never runs inside another's Response call.
    // The next request is taken when the output moves on, as the server's
    // flush of this answer does in the same turn.
    CHECK(driver.handled.size() == 1);
    driver.take_output();
    CHECK(driver.handled.size() == 2);  // the pipelined request ran once the stream was done
}

TEST_CASE("on_drain on a response that is not congested runs at once; once the client has gone, never") {
    Driver driver;
    std::optional<Response> stream;
    driver.handler = [&](Request&, Response& res) {
        res.stream(200, "text/plain");
        stream = res.defer();
    };
    driver.send(get("/"));
    REQUIRE_FALSE(stream->is_congested());
    int runs = 0;
    stream->on_drain([&] { ++runs; });
    CHECK(runs == 1);
    driver.connection->abort(CloseReason::io_error);
    stream->on_drain([&] { ++runs; });
    CHECK(runs == 1);
}

TEST_CASE("a file body comes after its head, and the next answer waits for the whole file") {
    Driver driver;
    driver.handler = [](Request& req, Response& res) {
        if (req.target == "/file") res.file(200, FileBody{Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)), 0, 42}, "text/plain");
        else res.text(200, "after\n");
    };
    std::string out = driver.send(get("/file") + get("/after"));
    CHECK(out == "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
                 "Content-Length: 42\r\n\r\n<file 42>" + response_bytes(200, "OK", "after\n"));
}

TEST_CASE("while a file is being sent, the input held for later requests is bounded") {
    Driver driver;
    driver.handler = [](Request&, Response& res) {
        res.file(200, FileBody{Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)), 0, 1 << 20}, "text/plain");
    };
    driver.connection->receive(get("/big"));  // the client reads none of it
    REQUIRE(driver.connection->output_file() == nullptr);  // the head comes first
    std::size_t room = driver.connection->input_room();
    CHECK(room <= driver.options.head.max_header_bytes);
    driver.connection->receive(std::string(room, 'x'));  // junk, or requests: held, not parsed
    CHECK(driver.connection->input_room() == 0);
}
