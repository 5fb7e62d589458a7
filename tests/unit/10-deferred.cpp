// Responding later, and knowing when the client has gone; stopping gracefully.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("a kept response can be finished after the handler returned") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    CHECK(driver.send(get("/")).empty());
    CHECK(driver.connection->state() == ConnectionState::handling);
    CHECK(kept->text(200, "later\n"));
    CHECK(driver.take_output() == response_bytes(200, "OK", "later\n"));
    CHECK_FALSE(kept->text(200, "again\n"));
    CHECK_FALSE(kept->client_gone());  // finished is not gone
}

TEST_CASE("when the client goes before the answer, on_close runs once and later calls do nothing") {
    Driver driver;
    std::optional<Response> kept;
    int closed = 0;
    driver.handler = [&](Request&, Response& res) {
        kept = res.defer();
        kept->on_close([&] { ++closed; });
    };
    driver.send(get("/"));
    driver.connection->abort(CloseReason::io_error);  // a reset, say
    CHECK(closed == 1);
    CHECK(kept->client_gone());
    CHECK_FALSE(kept->text(200, "too late\n"));
    driver.connection.reset();
    CHECK(closed == 1);
}

TEST_CASE("shutdown closes an idle kept-alive connection at once") {
    Driver driver;
    driver.send(get("/"));
    driver.connection->begin_shutdown();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::shutdown);
}

TEST_CASE("shutdown lets a request in flight finish, its answer saying Connection: close") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(get("/"));
    driver.connection->begin_shutdown();
    CHECK_FALSE(driver.connection->is_closed());
    kept->text(200, "done\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "done\n", true));
    CHECK(driver.wrote_fin);
}
