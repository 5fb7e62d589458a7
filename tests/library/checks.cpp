// Options that cannot work stop the Server as it is constructed, before it
// listens; routes that cannot match as meant stop route().
#include <stdexcept>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

TEST_CASE("a Server with an option that cannot work throws invalid_argument naming it, before it listens") {
    CHECK_THROWS_WITH_AS(Server({.listen = {.port = 0}, .max_connections = 0}),
                         "porter: max_connections must be at least 1", std::invalid_argument);
    CHECK_THROWS_WITH_AS(Server({.listen = {.port = 0}, .connection = {.high_water = 10, .low_water = 20}}),
                         "porter: connection.low_water must not be above connection.high_water",
                         std::invalid_argument);
    // Checked first: an address that could not be bound is not what is reported.
    CHECK_THROWS_AS(Server({.listen = {.host = "not-an-address", .port = 0}, .connection = {.max_requests = 0}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(Server({.listen = {.host = "not-an-address", .port = 0}}), std::system_error);
}

TEST_CASE("route() refuses a route that cannot match as meant, and the server goes on with the others") {
    Server server({.listen = {.port = 0}});
    CHECK_THROWS_WITH_AS(server.route("get", "/", [](Request&, Response& res) { res.text(200, "never\n"); }),
                         "porter: route get / needs a method that is an upper-case token, such as GET or POST",
                         std::invalid_argument);
    CHECK_THROWS_AS(server.route("GET", "hello", [](Request&, Response&) {}), std::invalid_argument);
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "hello\n"); });
    std::optional<test::Response> answer = ask(server, "GET", "/");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body == "hello\n");
}
