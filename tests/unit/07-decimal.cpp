// 1*DIGIT as a 64-bit number (grammar.hpp), as Content-Length (RFC 9110
// §8.6) and a Range's positions (§14.1.1) need it, with the two policies for
// a number too big: refuse it, or saturate.
#include <doctest/doctest.h>

#include <limits>
#include <string_view>

#include "grammar.hpp"

using namespace porter;

TEST_CASE("1*DIGIT: past 2^64 - 1, parse_decimal refuses and parse_decimal_saturating is 2^64 - 1") {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    CHECK(parse_decimal("0") == 0u);
    CHECK(parse_decimal("007") == 7u);
    CHECK(parse_decimal("18446744073709551615") == max);
    CHECK(parse_decimal("18446744073709551616") == std::nullopt);
    CHECK(parse_decimal_saturating("18446744073709551616") == max);
    CHECK(parse_decimal_saturating("99999999999999999999999999") == max);
    CHECK(parse_decimal_saturating("42") == 42u);
    for (std::string_view bad : {"", "+5", "-1", " 5", "5 ", "0x10", "1a", "1.5"}) {
        CAPTURE(bad);
        CHECK(parse_decimal(bad) == std::nullopt);
        CHECK(parse_decimal_saturating(bad) == std::nullopt);
    }
}
