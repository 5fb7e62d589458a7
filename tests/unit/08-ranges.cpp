// Conditional and range requests for a file, decided without the file
// (RFC 9110 §8.8, §13, §14).
//
// decide_answer sees only the request's fields, the file's size and mtime,
// and "now", so each rule is one row: fields in, status, bytes and fields
// out. The file throughout is 1000 bytes, last written on 1 May 2025 at
// 12:00:00.123456789, and "now" is a month later unless a row says otherwise.
#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "conditional.hpp"

using namespace porter;
using std::chrono::system_clock;

namespace {

system_clock::time_point at(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0) {
    std::chrono::sys_days date = std::chrono::year_month_day{
        std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
    return date + std::chrono::hours{hour} + std::chrono::minutes{minute} + std::chrono::seconds{second};
}

const FileVersion file{1000, at(2025, 5, 1, 12) + std::chrono::nanoseconds{123456789}};
const system_clock::time_point now = at(2025, 6, 1);
// 1000 is 0x3e8; 1746100800123456789 ns since 1970 is 0x183b656d2d624d15.
const std::string etag = "\"3e8-183b656d2d624d15\"";
const std::string last_modified = "Thu, 01 May 2025 12:00:00 GMT";

std::optional<std::string> field(const FileAnswer& answer, std::string_view name) {
    for (const auto& [field_name, value] : answer.fields)
        if (field_name == name) return value;
    return std::nullopt;
}

struct Case {
    const char* label;
    Conditions request;
    int status;
    std::uint64_t offset = 0;  // 200 and 206
    std::uint64_t length = 0;  // 200 and 206
    const char* content_range = nullptr;  // 206 and 416
};

void check_case(const Case& c, const FileVersion& version = file) {
    CAPTURE(c.label);
    FileAnswer answer = decide_answer(c.request, version, now);
    CHECK(answer.status == c.status);
    CHECK(answer.offset == c.offset);
    CHECK(answer.length == c.length);
    CHECK(field(answer, "Content-Range") == (c.content_range ? std::optional<std::string>(c.content_range) : std::nullopt));
}

Conditions range(std::string value) { return {.range = std::move(value)}; }

}  // namespace

TEST_CASE("without conditions: 200, the whole file, ETag, Last-Modified and Accept-Ranges (RFC 9110 §8.8, §14.3)") {
    FileAnswer answer = decide_answer(Conditions{}, file, now);
    CHECK(answer.status == 200);
    CHECK(answer.offset == 0);
    CHECK(answer.length == 1000);
    CHECK(field(answer, "ETag") == etag);
    CHECK(field(answer, "Last-Modified") == last_modified);
    CHECK(field(answer, "Accept-Ranges") == "bytes");
}

TEST_CASE("the ETag is weak while the file may still be changing, within a second of its mtime (RFC 9110 §8.8.3)") {
    CHECK(field(decide_answer({}, file, file.modified + std::chrono::milliseconds{999}), "ETag") == "W/" + etag);
    CHECK(field(decide_answer({}, file, file.modified + std::chrono::seconds{1}), "ETag") == etag);
    CHECK(field(decide_answer({}, file, file.modified - std::chrono::hours{1}), "ETag") == "W/" + etag);
}

TEST_CASE("the ETag changes with the size and with the mtime, to the nanosecond") {
    FileVersion longer{1001, file.modified};
    FileVersion touched{1000, file.modified + std::chrono::nanoseconds{1}};
    CHECK(field(decide_answer({}, longer, now), "ETag") == "\"3e9-183b656d2d624d15\"");
    CHECK(field(decide_answer({}, touched, now), "ETag") == "\"3e8-183b656d2d624d16\"");
}

TEST_CASE("Last-Modified is never later than now: an mtime in the future is sent as now (RFC 9110 §8.8.2.1)") {
    FileVersion future{1000, now + std::chrono::hours{24}};
    CHECK(field(decide_answer({}, future, now), "Last-Modified") == "Sun, 01 Jun 2025 00:00:00 GMT");
}

TEST_CASE("a single byte range: 206 with Content-Range, its forms per RFC 9110 §14.1.2") {
    for (const Case& c : std::vector<Case>{
             {"first-last", range("bytes=0-499"), 206, 0, 500, "bytes 0-499/1000"},
             {"the second half", range("bytes=500-999"), 206, 500, 500, "bytes 500-999/1000"},
             {"first- runs to the end", range("bytes=500-"), 206, 500, 500, "bytes 500-999/1000"},
             {"-n is the last n bytes", range("bytes=-200"), 206, 800, 200, "bytes 800-999/1000"},
             {"one byte", range("bytes=0-0"), 206, 0, 1, "bytes 0-0/1000"},
             {"the last byte", range("bytes=999-"), 206, 999, 1, "bytes 999-999/1000"},
             {"a last-pos past the end means the end", range("bytes=990-5000"), 206, 990, 10, "bytes 990-999/1000"},
             {"a suffix longer than the file is all of it", range("bytes=-5000"), 206, 0, 1000, "bytes 0-999/1000"},
             {"a last-pos beyond 64 bits saturates", range("bytes=0-99999999999999999999999"), 206, 0, 1000,
              "bytes 0-999/1000"},
             {"leading zeros", range("bytes=007-009"), 206, 7, 3, "bytes 7-9/1000"},
             {"the unit is case-insensitive (§14.1)", range("Bytes=0-1"), 206, 0, 2, "bytes 0-1/1000"},
         })
        check_case(c);
}

TEST_CASE("an unsatisfiable range: 416 with Content-Range bytes */size (RFC 9110 §14.1.2, §15.5.17)") {
    for (const Case& c : std::vector<Case>{
             {"first-pos at the end", range("bytes=1000-"), 416, 0, 0, "bytes */1000"},
             {"first-pos past the end", range("bytes=1000-2000"), 416, 0, 0, "bytes */1000"},
             {"a first-pos beyond 64 bits", range("bytes=99999999999999999999999-"), 416, 0, 0, "bytes */1000"},
             {"a zero-length suffix", range("bytes=-0"), 416, 0, 0, "bytes */1000"},
         })
        check_case(c);
    FileAnswer answer = decide_answer(range("bytes=1000-"), file, now);
    CHECK_FALSE(field(answer, "Accept-Ranges"));
}

TEST_CASE("a Range we do not serve is ignored: 200 and the whole file (RFC 9110 §14.2)") {
    for (const Case& c : std::vector<Case>{
             {"two ranges: a server MAY ignore Range, and we do rather than send multipart",
              range("bytes=0-1,5-6"), 200, 0, 1000},
             {"two ranges, with spaces", range("bytes=0-1, 5-6"), 200, 0, 1000},
             {"a trailing comma makes a list too", range("bytes=0-1,"), 200, 0, 1000},
             {"an unknown unit MUST be ignored", range("items=0-1"), 200, 0, 1000},
             {"last-pos before first-pos is invalid (§14.1.1)", range("bytes=5-2"), 200, 0, 1000},
             {"no range-spec", range("bytes="), 200, 0, 1000},
             {"a lone dash", range("bytes=-"), 200, 0, 1000},
             {"not digits", range("bytes=abc"), 200, 0, 1000},
             {"a hex number", range("bytes=0x10-"), 200, 0, 1000},
             {"a sign", range("bytes=+1-2"), 200, 0, 1000},
             {"a negative suffix", range("bytes=--5"), 200, 0, 1000},
             {"three parts", range("bytes=1-2-3"), 200, 0, 1000},
             {"a space after the equals sign", range("bytes= 0-1"), 200, 0, 1000},
             {"no equals sign", range("bytes"), 200, 0, 1000},
             {"empty", range(""), 200, 0, 1000},
         })
        check_case(c);
}

TEST_CASE("an empty file: any Range is ignored, since there is no byte to name (RFC 9110 §14.2 MAY)") {
    FileVersion empty{0, file.modified};
    for (const Case& c : std::vector<Case>{
             {"first-last", range("bytes=0-0"), 200, 0, 0},
             {"a suffix", range("bytes=-1"), 200, 0, 0},
             {"first-", range("bytes=0-"), 200, 0, 0},
         })
        check_case(c, empty);
}

TEST_CASE("Range is for GET only: HEAD gets the 200 head (RFC 9110 §14.2)") {
    check_case({"HEAD with a Range", {.method = "HEAD", .range = "bytes=0-1"}, 200, 0, 1000});
}

TEST_CASE("If-Range: a strong ETag match or the exact Last-Modified keeps the Range, else 200 (RFC 9110 §13.1.5)") {
    auto if_range = [](std::string value) { return Conditions{.range = "bytes=0-9", .if_range = std::move(value)}; };
    for (const Case& c : std::vector<Case>{
             {"our ETag", if_range(etag), 206, 0, 10, "bytes 0-9/1000"},
             {"another ETag", if_range("\"3e8-0\""), 200, 0, 1000},
             {"our ETag marked weak: the comparison is strong", if_range("W/" + etag), 200, 0, 1000},
             {"our ETag with something after it", if_range(etag + " x"), 200, 0, 1000},
             {"our ETag, unquoted", if_range("3e8-183b656d2d624d15"), 200, 0, 1000},
             {"exactly Last-Modified", if_range(last_modified), 206, 0, 10, "bytes 0-9/1000"},
             {"Last-Modified in RFC 850 form: the instant counts, not the text",
              if_range("Thursday, 01-May-25 12:00:00 GMT"), 206, 0, 10, "bytes 0-9/1000"},
             {"Last-Modified in asctime form", if_range("Thu May  1 12:00:00 2025"), 206, 0, 10, "bytes 0-9/1000"},
             {"a second earlier", if_range("Thu, 01 May 2025 11:59:59 GMT"), 200, 0, 1000},
             {"a second later: not exact", if_range("Thu, 01 May 2025 12:00:01 GMT"), 200, 0, 1000},
             {"neither a tag nor a date", if_range("yesterday"), 200, 0, 1000},
             {"If-Range without Range is ignored", {.if_range = etag}, 200, 0, 1000},
         })
        check_case(c);
}

TEST_CASE("If-Range with a date or a tag fails while the file may still be changing (RFC 9110 §8.8.2.2)") {
    auto just_now = file.modified + std::chrono::milliseconds{500};
    Conditions by_date{.range = "bytes=0-9", .if_range = last_modified};
    Conditions by_weak_tag{.range = "bytes=0-9", .if_range = "W/" + etag};
    CHECK(decide_answer(by_date, file, just_now).status == 200);
    CHECK(decide_answer(by_weak_tag, file, just_now).status == 200);
}

TEST_CASE("If-None-Match, weak comparison: a match is 304 for GET and HEAD (RFC 9110 §13.1.2)") {
    auto none_match = [](std::string value) { return Conditions{.if_none_match = std::move(value)}; };
    for (const Case& c : std::vector<Case>{
             {"our ETag", none_match(etag), 304},
             {"our ETag marked weak", none_match("W/" + etag), 304},
             {"our ETag second in a list", none_match("\"a\", " + etag), 304},
             {"a list with empty elements and tabs (§5.6.1.2)", none_match(" ,\t\"a\" , ," + etag + ","), 304},
             {"*", none_match("*"), 304},
             {"HEAD, our ETag", {.method = "HEAD", .if_none_match = etag}, 304},
             {"another ETag", none_match("\"a\""), 200, 0, 1000},
             {"our ETag unquoted", none_match("3e8-183b656d2d624d15"), 200, 0, 1000},
             {"lower-case w/ is no weak prefix", none_match("w/" + etag), 200, 0, 1000},
             {"a list that does not parse matches nothing", none_match("\"a\" junk, " + etag), 200, 0, 1000},
             {"not even a tag that came before the junk", none_match(etag + ", junk"), 200, 0, 1000},
             {"two tags without a comma", none_match("\"a\" " + etag), 200, 0, 1000},
             {"an unterminated tag", none_match("\"3e8"), 200, 0, 1000},
             {"*, inside a list, is no wildcard", none_match("\"a\", *"), 200, 0, 1000},
             {"a method other than GET and HEAD: 412", {.method = "DELETE", .if_none_match = etag}, 412},
         })
        check_case(c);
}

TEST_CASE("a 304 carries ETag and Last-Modified and no body (RFC 9110 §15.4.5)") {
    FileAnswer answer = decide_answer({.if_none_match = etag}, file, now);
    REQUIRE(answer.status == 304);
    CHECK(answer.length == 0);
    REQUIRE(answer.fields.size() == 2);
    CHECK(field(answer, "ETag") == etag);
    CHECK(field(answer, "Last-Modified") == last_modified);
}

TEST_CASE("If-Modified-Since: not modified since the date is 304 for GET and HEAD (RFC 9110 §13.1.3)") {
    auto modified_since = [](std::string value) { return Conditions{.if_modified_since = std::move(value)}; };
    for (const Case& c : std::vector<Case>{
             {"exactly Last-Modified: the fraction of a second does not count", modified_since(last_modified), 304},
             {"a later date", modified_since("Fri, 02 May 2025 00:00:00 GMT"), 304},
             {"a later date, RFC 850", modified_since("Friday, 02-May-25 00:00:00 GMT"), 304},
             {"an earlier date", modified_since("Thu, 01 May 2025 11:59:59 GMT"), 200, 0, 1000},
             {"not a date: ignored", modified_since("yesterday"), 200, 0, 1000},
             {"two dates: ignored", modified_since(last_modified + ", " + last_modified), 200, 0, 1000},
             {"POST: ignored", {.method = "POST", .if_modified_since = last_modified}, 200, 0, 1000},
         })
        check_case(c);
}

TEST_CASE("If-None-Match takes precedence over If-Modified-Since, which is then ignored (RFC 9110 §13.2.2)") {
    for (const Case& c : std::vector<Case>{
             {"a tag that does not match beats a date that would 304",
              {.if_none_match = "\"a\"", .if_modified_since = last_modified}, 200, 0, 1000},
             {"a tag that matches beats a date that would 200",
              {.if_none_match = etag, .if_modified_since = "Thu, 01 Jan 1970 00:00:00 GMT"}, 304},
         })
        check_case(c);
}

TEST_CASE("If-Match, strong comparison, and If-Unmodified-Since: 412 when false (RFC 9110 §13.1.1, §13.1.4)") {
    for (const Case& c : std::vector<Case>{
             {"If-Match, our ETag", {.if_match = etag}, 200, 0, 1000},
             {"If-Match, *", {.if_match = "*"}, 200, 0, 1000},
             {"If-Match, our ETag in a list", {.if_match = "\"a\", " + etag}, 200, 0, 1000},
             {"If-Match, our ETag marked weak", {.if_match = "W/" + etag}, 412},
             {"If-Match, another ETag", {.if_match = "\"a\""}, 412},
             {"If-Match, not a list", {.if_match = "junk"}, 412},
             {"If-Unmodified-Since, Last-Modified", {.if_unmodified_since = last_modified}, 200, 0, 1000},
             {"If-Unmodified-Since, a second earlier", {.if_unmodified_since = "Thu, 01 May 2025 11:59:59 GMT"}, 412},
             {"If-Unmodified-Since, not a date: ignored", {.if_unmodified_since = "soon"}, 200, 0, 1000},
             {"If-Unmodified-Since is ignored when If-Match is sent (§13.2.2)",
              {.if_match = etag, .if_unmodified_since = "Thu, 01 Jan 1970 00:00:00 GMT"}, 200, 0, 1000},
             {"If-Match is evaluated before If-None-Match (§13.2.2)", {.if_match = "\"a\"", .if_none_match = etag}, 412},
         })
        check_case(c);
    CHECK(decide_answer({.if_match = "\"a\""}, file, now).fields.empty());
}

TEST_CASE("preconditions come before the Range; a Range survives preconditions that hold (RFC 9110 §13.2.2)") {
    for (const Case& c : std::vector<Case>{
             {"304 wins over Range", {.if_none_match = etag, .range = "bytes=0-9"}, 304},
             {"412 wins over Range", {.if_match = "\"a\"", .range = "bytes=0-9"}, 412},
             {"412 wins over an unsatisfiable Range", {.if_match = "\"a\"", .range = "bytes=5000-"}, 412},
             {"a tag that does not match, then the Range", {.if_none_match = "\"a\"", .range = "bytes=0-9"}, 206, 0,
              10, "bytes 0-9/1000"},
         })
        check_case(c);
}
