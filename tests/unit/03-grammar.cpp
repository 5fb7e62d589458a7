// The small rules of HTTP's grammar, written once (grammar.hpp), checked
// against the RFCs' ABNF byte by byte: RFC 9110 §5.6.2 (tchar), §5.6.3 (OWS),
// §5.5 (field values), RFC 5234 B.1 (DIGIT, HEXDIG).
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "grammar.hpp"

using namespace porter;

namespace {

// The ABNF's sets, spelled out as the RFCs write them.
bool abnf_alpha(unsigned b) { return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'); }
bool abnf_digit(unsigned b) { return b >= '0' && b <= '9'; }
bool abnf_tchar(unsigned b) {
    return abnf_alpha(b) || abnf_digit(b) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(b)) != std::string_view::npos;
}
// field-vchar = VCHAR / obs-text; a value may also hold SP and HTAB.
bool abnf_field_value_char(unsigned b) { return (b >= 0x21 && b <= 0x7e) || b >= 0x80 || b == ' ' || b == '\t'; }

}  // namespace

TEST_CASE("each byte is a tchar, a DIGIT, a HEXDIG, whitespace or a field-value character exactly as the ABNF says") {
    for (unsigned b = 0; b < 256; ++b) {
        CAPTURE(b);
        char c = static_cast<char>(b);
        CHECK(is_tchar(c) == abnf_tchar(b));
        CHECK(is_digit(c) == abnf_digit(b));
        bool hex = abnf_digit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
        CHECK(is_hex_digit(c) == hex);
        CHECK(hex_digit_value(c).has_value() == hex);
        CHECK(is_whitespace(c) == (b == ' ' || b == '\t'));
        CHECK(is_field_value_char(c) == abnf_field_value_char(b));
    }
    CHECK(hex_digit_value('0') == 0);
    CHECK(hex_digit_value('9') == 9);
    CHECK(hex_digit_value('a') == 10);
    CHECK(hex_digit_value('F') == 15);
}

TEST_CASE("tokens and whitespace: lengths at the start, trimming at both ends") {
    CHECK(token_length("GET /") == 3);
    CHECK(token_length(" GET") == 0);
    CHECK(token_length("x-y_z~") == 6);
    CHECK(is_token("chunked"));
    CHECK_FALSE(is_token(""));
    CHECK_FALSE(is_token("a b"));
    CHECK_FALSE(is_token("a:b"));
    CHECK(whitespace_length(" \t x") == 3);
    CHECK(whitespace_length("x") == 0);
    CHECK(whitespace_length(" \t") == 2);
    CHECK(trim_whitespace(" \t a b \t") == "a b");
    CHECK(trim_whitespace(" \t ").empty());
    CHECK(trim_whitespace("\r a") == "\r a");  // CR is not whitespace here: the parser refuses it
}

TEST_CASE("a field value refuses CR, LF, NUL and DEL anywhere, and takes obs-text") {
    CHECK(is_field_value(""));
    CHECK(is_field_value("text/html; charset=\"utf-8\"\t"));
    CHECK(is_field_value("caf\xc3\xa9"));
    CHECK_FALSE(is_field_value("a\r\nSet-Cookie: x"));
    CHECK_FALSE(is_field_value("a\nb"));
    CHECK_FALSE(is_field_value(std::string("a\0b", 3)));
    CHECK_FALSE(is_field_value("a\x7f"));
}

TEST_CASE("case-insensitive for ASCII letters only: obs-text bytes are compared as they are") {
    CHECK(equals_ignoring_case("Content-Length", "content-LENGTH"));
    CHECK_FALSE(equals_ignoring_case("Content-Length", "Content-Lengt"));
    CHECK_FALSE(equals_ignoring_case("a", "b"));
    CHECK_FALSE(equals_ignoring_case("\xc0", "\xe0"));  // À and à in Latin-1: not ASCII, not folded
    CHECK_FALSE(equals_ignoring_case("[", "{"));  // 0x5b and 0x7b differ by the case bit, but are not letters
}
