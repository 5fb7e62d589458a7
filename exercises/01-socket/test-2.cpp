// Exercise 01-2: number the connections, so Content-Length must be computed.
#include <optional>
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

bool is_digits(std::string_view text) { return !text.empty() && text.find_first_not_of("0123456789") == text.npos; }

// The N of a body "hello, WHO #N\n", where WHO is "world" or, with exercise 3
// done too, "127.0.0.1:PORT"; nothing for any other body.
std::optional<std::string> connection_number(std::string_view body) {
    if (!body.starts_with("hello, ") || !body.ends_with("\n")) return std::nullopt;
    std::string_view greeting = body.substr(7, body.size() - 8);
    std::size_t hash = greeting.rfind(" #");
    if (hash == greeting.npos || !is_digits(greeting.substr(hash + 2))) return std::nullopt;
    std::string_view who = greeting.substr(0, hash);
    if (who != "world" && !(who.starts_with("127.0.0.1:") && is_digits(who.substr(10)))) return std::nullopt;
    return std::string(greeting.substr(hash + 2));
}

}  // namespace

TEST_CASE("each connection is numbered in the body, #1 to #120, and Content-Length keeps up (RFC 9112 §6.3)") {
    Server server;
    // Past 9 and past 99: a body one byte longer each time, which a
    // Content-Length written by hand gets wrong.
    for (int n = 1; n <= 120; ++n) {
        CAPTURE(n);
        Response response = exchange(server.port(), get("/"));
        REQUIRE_MESSAGE(response.well_formed, response.problem);
        REQUIRE(response.status == 200);
        std::optional<std::string> number = connection_number(response.body);
        REQUIRE_MESSAGE(number.has_value(), "body: ", response.body);
        REQUIRE(*number == std::to_string(n));
    }
}
