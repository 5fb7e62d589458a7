// HTTP dates: IMF-fixdate out (RFC 9110 §5.6.7).
//
// Layer: core; no system calls, no clock reads, no locale. The calendar is
// C++20's <chrono> (year_month_day, weekday, hh_mm_ss): the proleptic
// Gregorian calendar HTTP dates use, exact for every day system_clock holds.
//
// Not yet: reading dates, for If-Modified-Since — chapter 04.
#include "date.hpp"

#include <array>
#include <charconv>
#include <cstddef>

namespace porter {

namespace {

namespace chrono = std::chrono;

// English and fixed, whatever the locale: HTTP-date is case-sensitive (§5.6.7).
constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> month_names = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// `value` in decimal, zero-padded to `width`. to_chars, unlike printf, is
// guaranteed never to consult the locale.
void append_digits(std::string& out, long value, std::size_t width) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    auto length = static_cast<std::size_t>(end - digits);
    if (length < width) out.append(width - length, '0');
    out.append(digits, length);
}

}  // namespace

// #region format_http_date
std::string format_http_date(chrono::system_clock::time_point when) {
    auto second = chrono::floor<chrono::seconds>(when);
    auto day = chrono::floor<chrono::days>(second);
    chrono::year_month_day date{day};
    chrono::hh_mm_ss time{second - day};

    std::string out;  // "Sun, 06 Nov 1994 08:49:37 GMT"
    out += day_names[chrono::weekday{day}.c_encoding()];
    out += ", ";
    append_digits(out, static_cast<unsigned>(date.day()), 2);
    out += ' ';
    out += month_names[static_cast<unsigned>(date.month()) - 1];
    out += ' ';
    append_digits(out, static_cast<int>(date.year()), 4);
    out += ' ';
    append_digits(out, time.hours().count(), 2);
    out += ':';
    append_digits(out, time.minutes().count(), 2);
    out += ':';
    append_digits(out, time.seconds().count(), 2);
    out += " GMT";
    return out;
}
// #endregion format_http_date

}  // namespace porter
