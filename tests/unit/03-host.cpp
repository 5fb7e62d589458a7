// Host: which requests name their host acceptably (RFC 9112 §3.2, RFC 9110 §7.2).
//
// A conformance table: a whole request head as wire bytes, then check_host's
// verdict (0 or 400). Heads are fed whole: how a head may be split across
// reads is the parser's concern (02-parser.cpp), and check_host only ever
// sees a complete one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parser.hpp"
#include "semantics.hpp"

using namespace porter;

namespace {

struct HostCase {
    const char* label;
    std::string input;
    int error;  // 0: accepted
};

void check_host_cases(const std::vector<HostCase>& cases) {
    for (const HostCase& c : cases) {
        CAPTURE(std::string(c.label));
        Request request;
        REQUIRE(parse_request(c.input, Limits{}, request).status == ParseStatus::complete);
        CHECK(check_host(request) == c.error);
    }
}

std::string get_with_host(const std::string& value) { return "GET / HTTP/1.1\r\nHost: " + value + "\r\n\r\n"; }

}  // namespace

TEST_CASE("RFC 9112 §3.2: an HTTP/1.1 request without a Host field is answered 400") {
    check_host_cases({
        {"a 1.1 request with Host is accepted", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", 0},
        {"a 1.1 request without Host is refused", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400},
        {"a 1.9 request is handled as 1.1 and needs Host too", "GET / HTTP/1.9\r\n\r\n", 400},
        {"a field whose name merely starts with Host is not Host", "GET / HTTP/1.1\r\nHostname: a\r\n\r\n", 400},
        {"a field whose name is part of Host is not Host", "GET / HTTP/1.1\r\nHos: a\r\n\r\n", 400},
        {"the field name matches in any case", "GET / HTTP/1.1\r\nhOST: example.com\r\n\r\n", 0},
    });
}

TEST_CASE("RFC 9112 §3.2: an HTTP/1.0 request may omit Host, but what it sends is still checked") {
    check_host_cases({
        {"a 1.0 request without Host is accepted", "GET / HTTP/1.0\r\n\r\n", 0},
        {"a 1.0 request with a valid Host is accepted", "GET / HTTP/1.0\r\nHost: example.com\r\n\r\n", 0},
        {"a 1.0 request with an invalid Host is refused", "GET / HTTP/1.0\r\nHost: a/b\r\n\r\n", 400},
    });
}

TEST_CASE("RFC 9112 §3.2: a request with more than one Host field line is answered 400, in any version") {
    check_host_cases({
        {"two identical Host lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400},
        {"two different Host lines", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"two Host lines whose names differ only in case", "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", 400},
        {"two Host lines in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400},
        {"two Host lines apart", "GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nHost: a\r\n\r\n", 400},
    });
}

TEST_CASE("RFC 9110 §7.2: a Host value is uri-host, optionally followed by a colon and a port") {
    check_host_cases({
        {"a registered name", get_with_host("example.com"), 0},
        {"a registered name with a port", get_with_host("example.com:8080"), 0},
        {"an IPv4 address", get_with_host("127.0.0.1"), 0},
        {"an IPv4 address with a port", get_with_host("127.0.0.1:80"), 0},
        {"an IPv6 literal in brackets", get_with_host("[::1]"), 0},
        {"an IPv6 literal with a port", get_with_host("[2001:db8::1]:8080"), 0},
        {"an IPv6 literal ending in an IPv4 address", get_with_host("[::ffff:192.0.2.1]"), 0},
        {"a name with every unreserved character", get_with_host("a-b.c_d~e9"), 0},
        {"a name with sub-delims (RFC 3986 §3.2.2)", get_with_host("a!$&'()*+,;=b"), 0},
        {"a percent-encoded byte", get_with_host("%41bc.example"), 0},
        {"an empty port, which port = *DIGIT allows (RFC 3986 §3.2.3)", get_with_host("example.com:"), 0},
    });
}

TEST_CASE("RFC 9112 §3.2: a Host value that is not uri-host [ \":\" port ] is answered 400") {
    check_host_cases({
        {"a path after the name", get_with_host("example.com/admin"), 400},
        {"userinfo before the name", get_with_host("user@example.com"), 400},
        {"a space inside the value", get_with_host("example .com"), 400},
        {"a double quote", get_with_host("exa\"mple.com"), 400},
        {"UTF-8 instead of an A-label", get_with_host("ex\xc3\xa4mple.com"), 400},
        {"a port with a letter", get_with_host("example.com:80a"), 400},
        {"a negative port", get_with_host("example.com:-1"), 400},
        {"two ports", get_with_host("example.com:80:80"), 400},
        {"a port and no host", get_with_host(":80"), 400},
        {"a bad percent-encoding", get_with_host("%zz.example"), 400},
        {"a truncated percent-encoding", get_with_host("example%4"), 400},
        {"an IPv6 literal without brackets", get_with_host("::1"), 400},
        {"an IPv6 literal without its closing bracket", get_with_host("[::1"), 400},
        {"empty brackets", get_with_host("[]"), 400},
        {"an IPv4 address in brackets", get_with_host("[127.0.0.1]"), 400},
        {"IPvFuture, which no client sends", get_with_host("[v1.fe]"), 400},
        {"something after the brackets", get_with_host("[::1]x"), 400},
        {"a list of two hosts", get_with_host("a.example, b.example"), 400},
    });
}

TEST_CASE("RFC 9110 §7.2: an empty Host is accepted, as sent for a target with no authority") {
    check_host_cases({
        {"an empty value", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 0},
        {"only whitespace, which the parser trims away", "GET / HTTP/1.1\r\nHost:   \r\n\r\n", 0},
    });
}
