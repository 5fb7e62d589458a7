// The request parser, with exact bytes (RFC 9112 §2–§5).
//
// A conformance table in the style of a parser's fixture file: raw request,
// then the verdict. Every case is also fed as every prefix of itself, which is
// what the parser sees when the request arrives split across reads at that
// offset: each prefix must be "incomplete" or already the final verdict, and
// once a verdict is reached it must never change.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "every_split.hpp"
#include "parser.hpp"

using namespace porter;
using porter::test::parse_in_every_split;

namespace {

struct Case {
    const char* label;
    std::string input;
    ParseStatus status;
    int error = 0;  // for invalid
};


void check_case(const Case& c, const Limits& limits = Limits{}) {
    CAPTURE(std::string(c.label));
    Request request;
    ParseResult result = parse_in_every_split(c.input, limits, request);
    CHECK(result.status == c.status);
    CHECK(result.error == c.error);
}

std::string repeat(const std::string& text, int times) {
    std::string result;
    for (int i = 0; i < times; ++i) result += text;
    return result;
}

std::string with_host(const std::string& request_line) { return request_line + "\r\nHost: h\r\n\r\n"; }

}  // namespace

TEST_CASE("a simple GET parses into method, target, version and fields, as views into the input") {
    std::string input = "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    Request request;
    ParseResult result = parse_in_every_split(input, Limits{}, request);
    REQUIRE(result.status == ParseStatus::complete);
    CHECK(result.consumed == input.size());
    CHECK(request.method == "GET");
    CHECK(request.target == "/index.html?q=1");
    CHECK(request.version == Version::http_1_1);
    REQUIRE(request.fields.size() == 2);
    CHECK(request.fields[0].name == "Host");
    CHECK(request.fields[0].value == "example.com");
    CHECK(request.fields[1].name == "Accept");
    CHECK(request.fields[1].value == "*/*");
    CHECK(request.method.data() == input.data());  // nothing was copied
}

TEST_CASE("consumed stops at the end of the head: what follows belongs to the body or the next request") {
    std::string input = "POST /x HTTP/1.1\r\nHost: h\r\n\r\nbody bytes";
    Request request;
    ParseResult result = parse_request(input, Limits{}, request);
    CHECK(result.status == ParseStatus::complete);
    CHECK(input.substr(result.consumed) == "body bytes");
}

TEST_CASE("field values lose the whitespace around them, never inside (RFC 9112 §5)") {
    Request request;
    std::string input = "GET / HTTP/1.1\r\nX-A: \t a b \t \r\nX-Empty:\r\nX-Spaces:   \r\n\r\n";
    REQUIRE(parse_request(input, Limits{}, request).status == ParseStatus::complete);
    REQUIRE(request.fields.size() == 3);
    CHECK(request.fields[0].value == "a b");
    CHECK(request.fields[1].value == "");
    CHECK(request.fields[2].value == "");
}

TEST_CASE("the version: 1.0 and 1.1 as sent, a higher 1.x as 1.1 (RFC 9110 §6.2), other majors 505") {
    Request request;
    REQUIRE(parse_request(with_host("GET / HTTP/1.0"), Limits{}, request).status == ParseStatus::complete);
    CHECK(request.version == Version::http_1_0);
    REQUIRE(parse_request(with_host("GET / HTTP/1.9"), Limits{}, request).status == ParseStatus::complete);
    CHECK(request.version == Version::http_1_1);
    for (const Case& c : std::vector<Case>{
             {"HTTP/2.0", with_host("GET / HTTP/2.0"), ParseStatus::invalid, 505},
             {"HTTP/0.9", with_host("GET / HTTP/0.9"), ParseStatus::invalid, 505},
             {"HTTP/9.9", with_host("GET / HTTP/9.9"), ParseStatus::invalid, 505},
         })
        check_case(c);
}

