// HTTP dates, parsed (RFC 9110 §5.6.7): the three formats every recipient
// must accept; the two-digit-year rule, read against a fixed "now"; a table
// of near-misses that must all be refused; and every formatted instant read
// back. The core reads no clock, so every "now" here is a literal date.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "date.hpp"

using namespace porter;
using std::chrono::system_clock;

namespace {

system_clock::time_point at(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0) {
    std::chrono::sys_days date = std::chrono::year_month_day{
        std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
    return date + std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

const system_clock::time_point now_2025 = at(2025, 6, 1);

struct ParseCase {
    const char* label;
    std::string text;
    std::optional<system_clock::time_point> expected;  // nullopt: refused
};

void check_parse(const ParseCase& c, system_clock::time_point now = now_2025) {
    CAPTURE(c.label);
    CAPTURE(c.text);
    CHECK(parse_http_date(c.text, now) == c.expected);
}

}  // namespace

TEST_CASE("parse: the three formats a recipient MUST accept name the same instant (RFC 9110 §5.6.7)") {
    auto instant = at(1994, 11, 6, 8, 49, 37);
    for (const ParseCase& c : std::vector<ParseCase>{
             {"IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", instant},
             {"RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", instant},
             {"asctime, a one-digit day after two spaces", "Sun Nov  6 08:49:37 1994", instant},
             {"asctime, a day with a leading zero (2DIGIT)", "Sun Nov 06 08:49:37 1994", instant},
             {"asctime, a two-digit day", "Wed Nov 16 08:49:37 1994", at(1994, 11, 16, 8, 49, 37)},
             {"IMF-fixdate at the first second system_clock holds", "Tue, 21 Sep 1677 00:12:44 GMT",
              at(1677, 9, 21, 0, 12, 44)},
             {"IMF-fixdate at the last second system_clock holds", "Fri, 11 Apr 2262 23:47:16 GMT",
              at(2262, 4, 11, 23, 47, 16)},
         })
        check_parse(c);
}

TEST_CASE("parse: an RFC 850 two-digit year is at most 50 years after now, else the past year (RFC 9110 §5.6.7)") {
    for (const ParseCase& c : std::vector<ParseCase>{
             {"94 in 2025 is 1994", "Sunday, 06-Nov-94 08:49:37 GMT", at(1994, 11, 6, 8, 49, 37)},
             {"30 in 2025 is 2030, five years ahead", "Wednesday, 06-Nov-30 00:00:00 GMT", at(2030, 11, 6)},
             {"75 in 2025 is 2075, exactly 50 years ahead in whole years", "Wednesday, 06-Nov-75 00:00:00 GMT",
              at(2075, 11, 6)},
             {"76 in 2025 is 1976, not 51 years ahead", "Saturday, 06-Nov-76 00:00:00 GMT", at(1976, 11, 6)},
             {"25 in 2025 is this year", "Thursday, 06-Nov-25 00:00:00 GMT", at(2025, 11, 6)},
             {"00 in 2025 is 2000", "Saturday, 01-Jan-00 00:00:00 GMT", at(2000, 1, 1)},
         })
        check_parse(c);
    check_parse({"94 in 2060 is 2094, 34 years ahead", "Saturday, 06-Nov-94 00:00:00 GMT", at(2094, 11, 6)},
                at(2060, 1, 1));
    check_parse({"00 in 2099 is 2100, across the century", "Friday, 01-Jan-00 00:00:00 GMT", at(2100, 1, 1)},
                at(2099, 6, 1));
    check_parse({"the weekday is checked against the year chosen: 2094-11-06 is no Sunday",
                 "Sunday, 06-Nov-94 08:49:37 GMT", std::nullopt},
                at(2060, 1, 1));
}

TEST_CASE("parse: second 60, a leap second, is read as the first second of the next minute") {
    check_parse({"the leap second ending 2016", "Sat, 31 Dec 2016 23:59:60 GMT", at(2017, 1, 1)});
}

TEST_CASE("round trip: every formatted instant parses back to the same second, 1678 to 2262") {
    // About 6,300 instants, 33 days and 7,919 seconds apart, so that every
    // month, weekday and time of day comes round many times.
    auto step = std::chrono::days{33} + std::chrono::seconds{7919};
    for (auto when = at(1678, 1, 1); when < at(2262, 1, 1); when += step) {
        auto text = format_http_date(when);
        CAPTURE(text);
        REQUIRE(parse_http_date(text, now_2025) == when);
    }
}

TEST_CASE("parse: the conformance table of refusals (RFC 9110 §5.6.7 is case-sensitive and exact)") {
    const std::string good = "Sun, 06 Nov 1994 08:49:37 GMT";
    for (const ParseCase& c : std::vector<ParseCase>{
             {"empty", "", std::nullopt},
             {"lower-case day name", "sun, 06 Nov 1994 08:49:37 GMT", std::nullopt},
             {"lower-case month", "Sun, 06 nov 1994 08:49:37 GMT", std::nullopt},
             {"upper-case zone", "Sun, 06 Nov 1994 08:49:37 gmt", std::nullopt},
             {"UTC for GMT", "Sun, 06 Nov 1994 08:49:37 UTC", std::nullopt},
             {"a numeric zone", "Sun, 06 Nov 1994 08:49:37 +0000", std::nullopt},
             {"no zone", "Sun, 06 Nov 1994 08:49:37", std::nullopt},
             {"ISO 8601", "1994-11-06T08:49:37Z", std::nullopt},
             {"a one-digit day in IMF-fixdate", "Sun, 6 Nov 1994 08:49:37 GMT", std::nullopt},
             {"a two-digit year in IMF-fixdate", "Sun, 06 Nov 94 08:49:37 GMT", std::nullopt},
             {"a four-digit year in RFC 850", "Sunday, 06-Nov-1994 08:49:37 GMT", std::nullopt},
             {"a long day name in IMF-fixdate", "Sunday, 06 Nov 1994 08:49:37 GMT", std::nullopt},
             {"a short day name in RFC 850", "Sun, 06-Nov-94 08:49:37 GMT", std::nullopt},
             {"asctime with one space before a one-digit day", "Sun Nov 6 08:49:37 1994", std::nullopt},
             {"asctime with a zone", "Sun Nov  6 08:49:37 1994 GMT", std::nullopt},
             {"two spaces after the comma", "Sun,  06 Nov 1994 08:49:37 GMT", std::nullopt},
             {"a leading space", " " + good, std::nullopt},
             {"a trailing space", good + " ", std::nullopt},
             {"a NUL inside", std::string("Sun, 06 Nov 1994 08:49:37\0GMT", 29), std::nullopt},
             {"a signed day", "Sun, +6 Nov 1994 08:49:37 GMT", std::nullopt},
             {"no seconds", "Sun, 06 Nov 1994 08:49 GMT", std::nullopt},
             {"hour 24", "Mon, 07 Nov 1994 24:00:00 GMT", std::nullopt},
             {"minute 60", "Sun, 06 Nov 1994 08:60:00 GMT", std::nullopt},
             {"second 61", "Sun, 06 Nov 1994 08:49:61 GMT", std::nullopt},
             {"day 00", "Sun, 00 Nov 1994 08:49:37 GMT", std::nullopt},
             {"day 31 of a 30-day month", "Thu, 31 Nov 1994 08:49:37 GMT", std::nullopt},
             {"29 February of a common year", "Tue, 29 Feb 2022 00:00:00 GMT", std::nullopt},
             {"30 February of a leap year", "Fri, 30 Feb 2024 00:00:00 GMT", std::nullopt},
             {"a weekday that contradicts the date (our choice)", "Mon, 06 Nov 1994 08:49:37 GMT", std::nullopt},
             {"a second before system_clock begins", "Tue, 21 Sep 1677 00:12:43 GMT", std::nullopt},
             {"a second after system_clock ends", "Fri, 11 Apr 2262 23:47:17 GMT", std::nullopt},
             {"a year system_clock cannot hold", "Fri, 31 Dec 9999 23:59:59 GMT", std::nullopt},
         })
        check_parse(c);
}

TEST_CASE("parse: every proper prefix of a valid date, in each format, is refused") {
    for (std::string text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                             "Sun Nov  6 08:49:37 1994"}) {
        REQUIRE(parse_http_date(text, now_2025));
        for (std::size_t length = 0; length < text.size(); ++length) {
            CAPTURE(text.substr(0, length));
            CHECK_FALSE(parse_http_date(text.substr(0, length), now_2025));
        }
    }
}
