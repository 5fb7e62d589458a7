// The application's failures, seen from the core: a deferred response
// dropped unanswered, a handler that returns without answering, and a
// handler that runs past handler_timeout. Each gets an answer at once and
// is reported (Dispatcher::failed, the server's on_error hook).
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;
using namespace std::chrono_literals;

TEST_CASE("a deferred response whose every handle is dropped unanswered is answered 500 at once, and reported") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    CHECK(driver.send(get("/slow")).empty());
    Response copy = *kept;  // copies keep it open too
    kept.reset();
    CHECK(driver.take_output().empty());
    CHECK(driver.failures.empty());
    { Response last = std::move(copy); }  // the last handle goes
    CHECK(driver.take_output() == response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
    REQUIRE(driver.failures.size() == 1);
    CHECK(driver.failures[0] == "GET /slow: the response was dropped unanswered");
    CHECK(driver.connection->state() == ConnectionState::waiting);  // kept alive: the framing is intact
}

TEST_CASE("a handle dropped after the response was finished changes nothing") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(get("/"));
    kept->text(200, "done\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "done\n"));
    kept.reset();
    CHECK(driver.take_output().empty());
    CHECK(driver.failures.empty());
}

TEST_CASE("a deferred response dropped inside its handler is answered 500 when the handler returns") {
    Driver driver;
    driver.handler = [&](Request&, Response& res) { res.defer(); };  // the handle it returned is thrown away
    CHECK(driver.send(get("/")) == response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
    CHECK(driver.failures == std::vector<std::string>{"GET /: the response was dropped unanswered"});
}

TEST_CASE("a deferred stream dropped before its end is cut off: ending it would look like success") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) {
        res.stream(200, "text/plain");
        kept = res.defer();
    };
    driver.send(get("/"));
    kept->write("half");
    driver.take_output();
    kept.reset();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::app_error);
    CHECK(driver.failures == std::vector<std::string>{"GET /: the response was dropped unanswered"});
}

TEST_CASE("a handler that returns without answering or deferring is answered 500, and reported") {
    Driver driver;
    driver.handler = [](Request&, Response&) {};
    CHECK(driver.send(get("/forgot")) == response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
    CHECK(driver.failures == std::vector<std::string>{"GET /forgot: the handler returned without an answer"});
}

TEST_CASE("without handler_timeout a handler's time is its own: no deadline while it works") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(get("/"));
    CHECK_FALSE(driver.connection->deadline().has_value());
    CHECK(driver.wait(std::chrono::hours(24)).empty());
    CHECK(kept->text(200, "at last\n"));
}

TEST_CASE("past handler_timeout with no status given: 503, on_close runs, and the handle is finished") {
    Driver driver(ConnectionOptions{.handler_timeout = 5s});
    std::optional<Response> kept;
    int closed = 0;
    bool finished_when_closed = false;
    driver.handler = [&](Request&, Response& res) {
        kept = res.defer();
        kept->on_close([&] {
            ++closed;
            finished_when_closed = kept->is_finished();
        });
    };
    driver.send(get("/slow"));
    REQUIRE(driver.connection->deadline().has_value());
    CHECK(*driver.connection->deadline() == driver.clock.now + 5s);
    CHECK(driver.wait(4999ms).empty());
    CHECK(driver.wait(1ms) == response_bytes(503, "Service Unavailable", "Service Unavailable\n"));
    CHECK(closed == 1);
    CHECK(finished_when_closed);  // so work that checks its handle stops
    CHECK_FALSE(kept->text(200, "too late\n"));
    CHECK(driver.failures == std::vector<std::string>{"GET /slow: handler_timeout passed with no answer"});
    CHECK(driver.connection->state() == ConnectionState::waiting);  // the next request is welcome
    kept.reset();
    CHECK(driver.failures.size() == 1);  // dropping it now is no second failure
}

TEST_CASE("handler_timeout does not time a stream once its head is given") {
    Driver driver(ConnectionOptions{.handler_timeout = 5s});
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) {
        res.stream(200, "text/event-stream");
        kept = res.defer();
    };
    driver.send(get("/events"));
    CHECK_FALSE(driver.connection->deadline().has_value());
    driver.wait(1min);
    CHECK(kept->write("data: still here\n\n"));
    CHECK(driver.failures.empty());
}

TEST_CASE("defer() on a copy made before another defer() shares its keeper: the response stays open until both are gone") {
    Driver driver;
    std::optional<Response> first, second;
    driver.handler = [&](Request&, Response& res) {
        Response copy = res;  // made before any defer(): keeps nothing by itself
        first = res.defer();
        second = copy.defer();  // the same keeper, found through the exchange
    };
    CHECK(driver.send(get("/twice")).empty());
    first.reset();
    CHECK(driver.take_output().empty());  // the second handle still keeps it open
    CHECK(driver.failures.empty());
    second.reset();
    CHECK(driver.take_output() == response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
}

namespace {

// A Dispatcher that overrides only what it must: no access log, no error
// hook, no words of its own for errors.
struct Bare : Dispatcher {
    BodyPolicy body_policy(Connection&, Request&) override { return {.max_bytes = 1 << 20}; }
    void dispatch(Connection&, Request&, const std::shared_ptr<Exchange>&) override {}
    void wake(Connection&) override {}
    void release_file(std::uint64_t) override {}
    void finished(Connection&, const Request&, int, std::uint64_t, Duration) override {}
};

}  // namespace

TEST_CASE("with the Dispatcher's defaults, a failure is answered in the server's words and nothing else is told") {
    Clock clock;
    ConnectionOptions options;
    Bare bare;
    Connection connection(1, "unix", options, clock, bare);
    connection.receive(get("/forgotten"));  // the handler answers nothing: 500, through every default
    CHECK(std::string(connection.output()) == response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
}
