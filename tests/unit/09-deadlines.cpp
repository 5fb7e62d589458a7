// Time in the connection core, on a fake clock: the whole head has a deadline,
// a body must make progress, an idle connection is closed, a stalled writer cut.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;
using namespace std::chrono_literals;

TEST_CASE("the header deadline covers the whole head: trickling bytes does not extend it (408)") {
    Driver driver;  // header_timeout 10 s
    std::string request = get("/");
    for (int second = 0; second < 9; ++second) {
        driver.send(request.substr(second, 1));
        CHECK(driver.wait(1s).empty());
    }
    CHECK(driver.wait(1s) == response_bytes(408, "Request Timeout", "Request Timeout\n", true));
    CHECK(driver.handled.empty());
}

TEST_CASE("a new connection that says nothing is closed at the header deadline, without an answer") {
    Driver driver;
    CHECK(driver.wait(9s).empty());
    CHECK_FALSE(driver.connection->is_closed());
    CHECK(driver.wait(1s).empty());
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::timeout);
}

TEST_CASE("an idle kept-alive connection is closed after the idle timeout, silently") {
    Driver driver;  // idle_timeout 30 s
    driver.send(get("/"));
    CHECK(driver.wait(29s).empty());
    CHECK_FALSE(driver.connection->is_closed());
    CHECK(driver.wait(1s).empty());
    CHECK(driver.connection->close_reason() == CloseReason::timeout);
}

TEST_CASE("a body must keep arriving: each piece restarts the body deadline; silence is 408") {
    Driver driver;  // body_timeout 10 s
    driver.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n");
    for (char c : std::string("abcd")) {
        CHECK(driver.wait(9s).empty());
        driver.send(std::string(1, c));
    }
    CHECK(driver.wait(10s) == response_bytes(408, "Request Timeout", "Request Timeout\n", true));
}

// The write and idle timeouts are both 30 s by default; unequal here, so the
// test tells which one closed the connection.
TEST_CASE("a client that stops reading is cut off when the write deadline passes without progress") {
    ConnectionOptions options;
    options.write_timeout = 5s;
    options.idle_timeout = 60s;
    Driver driver(options);
    driver.handler = [](Request&, Response& res) { res.text(200, std::string(1000, 'x')); };
    driver.connection->receive(get("/"));  // the answer is due; the client reads none of it
    driver.clock.now += 4s;
    REQUIRE(driver.connection->deadline());
    CHECK(*driver.connection->deadline() == driver.clock.now + 1s);
    driver.clock.now += 1s;
    REQUIRE(*driver.connection->deadline() <= driver.clock.now);
    driver.connection->expire();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::timeout);
}

TEST_CASE("a last answer the client stops reading is cut off at the write deadline too, not the linger timeout") {
    ConnectionOptions options;
    options.write_timeout = 5s;
    options.linger_timeout = 1s;
    Driver driver(options);
    driver.handler = [](Request&, Response& res) { res.text(200, std::string(1000, 'x')); };
    driver.connection->receive(get("/", "Connection: close\r\n"));  // unread: no FIN can follow it yet
    REQUIRE(driver.connection->state() == ConnectionState::closing);
    driver.clock.now += 4s;
    REQUIRE(driver.connection->deadline());
    CHECK(*driver.connection->deadline() == driver.clock.now + 1s);
    driver.clock.now += 1s;
    driver.connection->expire();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::timeout);
    CHECK(driver.connection->input_room() == 0);  // closed: it takes nothing more
}

TEST_CASE("a streamed answer the client stops reading is cut off at the write deadline, handler or not") {
    ConnectionOptions options;
    options.write_timeout = 5s;
    Driver driver(options);
    std::optional<Response> stream;
    driver.handler = [&](Request&, Response& res) {
        res.stream(200, "text/plain");
        stream = res.defer();  // still being produced: the connection is handling
    };
    driver.connection->receive(get("/"));
    REQUIRE(stream->write(std::string(1000, 'x')));  // the client reads none of it
    driver.clock.now += 5s;
    REQUIRE(driver.connection->deadline());
    REQUIRE(*driver.connection->deadline() <= driver.clock.now);
    driver.connection->expire();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::timeout);
    CHECK(stream->client_gone());
}

TEST_CASE("each piece the client reads restarts the write deadline") {
    ConnectionOptions options;
    options.write_timeout = 5s;
    Driver driver(options);
    driver.handler = [](Request&, Response& res) { res.text(200, std::string(1000, 'x')); };
    driver.connection->receive(get("/"));
    driver.clock.now += 4s;
    driver.connection->sent(100);  // the client read a little
    CHECK(*driver.connection->deadline() == driver.clock.now + 5s);
}

TEST_CASE("after the last answer and our FIN, the client has the linger timeout to close") {
    ConnectionOptions options;
    options.linger_timeout = 2s;
    Driver driver(options);
    driver.send(get("/", "Connection: close\r\n"));
    REQUIRE(driver.wrote_fin);
    driver.wait(1999ms);
    CHECK_FALSE(driver.connection->is_closed());
    driver.wait(1ms);
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::done);
}

TEST_CASE("the application's own time has no deadline: a deferred answer may take as long as it takes") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(get("/"));
    CHECK_FALSE(driver.connection->deadline().has_value());
    driver.clock.now += 1h;
    kept->text(200, "ok\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "ok\n"));
}
