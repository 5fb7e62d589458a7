// HTTP dates: the one timestamp format HTTP sends.
//
// Layer: core. No system calls and no clock reads: the instant comes in as an
// argument. No locale either: strftime follows LC_TIME, and an HTTP-date is
// always English and always GMT, so the names and digits are written here by
// hand (RFC 9110 §5.6.7).
//
// Not yet: the three formats a recipient reads — chapter 04.
#pragma once

#include <chrono>
#include <string>

namespace porter {

// The IMF-fixdate that RFC 9110 §5.6.7 makes senders use, for the Date and
// Last-Modified fields: "Sun, 06 Nov 1994 08:49:37 GMT". Fractions of a second
// are dropped (rounded down), since the format has none.
std::string format_http_date(std::chrono::system_clock::time_point when);

}  // namespace porter
