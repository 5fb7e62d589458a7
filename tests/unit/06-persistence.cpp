// Persistence: whether a request lets its connection stay open (RFC 9112 §9.3).
//
// A conformance table: a whole request head as wire bytes, then whether
// wants_keep_alive says the connection persists. Heads are fed whole: their
// splitting across reads is the parser's concern (02-parser.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parser.hpp"
#include "semantics.hpp"

using namespace porter;

namespace {

struct PersistenceCase {
    const char* label;
    std::string input;
    bool keeps_alive;
};

void check_persistence_cases(const std::vector<PersistenceCase>& cases) {
    for (const PersistenceCase& c : cases) {
        CAPTURE(std::string(c.label));
        Request request;
        REQUIRE(parse_request(c.input, Limits{}, request).status == ParseStatus::complete);
        CHECK(wants_keep_alive(request) == c.keeps_alive);
    }
}

std::string http_1_1(const std::string& fields) { return "GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n"; }
std::string http_1_0(const std::string& fields) { return "GET / HTTP/1.0\r\n" + fields + "\r\n"; }

}  // namespace

TEST_CASE("RFC 9112 §9.3: an HTTP/1.1 connection persists unless Connection lists close") {
    check_persistence_cases({
        {"no Connection field: it persists", http_1_1(""), true},
        {"Connection: close ends it", http_1_1("Connection: close\r\n"), false},
        {"Connection: keep-alive changes nothing", http_1_1("Connection: keep-alive\r\n"), true},
        {"another option alone changes nothing", http_1_1("Connection: upgrade\r\n"), true},
        {"a 1.9 request is handled as 1.1", "GET / HTTP/1.9\r\nHost: h\r\n\r\n", true},
    });
}

TEST_CASE("RFC 9112 §9.3: an HTTP/1.0 connection persists only if Connection lists keep-alive and not close") {
    check_persistence_cases({
        {"no Connection field: it closes", http_1_0(""), false},
        {"Connection: keep-alive keeps it", http_1_0("Connection: keep-alive\r\n"), true},
        {"Connection: close closes it", http_1_0("Connection: close\r\n"), false},
        {"both listed: close wins", http_1_0("Connection: keep-alive, close\r\n"), false},
        {"both on separate lines: close wins", http_1_0("Connection: keep-alive\r\nConnection: close\r\n"), false},
        {"a longer token is not keep-alive", http_1_0("Connection: keep-alive-please\r\n"), false},
    });
}

TEST_CASE("RFC 9110 §7.6.1, §5.6.1: Connection is a list of case-insensitive tokens, across field lines") {
    check_persistence_cases({
        {"close in another case", http_1_1("Connection: CLOSE\r\n"), false},
        {"keep-alive in another case", http_1_0("Connection: Keep-Alive\r\n"), true},
        {"close after another option", http_1_1("Connection: upgrade, close\r\n"), false},
        {"close before another option, without spaces", http_1_1("Connection: close,upgrade\r\n"), false},
        {"close among empty elements and OWS", http_1_1("Connection: , ,\t close \t,\r\n"), false},
        {"close on a second Connection line", http_1_1("Connection: upgrade\r\nConnection: close\r\n"), false},
        {"the field name in another case", http_1_1("connection: close\r\n"), false},
        {"a token that only starts with close", http_1_1("Connection: closed\r\n"), true},
        {"close in another field", http_1_1("X-Connection: close\r\n"), true},
        {"close in a field whose name is part of Connection", http_1_1("Connect: close\r\n"), true},
    });
}
