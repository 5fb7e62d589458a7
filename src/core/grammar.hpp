// Grammar: the small rules of HTTP's ABNF that more than one part of the core
// needs, each written once, under one name.
//
// Layer: core; pure functions. The parser, the chunked decoder, the
// semantics, the validators and a handler's fields (response.cpp) all read
// tokens, whitespace, field values and numbers; if each had its own version,
// a byte could be a token character in one place and not in another — the
// kind of disagreement request smuggling lives on. RFC 9110 §5.5 and §5.6,
// and RFC 5234 appendix B for DIGIT and HEXDIG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace porter {

// The character classes are inline: the parser asks them about every byte
// of every head, and a call per byte would cost more than the test.

// The length of the run of characters at the start of `text` that pass
// `is_allowed`. The test is a template argument, not a pointer, so that it is
// inlined into the loop: a call per byte would cost more than the test.
template <bool (*is_allowed)(char)>
std::size_t span_of(std::string_view text) {
    std::size_t length = 0;
    while (length < text.size() && is_allowed(text[length])) ++length;
    return length;
}

// DIGIT, HEXDIG, and a hex digit's value (RFC 5234 B.1; HEXDIG either case).
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c);
std::optional<int> hex_digit_value(char c);

// tchar: a character of a token, such as a method, a field name or a
// transfer coding (RFC 9110 §5.6.2); a token is 1*tchar.
inline bool is_tchar(char c) {
    if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
std::size_t token_length(std::string_view text);  // the tchars at the start of `text`
bool is_token(std::string_view text);

// OWS and BWS: spaces and tabs (RFC 9110 §5.6.3).
inline bool is_whitespace(char c) { return c == ' ' || c == '\t'; }
std::size_t whitespace_length(std::string_view text);  // at the start of `text`
std::string_view trim_whitespace(std::string_view text);  // at both ends

// A field value's characters (RFC 9110 §5.5): visible ASCII, obs-text,
// spaces and tabs; never CR, LF, NUL or another control. Quoted strings hold
// the same (§5.6.4). A value with CR or LF would let one field inject others.
inline bool is_field_value_char(char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte > 0x20 && byte != 0x7f) || is_whitespace(c);
}
bool is_field_value(std::string_view text);

// ASCII case-insensitive comparison, as field names and tokens need.
bool equals_ignoring_case(std::string_view a, std::string_view b);

// 1*DIGIT. Two policies for a number too big for 64 bits, each named:
// parse_decimal refuses it (a Content-Length that large is an error);
// parse_decimal_saturating makes it 2^64 - 1 (a Range position past the end
// of any file means the same whatever its exact value). Both refuse an empty
// text, a sign, spaces, and anything that is not a digit.
std::optional<std::uint64_t> parse_decimal(std::string_view text);
std::optional<std::uint64_t> parse_decimal_saturating(std::string_view text);

}  // namespace porter
