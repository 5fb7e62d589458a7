// Grammar: tokens, whitespace, field values and digits (grammar.hpp).
//
// Layer: core; pure functions.
#include "grammar.hpp"

#include <algorithm>

namespace porter {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) { return hex_digit_value(c).has_value(); }

std::optional<int> hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return std::nullopt;
}

bool is_tchar(char c) {
    if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::size_t token_length(std::string_view text) {
    return static_cast<std::size_t>(std::find_if_not(text.begin(), text.end(), is_tchar) - text.begin());
}

bool is_token(std::string_view text) { return !text.empty() && token_length(text) == text.size(); }

bool is_whitespace(char c) { return c == ' ' || c == '\t'; }

std::size_t whitespace_length(std::string_view text) {
    return static_cast<std::size_t>(std::find_if_not(text.begin(), text.end(), is_whitespace) - text.begin());
}

std::string_view trim_whitespace(std::string_view text) {
    text.remove_prefix(whitespace_length(text));
    while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
    return text;
}

bool is_field_value_char(char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte > 0x20 && byte != 0x7f) || is_whitespace(c);
}

bool is_field_value(std::string_view text) { return std::all_of(text.begin(), text.end(), is_field_value_char); }

namespace {

// Not std::tolower: that follows the C locale, and is undefined for the
// negative chars that obs-text bytes become. Field names and tokens are ASCII.
char to_lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    auto same = [](char x, char y) { return to_lower_ascii(x) == to_lower_ascii(y); };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same);
}

}  // namespace porter
