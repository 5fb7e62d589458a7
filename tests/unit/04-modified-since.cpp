// Last-Modified and If-Modified-Since for a file, decided without the file
// (RFC 9110 §8.8.2, §13.1.3, §13.2.2).
//
// decide_answer sees only the request's fields, the file's size and mtime,
// and "now", so each rule is one row. The file throughout is 1000 bytes, last
// written on 1 May 2025 at 12:00:00.123456789, and "now" is a month later.
// Chapter 08 adds ETag, the other preconditions and Range (08-ranges.cpp);
// these rows hold there too.
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
const std::string last_modified = "Thu, 01 May 2025 12:00:00 GMT";

std::optional<std::string> field(const FileAnswer& answer, std::string_view name) {
    for (const auto& [field_name, value] : answer.fields)
        if (field_name == name) return value;
    return std::nullopt;
}

struct Case {
    const char* label;
    Conditions request;
    int status;  // 200: the whole file; 304: nothing
};

Conditions modified_since(std::string value) { return {.if_modified_since = std::move(value)}; }

}  // namespace

TEST_CASE("without conditions: 200, the whole file, and Last-Modified in whole seconds (RFC 9110 §8.8.2)") {
    FileAnswer answer = decide_answer(Conditions{}, file, now);
    CHECK(answer.status == 200);
    CHECK(answer.offset == 0);
    CHECK(answer.length == 1000);
    CHECK(field(answer, "Last-Modified") == last_modified);
}

TEST_CASE("Last-Modified is never later than now: an mtime in the future is sent as now (RFC 9110 §8.8.2.1)") {
    FileVersion future{1000, now + std::chrono::hours{24}};
    CHECK(field(decide_answer({}, future, now), "Last-Modified") == "Sun, 01 Jun 2025 00:00:00 GMT");
}

TEST_CASE("If-Modified-Since: unchanged since the date is 304 for GET and HEAD, else the whole file (RFC 9110 §13.1.3)") {
    for (const Case& c : std::vector<Case>{
             {"exactly Last-Modified: the fraction of a second does not count", modified_since(last_modified), 304},
             {"a later date", modified_since("Fri, 02 May 2025 00:00:00 GMT"), 304},
             {"a later date, RFC 850", modified_since("Friday, 02-May-25 00:00:00 GMT"), 304},
             {"a later date, asctime", modified_since("Fri May  2 00:00:00 2025"), 304},
             {"HEAD", {.method = "HEAD", .if_modified_since = last_modified}, 304},
             {"one second earlier", modified_since("Thu, 01 May 2025 11:59:59 GMT"), 200},
             {"not a date: ignored", modified_since("yesterday"), 200},
             {"the wrong weekday: not a date, ignored", modified_since("Fri, 01 May 2025 12:00:00 GMT"), 200},
             {"two dates (two field lines, joined): ignored", modified_since(last_modified + ", " + last_modified), 200},
             {"POST: ignored", {.method = "POST", .if_modified_since = last_modified}, 200},
         }) {
        CAPTURE(c.label);
        FileAnswer answer = decide_answer(c.request, file, now);
        CHECK(answer.status == c.status);
        CHECK(answer.length == (c.status == 200 ? 1000u : 0u));
    }
}

TEST_CASE("a 304 carries Last-Modified, so a cache can refresh its copy (RFC 9110 §15.4.5)") {
    FileAnswer answer = decide_answer(modified_since(last_modified), file, now);
    REQUIRE(answer.status == 304);
    CHECK(field(answer, "Last-Modified") == last_modified);
}

TEST_CASE("If-None-Match, when present, makes If-Modified-Since ignored; \"*\" matches any existing file (RFC 9110 §13.1.2, §13.1.3)") {
    // An If-Modified-Since that alone would give 304.
    Conditions unmatched_tag{.if_none_match = "\"no-such-tag\"", .if_modified_since = last_modified};
    CHECK(decide_answer(unmatched_tag, file, now).status == 200);
    Conditions any{.if_none_match = "*"};
    CHECK(decide_answer(any, file, now).status == 304);
}
