// text: lines, words and files, the book tool's raw material.
//
// The tool reads the book and the sources as lines and writes the book back
// byte for byte where it changed nothing: CRs and a missing final newline
// survive a round trip. Errors travel as values (Result), never exceptions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace book {

using Lines = std::vector<std::string>;

// What an operation produced, or why it could not: exactly one of the two is set.
template <typename T>
struct Result {
    std::optional<T> value;
    std::string error;
};

template <typename T>
Result<T> success(T value) {
    return Result<T>{std::move(value), {}};
}

template <typename T>
Result<T> failure(std::string message) {
    return Result<T>{std::nullopt, std::move(message)};
}

std::string_view trim(std::string_view text);
Lines words(std::string_view text);
std::optional<int> parse_number(std::string_view text);
bool starts_with_word(std::string_view text, std::string_view word);

// Splitting on '\n' alone and joining the same way gives back the exact bytes.
Lines split_lines(std::string_view text);
std::string join_lines(const Lines& lines);
// In a source file the final newline ends the last line; it does not start an
// empty one that the line numbers would count.
Lines source_lines(std::string_view text);

// Every occurrence of `from` in `text` replaced by `to`.
std::string replace_all(std::string text, std::string_view from, std::string_view to);

Result<std::string> read_file(const std::string& path);
// Writes beside `path`, then renames over it: a reader sees the old file or
// the new one, never half of one. Returns why it failed, or an empty string.
std::string write_atomically(const std::string& path, const std::string& text);

}  // namespace book
