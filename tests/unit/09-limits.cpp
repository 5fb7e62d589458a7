// Limits on a request head: the number of field lines (RFC 6585 §5).
//
// A conformance table in the style of 02-parser.cpp: raw request, then the
// verdict, and every case also fed as every prefix of itself, as the parser
// sees it when the request arrives split across reads. Each prefix must be
// "incomplete" or already the final verdict, and a verdict must never change.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "every_split.hpp"
#include "parser.hpp"

using namespace porter;

namespace {

struct Case {
    const char* label;
    std::string input;
    ParseStatus status;
    int error = 0;  // for invalid
};

ParseResult parse_in_every_split(const std::string& input, const Limits& limits) {
    Request request;
    return porter::test::parse_in_every_split(input, limits, request);
}

void check_cases(const std::vector<Case>& cases, const Limits& limits) {
    for (const Case& c : cases) {
        CAPTURE(std::string(c.label));
        ParseResult result = parse_in_every_split(c.input, limits);
        CHECK(result.status == c.status);
        CHECK(result.error == c.error);
    }
}

// A request head with `count` one-line fields, "F0: v" upwards, and no end.
std::string head_with_fields(int count) {
    std::string head = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < count; ++i) head += "F" + std::to_string(i) + ": v\r\n";
    return head;
}

}  // namespace

TEST_CASE("RFC 6585 §5: a head with more than max_fields field lines is answered 431") {
    check_cases(
        {
            {"three fields, at the limit", head_with_fields(3) + "\r\n", ParseStatus::complete},
            {"four fields, one over", head_with_fields(4) + "\r\n", ParseStatus::invalid, 431},
            {"refused at the first byte of the extra line", head_with_fields(3) + "X", ParseStatus::invalid, 431},
            {"the empty line after the last field is not a field", head_with_fields(3) + "\r", ParseStatus::incomplete},
            {"the count wins over what the extra line holds", head_with_fields(3) + " bad\r\n\r\n",
             ParseStatus::invalid, 431},
            {"a bad line within the limit is still 400", head_with_fields(2) + "A : b\r\n\r\n", ParseStatus::invalid,
             400},
        },
        Limits{.max_fields = 3});
}

TEST_CASE("RFC 6585 §5: by default, 100 field lines are accepted and the 101st is answered 431") {
    check_cases(
        {
            {"100 fields", head_with_fields(100) + "\r\n", ParseStatus::complete},
            {"101 fields", head_with_fields(101) + "\r\n", ParseStatus::invalid, 431},
        },
        Limits{});
}

TEST_CASE("RFC 6585 §5: with max_fields of zero, any field line is answered 431") {
    check_cases(
        {
            {"no fields", "GET / HTTP/1.0\r\n\r\n", ParseStatus::complete},
            {"one field", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", ParseStatus::invalid, 431},
        },
        Limits{.max_fields = 0});
}
