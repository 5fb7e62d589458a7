// Body framing and Expect: how a request says its body is delimited
// (RFC 9112 §6, RFC 9110 §8.6) and what it expects first (RFC 9110 §10.1.1).
//
// A conformance table: a whole request head as wire bytes, then the framing
// decide_body_framing reads from it, or the status that refuses it. Heads are
// fed whole: their splitting across reads is the parser's concern
// (02-parser.cpp); the body's, the chunked decoder's (07-chunked.cpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "parser.hpp"
#include "semantics.hpp"

using namespace porter;

namespace {

constexpr std::uint64_t one_mib = 1 << 20;

struct FramingCase {
    const char* label;
    std::string input;
    Framing expected;
};

Framing no_body() { return {BodyFraming::none, 0, 0}; }
Framing length_of(std::uint64_t length) { return {BodyFraming::length, length, 0}; }
Framing chunked() { return {BodyFraming::chunked, 0, 0}; }
Framing refused(int status) { return {BodyFraming::none, 0, status}; }

void check_framing_cases(const std::vector<FramingCase>& cases, std::uint64_t max_body_bytes = one_mib) {
    for (const FramingCase& c : cases) {
        CAPTURE(std::string(c.label));
        Request request;
        REQUIRE(parse_request(c.input, Limits{}, request).status == ParseStatus::complete);
        Framing framing = decide_body_framing(request, max_body_bytes);
        CHECK(framing.error == c.expected.error);
        CHECK(framing.kind == c.expected.kind);
        CHECK(framing.length == c.expected.length);
    }
}

// A POST whose head carries `fields`, each line with its own CRLF.
std::string post(const std::string& fields) { return "POST /upload HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n"; }
std::string post_1_0(const std::string& fields) { return "POST /upload HTTP/1.0\r\n" + fields + "\r\n"; }

struct ExpectCase {
    const char* label;
    std::string input;
    Expectation expected;
};

void check_expect_cases(const std::vector<ExpectCase>& cases) {
    for (const ExpectCase& c : cases) {
        CAPTURE(std::string(c.label));
        Request request;
        REQUIRE(parse_request(c.input, Limits{}, request).status == ParseStatus::complete);
        CHECK(classify_expectation(request) == c.expected);
    }
}

}  // namespace

TEST_CASE("RFC 9112 §6.3 rule 7: a request with neither Content-Length nor Transfer-Encoding has no body") {
    check_framing_cases({
        {"a GET with no framing fields", "GET / HTTP/1.1\r\nHost: h\r\n\r\n", no_body()},
        {"a POST with no framing fields", post(""), no_body()},
        {"an HTTP/1.0 POST with no framing fields", post_1_0(""), no_body()},
    });
}

TEST_CASE("RFC 9110 §8.6: Content-Length is 1*DIGIT; anything else is answered 400") {
    check_framing_cases({
        {"a length", post("Content-Length: 5\r\n"), length_of(5)},
        {"a zero length", post("Content-Length: 0\r\n"), length_of(0)},
        {"leading zeros", post("Content-Length: 007\r\n"), length_of(7)},
        {"the field name in another case", post("content-length: 5\r\n"), length_of(5)},
        {"OWS around the value, which the parser trims", post("Content-Length: \t5 \r\n"), length_of(5)},
        {"a plus sign", post("Content-Length: +5\r\n"), refused(400)},
        {"a minus sign", post("Content-Length: -5\r\n"), refused(400)},
        {"hexadecimal", post("Content-Length: 0x10\r\n"), refused(400)},
        {"a decimal point", post("Content-Length: 5.0\r\n"), refused(400)},
        {"a space inside the number", post("Content-Length: 1 0\r\n"), refused(400)},
        {"an empty value", post("Content-Length:\r\n"), refused(400)},
        {"a unit after the number", post("Content-Length: 5 bytes\r\n"), refused(400)},
        {"2^64, one past the largest length (overflow)", post("Content-Length: 18446744073709551616\r\n"), refused(400)},
        {"far past 2^64", post("Content-Length: 99999999999999999999999\r\n"), refused(400)},
    });
}

TEST_CASE("RFC 9110 §8.6: identical Content-Length values are one length; different ones are answered 400") {
    check_framing_cases({
        {"a list of the same value", post("Content-Length: 5, 5\r\n"), length_of(5)},
        {"two field lines with the same value", post("Content-Length: 5\r\nContent-Length: 5\r\n"), length_of(5)},
        {"the same decimal value, written differently", post("Content-Length: 5, 05\r\n"), length_of(5)},
        {"a list of two values (RFC 9112 §6.3 rule 5)", post("Content-Length: 5, 6\r\n"), refused(400)},
        {"two field lines with different values", post("Content-Length: 5\r\nContent-Length: 6\r\n"), refused(400)},
        {"a list with an empty element", post("Content-Length: 5,\r\n"), refused(400)},
        {"a valid value and an invalid one", post("Content-Length: 5\r\nContent-Length: x\r\n"), refused(400)},
    });
}

TEST_CASE("RFC 9112 §6.1: a request with both Transfer-Encoding and Content-Length is answered 400 and closed") {
    check_framing_cases({
        {"Transfer-Encoding first", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), refused(400)},
        {"Content-Length first", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), refused(400)},
        {"a zero Content-Length does not excuse it", post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"), refused(400)},
        {"an invalid coding does not change it", post("Content-Length: 5\r\nTransfer-Encoding: gzip\r\n"), refused(400)},
    });
}

