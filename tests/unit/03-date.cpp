// HTTP dates, formatted (RFC 9110 §5.6.7): known instants against the
// IMF-fixdate every sender must use. The core reads no clock, so every
// instant here is a literal date. Reading dates is 04-date-parse.cpp.
#include <doctest/doctest.h>

#include <chrono>
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

struct FormatCase {
    const char* label;
    system_clock::time_point when;
    const char* expected;
};

}  // namespace

TEST_CASE("format: known instants come out as IMF-fixdate (RFC 9110 §5.6.7)") {
    for (const FormatCase& c : std::vector<FormatCase>{
             {"the epoch", system_clock::time_point{}, "Thu, 01 Jan 1970 00:00:00 GMT"},
             {"the RFC's own example", at(1994, 11, 6, 8, 49, 37), "Sun, 06 Nov 1994 08:49:37 GMT"},
             {"29 February of a year divisible by 400", at(2000, 2, 29), "Tue, 29 Feb 2000 00:00:00 GMT"},
             {"29 February of an ordinary leap year", at(2024, 2, 29, 12), "Thu, 29 Feb 2024 12:00:00 GMT"},
             {"2100 is not a leap year: 28 Feb is followed by 1 Mar", at(2100, 2, 28) + std::chrono::days{1},
              "Mon, 01 Mar 2100 00:00:00 GMT"},
             {"one second past a 32-bit time_t", system_clock::time_point{std::chrono::seconds{1LL << 31}},
              "Tue, 19 Jan 2038 03:14:08 GMT"},
             {"one second before the epoch", system_clock::time_point{std::chrono::seconds{-1}},
              "Wed, 31 Dec 1969 23:59:59 GMT"},
             {"the last instant system_clock holds", system_clock::time_point::max(), "Fri, 11 Apr 2262 23:47:16 GMT"},
             {"the first instant system_clock holds", system_clock::time_point::min(), "Tue, 21 Sep 1677 00:12:43 GMT"},
         }) {
        CAPTURE(c.label);
        CHECK(format_http_date(c.when) == c.expected);
    }
}

TEST_CASE("format: fractions of a second are dropped, rounding down, also before 1970") {
    CHECK(format_http_date(at(1994, 11, 6, 8, 49, 37) + std::chrono::milliseconds{999}) ==
          "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(format_http_date(system_clock::time_point{} - std::chrono::milliseconds{500}) ==
          "Wed, 31 Dec 1969 23:59:59 GMT");
}

