// Options and routes that cannot work are refused before the server serves,
// with a message that names the option or route and the rule it breaks.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "options.hpp"
#include "response.hpp"
#include "router.hpp"

using namespace porter;
using namespace std::chrono_literals;

namespace {

// What check_options says of `options`: "" when it accepts them.
template <typename Options>
std::string refusal(const Options& options) {
    try {
        check_options(options);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

std::string refusal(std::string_view method, std::string_view pattern, Handler handler = [](Request&, Response&) {}) {
    Router router;
    try {
        router.add(method, pattern, std::move(handler));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("the defaults, and the tightest values that still work, are accepted") {
    CHECK(refusal(ConnectionOptions{}) == "");
    CHECK(refusal(ListenOptions{}) == "");
    ConnectionOptions tight{.head = {.max_request_line = 14, .max_header_bytes = 15, .max_fields = 1},
                            .max_body_bytes = 0,
                            .max_requests = 1,
                            .header_timeout = 1ms,
                            .body_timeout = 1ms,
                            .idle_timeout = 1ms,
                            .write_timeout = 1ms,
                            .linger_timeout = 0ms,
                            .handler_timeout = 0ms,
                            .high_water = 1,
                            .low_water = 1};
    CHECK(refusal(tight) == "");
    CHECK(refusal(ListenOptions{.listen_fd = 3}) == "");
    CHECK(refusal(ListenOptions{.host = "", .unix_path = "/tmp/porter.sock"}) == "");
}

TEST_CASE("each connection option that cannot work is named with its rule") {
    struct Case {
        ConnectionOptions options;
        std::string message;
    };
    for (const Case& c : {
             Case{{.head = {.max_request_line = 13}},
                  "porter: connection.head.max_request_line must be at least 14, the length of \"GET / HTTP/1.1\""},
             Case{{.head = {.max_request_line = 100, .max_header_bytes = 100}},
                  "porter: connection.head.max_header_bytes must be more than connection.head.max_request_line: "
                  "the head holds the request line and more"},
             Case{{.head = {.max_fields = 0}}, "porter: connection.head.max_fields must be at least 1: HTTP/1.1 requires Host"},
             Case{{.max_requests = 0}, "porter: connection.max_requests must be at least 1"},
             Case{{.header_timeout = 0ms}, "porter: connection.header_timeout must be above 0"},
             Case{{.body_timeout = -1ms}, "porter: connection.body_timeout must be above 0"},
             Case{{.idle_timeout = 0ms}, "porter: connection.idle_timeout must be above 0"},
             Case{{.write_timeout = 0ms}, "porter: connection.write_timeout must be above 0"},
             Case{{.linger_timeout = -1ms}, "porter: connection.linger_timeout must not be negative"},
             Case{{.handler_timeout = -5ms}, "porter: connection.handler_timeout must not be negative (0 turns it off)"},
             Case{{.high_water = 0, .low_water = 0}, "porter: connection.high_water must be at least 1"},
             Case{{.high_water = 1000, .low_water = 1001}, "porter: connection.low_water must not be above connection.high_water"},
         }) {
        CHECK(refusal(c.options) == c.message);
    }
}

TEST_CASE("each listen option that cannot work is named with its rule") {
    CHECK(refusal(ListenOptions{.backlog = 0}) == "porter: listen.backlog must be at least 1");
    CHECK(refusal(ListenOptions{.unix_path = "/tmp/a.sock", .listen_fd = 3}) ==
          "porter: listen.listen_fd and listen.unix_path cannot both be given: one socket is listened on");
    CHECK(refusal(ListenOptions{.host = ""}) == "porter: listen.host must not be empty (\"127.0.0.1\", \"::1\", \"0.0.0.0\")");
}

TEST_CASE("a route's method must be an upper-case token: methods are case-sensitive") {
    CHECK(refusal("GET", "/") == "");
    CHECK(refusal("PURGE", "/cache") == "");  // a method of one's own is fine
    for (std::string_view method : {"get", "Get", "", "GE T", "GET\r\n", "(GET)"}) {
        CAPTURE(method);
        CHECK(refusal(method, "/") == "porter: route " + std::string(method) +
                                          " / needs a method that is an upper-case token, such as GET or POST");
    }
}

TEST_CASE("a route's pattern must be one the router can match as written") {
    CHECK(refusal("GET", "/a/:id/*rest") == "");
    CHECK(refusal("GET", "/a/") == "");  // a trailing '/' is a segment of its own
    CHECK(refusal("GET", "a/b") == "porter: route GET a/b needs a pattern that starts with '/'");
    CHECK(refusal("GET", "") == "porter: route GET  needs a pattern that starts with '/'");
    CHECK(refusal("GET", "/a?x=1") == "porter: route GET /a?x=1 has '?' or '#' in its pattern: a route matches the path alone");
    CHECK(refusal("GET", "/a#top") == "porter: route GET /a#top has '?' or '#' in its pattern: a route matches the path alone");
    CHECK(refusal("GET", "/a//b") == "porter: route GET /a//b has an empty segment ('//') in its pattern");
    CHECK(refusal("GET", "/*rest/more") == "porter: route GET /*rest/more has a *name that is not its last segment");
    CHECK(refusal("GET", "/a/:") == "porter: route GET /a/: has a parameter without a name");
    CHECK(refusal("GET", "/a/*") == "porter: route GET /a/* has a parameter without a name");
    CHECK(refusal("GET", "/:id/:id") == "porter: route GET /:id/:id names a parameter twice");
    CHECK(refusal("GET", "/:id/*id") == "porter: route GET /:id/*id names a parameter twice");
}

TEST_CASE("a route needs a handler") {
    CHECK(refusal("GET", "/", nullptr) == "porter: route GET / has no handler");
}