TEST_CASE("the conformance table: request line (RFC 9112 §3)") {
    for (const Case& c : std::vector<Case>{
             {"any token is a method", with_host("M-SEARCH * HTTP/1.1"), ParseStatus::complete},
             {"asterisk-form target", with_host("OPTIONS * HTTP/1.1"), ParseStatus::complete},
             {"absolute-form target", with_host("GET http://h/x HTTP/1.1"), ParseStatus::complete},
             {"empty lines before the request line (§2.2)", "\r\n\r\n" + with_host("GET / HTTP/1.1"), ParseStatus::complete},
             {"empty method", with_host(" / HTTP/1.1"), ParseStatus::invalid, 400},
             {"two spaces after the method", with_host("GET  / HTTP/1.1"), ParseStatus::invalid, 400},
             {"two spaces after the target", with_host("GET /  HTTP/1.1"), ParseStatus::invalid, 400},
             {"tab instead of space", with_host("GET\t/ HTTP/1.1"), ParseStatus::invalid, 400},
             {"non-token method", with_host("GE:T / HTTP/1.1"), ParseStatus::invalid, 400},
             {"control in target", with_host("GET /\x7f HTTP/1.1"), ParseStatus::invalid, 400},
             {"NUL in target", with_host(std::string("GET /\0 HTTP/1.1", 15)), ParseStatus::invalid, 400},
             {"non-ASCII in target", with_host("GET /\xff HTTP/1.1"), ParseStatus::invalid, 400},
             {"missing version", with_host("GET /"), ParseStatus::invalid, 400},
             {"lower-case protocol name", with_host("GET / http/1.1"), ParseStatus::invalid, 400},
             {"two-digit minor", with_host("GET / HTTP/1.10"), ParseStatus::invalid, 400},
             {"trailing space", with_host("GET / HTTP/1.1 "), ParseStatus::invalid, 400},
             {"bare LF ends the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", ParseStatus::invalid, 400},
             {"bare CR ends the request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", ParseStatus::invalid, 400},
             {"a lone LF before the request line", "\nGET / HTTP/1.1\r\n\r\n", ParseStatus::invalid, 400},
             {"a CR then garbage before the request line", "\rX", ParseStatus::invalid, 400},
         })
        check_case(c);
}

// #region field_table
TEST_CASE("the conformance table: field lines (RFC 9112 §5, RFC 9110 §5.5)") {
    auto request_with = [](std::string field) { return "GET / HTTP/1.1\r\n" + field + "\r\n\r\n"; };
    for (const Case& c : std::vector<Case>{
             {"no fields at all", "GET / HTTP/1.0\r\n\r\n", ParseStatus::complete},
             {"obs-text in a value", request_with("X: caf\xc3\xa9"), ParseStatus::complete},
             {"empty value", request_with("X:"), ParseStatus::complete},
             {"whitespace before the colon (§5.1)", request_with("Host : h"), ParseStatus::invalid, 400},
             {"tab before the colon", request_with("Host\t: h"), ParseStatus::invalid, 400},
             {"empty name", request_with(": h"), ParseStatus::invalid, 400},
             {"no colon", request_with("Host"), ParseStatus::invalid, 400},
             {"obs-fold (§5.2)", request_with("X: a\r\n b"), ParseStatus::invalid, 400},
             {"whitespace before the first field (§2.2)", request_with(" Host: h"), ParseStatus::invalid, 400},
             {"NUL in a value", request_with(std::string("X: a\0b", 6)), ParseStatus::invalid, 400},
             {"bare CR in a value", request_with("X: a\rb"), ParseStatus::invalid, 400},
             {"bare LF ends a field", "GET / HTTP/1.1\r\nX: a\n\r\n", ParseStatus::invalid, 400},
             {"bare LF ends the head", "GET / HTTP/1.1\r\nX: a\r\n\n", ParseStatus::invalid, 400},
             {"DEL in a value", request_with("X: a\x7f"), ParseStatus::invalid, 400},
             {"ESC in a value", request_with("X: \x1b[31m"), ParseStatus::invalid, 400},
         })
        check_case(c);
}
// #endregion field_table

TEST_CASE("limits: the request line (414) and the head (431), counted in bytes") {
    Limits limits{.max_request_line = 20, .max_header_bytes = 60};
    std::string line_of_20 = "GET /" + std::string(6, 'a') + " HTTP/1.1";
    REQUIRE(line_of_20.size() == 20);
    for (const Case& c : std::vector<Case>{
             {"a request line at the limit", line_of_20 + "\r\n\r\n", ParseStatus::complete},
             {"one byte over the limit", "GET /" + std::string(7, 'a') + " HTTP/1.1\r\n\r\n", ParseStatus::invalid, 414},
             {"a line that never ends", "GET /" + std::string(100, 'a'), ParseStatus::invalid, 414},
             {"a method that never ends", std::string(100, 'G'), ParseStatus::invalid, 414},
             {"an invalid byte inside the limit wins", "GET /\x01" + std::string(100, 'a'), ParseStatus::invalid, 400},
             {"a head at the limit", line_of_20 + "\r\nX: " + std::string(31, 'v') + "\r\n\r\n", ParseStatus::complete},
             {"a head one byte over", line_of_20 + "\r\nX: " + std::string(32, 'v') + "\r\n\r\n", ParseStatus::invalid, 431},
             {"fields that never end", line_of_20 + "\r\n" + std::string(100, 'X'), ParseStatus::invalid, 431},
             {"CRs without LFs before the request line", std::string(100, '\r'), ParseStatus::invalid, 400},
             {"empty lines count toward the head", repeat("\r\n", 50), ParseStatus::invalid, 431},
         })
        check_case(c, limits);
}
