// HTTP dates: IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in (RFC 9110 §5.6.7).
//
// Layer: core; no system calls, no clock reads, no locale. The calendar is
// C++20's <chrono> (year_month_day, weekday, hh_mm_ss): the proleptic
// Gregorian calendar HTTP dates use, exact for every day system_clock holds.
// Each reader takes the text that is left and consumes from its front; each
// date format is one function that reads its grammar left to right.
#include "date.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <span>

#include "grammar.hpp"

namespace porter {

namespace {

namespace chrono = std::chrono;

// English and fixed, whatever the locale: HTTP-date is case-sensitive (§5.6.7).
constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_day_names = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
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

// #region date_pieces
namespace {

// A date as written, before it is checked against the calendar.
struct DateFields {
    int year = 0;
    unsigned month = 0;    // 1 = January
    unsigned day = 0;      // of the month, from 1
    unsigned weekday = 0;  // 0 = Sunday, as weekday::c_encoding() counts
    int hour = 0;
    int minute = 0;
    int second = 0;        // 60 for a leap second
};

bool take_literal(std::string_view& rest, std::string_view literal) {
    if (!rest.starts_with(literal)) return false;
    rest.remove_prefix(literal.size());
    return true;
}

// Exactly `width` ASCII digits: not fewer, and no sign or space as from_chars
// or strtol would allow.
std::optional<int> take_digits(std::string_view& rest, std::size_t width) {
    if (rest.size() < width) return std::nullopt;
    int value = 0;
    for (char c : rest.substr(0, width)) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + (c - '0');
    }
    rest.remove_prefix(width);
    return value;
}

// The index in `names` of the name `rest` starts with.
std::optional<unsigned> take_name(std::string_view& rest, std::span<const std::string_view> names) {
    for (unsigned i = 0; i < names.size(); ++i)
        if (take_literal(rest, names[i])) return i;
    return std::nullopt;
}

// time-of-day = hour ":" minute ":" second, two digits each.
bool take_time_of_day(std::string_view& rest, DateFields& fields) {
    auto hour = take_digits(rest, 2);
    if (!hour || !take_literal(rest, ":")) return false;
    auto minute = take_digits(rest, 2);
    if (!minute || !take_literal(rest, ":")) return false;
    auto second = take_digits(rest, 2);
    if (!second) return false;
    fields.hour = *hour;
    fields.minute = *minute;
    fields.second = *second;
    return true;
}
// #endregion date_pieces

// #region date_formats
// IMF-fixdate = day-name "," SP day SP month SP year SP time-of-day SP "GMT"
std::optional<DateFields> parse_imf_fixdate(std::string_view rest) {
    DateFields fields;
    auto weekday = take_name(rest, day_names);
    if (!weekday || !take_literal(rest, ", ")) return std::nullopt;
    auto day = take_digits(rest, 2);
    if (!day || !take_literal(rest, " ")) return std::nullopt;
    auto month = take_name(rest, month_names);
    if (!month || !take_literal(rest, " ")) return std::nullopt;
    auto year = take_digits(rest, 4);
    if (!year || !take_literal(rest, " ")) return std::nullopt;
    if (!take_time_of_day(rest, fields) || rest != " GMT") return std::nullopt;
    fields.weekday = *weekday;
    fields.day = static_cast<unsigned>(*day);
    fields.month = *month + 1;
    fields.year = *year;
    return fields;
}

// RFC 9110 §5.6.7: a two-digit year more than 50 years in the future MUST be
// read as the most recent past year with the same last two digits. Counted in
// whole years, not to the second.
int resolve_two_digit_year(int two_digits, chrono::system_clock::time_point now) {
    int this_year = static_cast<int>(chrono::year_month_day{chrono::floor<chrono::days>(now)}.year());
    int past = this_year - (this_year - two_digits) % 100;  // this_year >= 1677: never negative
    return past + 100 - this_year <= 50 ? past + 100 : past;
}

// rfc850-date = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP "GMT"
std::optional<DateFields> parse_rfc850_date(std::string_view rest, chrono::system_clock::time_point now) {
    DateFields fields;
    auto weekday = take_name(rest, long_day_names);
    if (!weekday || !take_literal(rest, ", ")) return std::nullopt;
    auto day = take_digits(rest, 2);
    if (!day || !take_literal(rest, "-")) return std::nullopt;
    auto month = take_name(rest, month_names);
    if (!month || !take_literal(rest, "-")) return std::nullopt;
    auto year = take_digits(rest, 2);
    if (!year || !take_literal(rest, " ")) return std::nullopt;
    if (!take_time_of_day(rest, fields) || rest != " GMT") return std::nullopt;
    fields.weekday = *weekday;
    fields.day = static_cast<unsigned>(*day);
    fields.month = *month + 1;
    fields.year = resolve_two_digit_year(*year, now);
    return fields;
}

// asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
std::optional<DateFields> parse_asctime_date(std::string_view rest) {
    DateFields fields;
    auto weekday = take_name(rest, day_names);
    if (!weekday || !take_literal(rest, " ")) return std::nullopt;
    auto month = take_name(rest, month_names);
    if (!month || !take_literal(rest, " ")) return std::nullopt;
    auto day = take_literal(rest, " ") ? take_digits(rest, 1) : take_digits(rest, 2);
    if (!day || !take_literal(rest, " ")) return std::nullopt;
    if (!take_time_of_day(rest, fields) || !take_literal(rest, " ")) return std::nullopt;
    auto year = take_digits(rest, 4);
    if (!year || !rest.empty()) return std::nullopt;
    fields.weekday = *weekday;
    fields.day = static_cast<unsigned>(*day);
    fields.month = *month + 1;
    fields.year = *year;
    return fields;
}
// #endregion date_formats

// #region parse_http_date
// The instant the fields name, if they name one that system_clock can hold.
std::optional<chrono::system_clock::time_point> to_time_point(const DateFields& fields) {
    chrono::year_month_day date{chrono::year{fields.year}, chrono::month{fields.month}, chrono::day{fields.day}};
    if (!date.ok() || fields.hour > 23 || fields.minute > 59 || fields.second > 60) return std::nullopt;
    if (chrono::weekday{chrono::sys_days{date}}.c_encoding() != fields.weekday) return std::nullopt;

    chrono::sys_seconds instant = chrono::sys_days{date} + chrono::hours{fields.hour} +
                                  chrono::minutes{fields.minute} + chrono::seconds{fields.second};
    // system_clock counts nanoseconds in 64 bits: about 1678 to 2262. A year
    // outside that would overflow in the cast below, so it is refused here.
    using TimePoint = chrono::system_clock::time_point;
    if (instant < chrono::ceil<chrono::seconds>(TimePoint::min()) ||
        instant > chrono::floor<chrono::seconds>(TimePoint::max()))
        return std::nullopt;
    return chrono::time_point_cast<chrono::system_clock::duration>(instant);
}

}  // namespace

std::optional<chrono::system_clock::time_point> parse_http_date(std::string_view text,
                                                                chrono::system_clock::time_point now) {
    // The three grammars begin differently ("Sun," / "Sunday," / "Sun "), so
    // at most one of them can accept a given text.
    std::optional<DateFields> fields = parse_imf_fixdate(text);
    if (!fields) fields = parse_rfc850_date(text, now);
    if (!fields) fields = parse_asctime_date(text);
    if (!fields) return std::nullopt;
    return to_time_point(*fields);
}
// #endregion parse_http_date

}  // namespace porter
