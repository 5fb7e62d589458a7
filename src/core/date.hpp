// HTTP dates: the one timestamp format HTTP sends, and the three it reads.
//
// Layer: core. No system calls and no clock reads: every instant comes in as
// an argument, including the "now" that the two-digit years of RFC 850 dates
// are read against. No locale either: strftime and strptime follow LC_TIME,
// and an HTTP-date is always English and always GMT, so the names and digits
// are written here by hand (RFC 9110 §5.6.7).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace porter {

// The IMF-fixdate that RFC 9110 §5.6.7 makes senders use, for the Date and
// Last-Modified fields: "Sun, 06 Nov 1994 08:49:37 GMT". Fractions of a second
// are dropped (rounded down), since the format has none.
std::string format_http_date(std::chrono::system_clock::time_point when);

// An HTTP-date in any of the three formats a recipient MUST accept (RFC 9110
// §5.6.7), or nullopt:
//   IMF-fixdate   Sun, 06 Nov 1994 08:49:37 GMT
//   RFC 850       Sunday, 06-Nov-94 08:49:37 GMT
//   asctime       Sun Nov  6 08:49:37 1994
// Strictly: names are case-sensitive, as the grammar says; no extra or missing
// whitespace; fields in range (hour 00-23, minute 00-59, a day that exists in
// that month and year). Second 60, a leap second, is accepted and read as the
// first second of the next minute: system_clock has no leap seconds.
// A weekday that is not the weekday of that date is refused: the date and the
// name contradict each other, and we cannot know which is wrong. Every caller
// can afford nullopt, since a date in a request only ever makes a response
// conditional, and ignoring the condition is always safe.
// An RFC 850 two-digit year is read as the year with those digits that is at
// most 50 years after `now`'s year, else the one before it (§5.6.7).
// Dates system_clock cannot hold (before September 1677 or after April 2262)
// are refused too.
std::optional<std::chrono::system_clock::time_point> parse_http_date(
    std::string_view text, std::chrono::system_clock::time_point now);

}  // namespace porter