TEST_CASE("RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing, answered 400") {
    check_framing_cases({
        {"chunked in HTTP/1.0", post_1_0("Transfer-Encoding: chunked\r\n"), refused(400)},
    });
}

TEST_CASE("RFC 9112 §6.3 rule 4: a Transfer-Encoding whose final coding is not chunked is answered 400") {
    check_framing_cases({
        {"gzip alone", post("Transfer-Encoding: gzip\r\n"), refused(400)},
        {"chunked, then gzip", post("Transfer-Encoding: chunked, gzip\r\n"), refused(400)},
        {"chunked, then gzip on a later line", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"), refused(400)},
        {"an empty value: no coding at all", post("Transfer-Encoding:\r\n"), refused(400)},
        {"chunked with a parameter, which chunked does not have", post("Transfer-Encoding: chunked;x=1\r\n"), refused(400)},
        {"a token that only starts with chunked", post("Transfer-Encoding: chunkedx\r\n"), refused(400)},
    });
}

TEST_CASE("RFC 9112 §6.1: chunked applied more than once is answered 400") {
    check_framing_cases({
        {"chunked, chunked", post("Transfer-Encoding: chunked, chunked\r\n"), refused(400)},
        {"chunked on two lines", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), refused(400)},
        {"chunked twice around another coding", post("Transfer-Encoding: chunked, gzip, chunked\r\n"), refused(400)},
    });
}

TEST_CASE("RFC 9112 §6.1: a transfer coding other than chunked is not implemented, answered 501") {
    check_framing_cases({
        {"gzip, chunked", post("Transfer-Encoding: gzip, chunked\r\n"), refused(501)},
        {"deflate, chunked", post("Transfer-Encoding: deflate, chunked\r\n"), refused(501)},
        {"gzip on one line, chunked on the next", post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"), refused(501)},
        {"an unknown coding, then chunked", post("Transfer-Encoding: x-custom, chunked\r\n"), refused(501)},
    });
}

TEST_CASE("RFC 9110 §5.6.1: coding names compare case-insensitively, with OWS and empty elements ignored") {
    check_framing_cases({
        {"chunked", post("Transfer-Encoding: chunked\r\n"), chunked()},
        {"CHUNKED", post("Transfer-Encoding: CHUNKED\r\n"), chunked()},
        {"Chunked", post("Transfer-Encoding: Chunked\r\n"), chunked()},
        {"the field name in another case", post("transfer-encoding: chunked\r\n"), chunked()},
        {"empty elements and OWS around chunked", post("Transfer-Encoding: , \t,chunked ,\r\n"), chunked()},
        {"an empty line, then chunked", post("Transfer-Encoding:\r\nTransfer-Encoding: chunked\r\n"), chunked()},
    });
}

TEST_CASE("RFC 9110 §15.5.14: a declared length over max_body_bytes is answered 413 before the body is read") {
    check_framing_cases(
        {
            {"a length at the limit", post("Content-Length: 10\r\n"), length_of(10)},
            {"a length one over the limit", post("Content-Length: 11\r\n"), refused(413)},
            {"the largest length there is", post("Content-Length: 18446744073709551615\r\n"), refused(413)},
            {"an invalid value is 400 before it is too large",
             post("Content-Length: 11\r\nContent-Length: 12\r\n"), refused(400)},
        },
        10);
    check_framing_cases({{"2^64 - 1 fits when there is no limit", post("Content-Length: 18446744073709551615\r\n"),
                          length_of(std::numeric_limits<std::uint64_t>::max())}},
                        std::numeric_limits<std::uint64_t>::max());
}

TEST_CASE("RFC 9110 §10.1.1: Expect: 100-continue asks for a 100 before the body is sent") {
    check_expect_cases({
        {"no Expect", post("Content-Length: 5\r\n"), Expectation::none},
        {"100-continue", post("Expect: 100-continue\r\n"), Expectation::continue_100},
        {"100-Continue, in another case", post("Expect: 100-Continue\r\n"), Expectation::continue_100},
        {"the field name in another case", post("expect: 100-continue\r\n"), Expectation::continue_100},
        {"an empty Expect: no expectation", post("Expect:\r\n"), Expectation::none},
    });
}

TEST_CASE("RFC 9110 §10.1.1: any other expectation is unsupported, and will be answered 417") {
    check_expect_cases({
        {"an unknown expectation", post("Expect: something\r\n"), Expectation::unsupported},
        {"100-continue and another", post("Expect: 100-continue, other\r\n"), Expectation::unsupported},
        {"100-continue and another on a second line", post("Expect: 100-continue\r\nExpect: x=1\r\n"),
         Expectation::unsupported},
        {"100-continue with a parameter", post("Expect: 100-continue;x=1\r\n"), Expectation::unsupported},
        {"a near miss", post("Expect: 100-continued\r\n"), Expectation::unsupported},
    });
}

TEST_CASE("RFC 9110 §10.1.1: in an HTTP/1.0 request, Expect is ignored") {
    check_expect_cases({
        {"100-continue in HTTP/1.0", post_1_0("Expect: 100-continue\r\n"), Expectation::none},
        {"an unknown expectation in HTTP/1.0", post_1_0("Expect: something\r\n"), Expectation::none},
    });
}
