// Grammar: tokens, whitespace, field values and digits (grammar.hpp).
//
// Layer: core; pure functions.
#include "grammar.hpp"

#include <algorithm>

namespace porter {

bool is_hex_digit(char c) { return hex_digit_value(c).has_value(); }

std::optional<int> hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return std::nullopt;
}

std::size_t token_length(std::string_view text) {
    return span_of<is_tchar>(text);
}

bool is_token(std::string_view text) { return !text.empty() && token_length(text) == text.size(); }

std::size_t whitespace_length(std::string_view text) {
    return span_of<is_whitespace>(text);
}

std::string_view trim_whitespace(std::string_view text) {
    text.remove_prefix(whitespace_length(text));
    while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
    return text;
}

bool is_field_value(std::string_view text) { return span_of<is_field_value_char>(text) == text.size(); }

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
