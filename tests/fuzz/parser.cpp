// Fuzzing the request parser: random heads against parse_request and a plain reference.
//
// Test code (libFuzzer, built by `make fuzz`). The input's last five bytes
// choose the Limits (FuzzedDataProvider reads numbers from the end); the rest
// is the head. Beyond "no crash, no sanitizer report", each input checks:
//   1. the verdict is one the contract allows: invalid carries 400, 414, 431
//      or 505; complete consumed a head within the input and max_header_bytes;
//   2. complete agrees with a reference recogniser written the plain way
//      (find the empty line, split the lines, check each): the parser accepts
//      exactly the heads the reference accepts, and consumes the same bytes;
//   3. a complete Request's views lie inside the input and obey the grammar
//      and the limits (request line, field count, no CR or LF in a value);
//   4. no split changes the verdict: a prefix is incomplete or has the
//      whole input's verdict (the parser sees prefixes as reads arrive).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "check.hpp"
#include "grammar.hpp"
#include "parser.hpp"

namespace {

using porter::fuzz::check;
using namespace porter;

Limits choose_limits(FuzzedDataProvider& script) {
    return Limits{.max_request_line = script.ConsumeIntegralInRange<std::size_t>(1, 8192),
                  .max_header_bytes = script.ConsumeIntegralInRange<std::size_t>(1, 16384),
                  .max_fields = script.ConsumeIntegralInRange<std::size_t>(0, 100)};
}

// --- the reference: the same grammar, spelled out without cleverness -----

bool is_reference_token(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) if (!is_tchar(c)) return false;
    return true;
}

bool is_reference_target(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) if (c <= 0x20 || c >= 0x7f) return false;
    return true;
}

// method SP target SP "HTTP/1." DIGIT: only major version 1 is served.
bool is_reference_request_line(std::string_view line, const Limits& limits) {
    if (line.size() > limits.max_request_line) return false;
    std::size_t first = line.find(' ');
    std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos) return false;
    std::string_view version = line.substr(second + 1);
    return is_reference_token(line.substr(0, first)) && is_reference_target(line.substr(first + 1, second - first - 1)) &&
           version.size() == 8 && version.starts_with("HTTP/1.") && version[7] >= '0' && version[7] <= '9';
}

bool is_reference_field_line(std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_reference_token(line.substr(0, colon))) return false;
    for (char c : line.substr(colon + 1)) {
        auto byte = static_cast<unsigned char>(c);
        if (!((byte > 0x20 && byte != 0x7f) || c == ' ' || c == '\t')) return false;
    }
    return true;
}

// The length of the valid head `input` starts with, or 0 if it has none:
// *( CRLF ) request-line CRLF *( field-line CRLF ) CRLF, within the limits.
std::size_t reference_head_length(std::string_view input, const Limits& limits) {
    std::size_t start = 0;
    while (input.substr(start, 2) == "\r\n") start += 2;
    std::size_t empty_line = input.find("\r\n\r\n", start);
    if (empty_line == std::string_view::npos || empty_line + 4 > limits.max_header_bytes) return 0;
    std::vector<std::string_view> lines;
    for (std::size_t at = start; at <= empty_line;) {
        std::size_t end = input.find("\r\n", at);
        lines.push_back(input.substr(at, end - at));
        at = end + 2;
    }
    if (lines.size() - 1 > limits.max_fields || !is_reference_request_line(lines[0], limits)) return 0;
    for (std::size_t i = 1; i < lines.size(); ++i)
        if (!is_reference_field_line(lines[i])) return 0;
    return empty_line + 4;
}

// --- the properties ------------------------------------------------------

bool is_inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_verdict(const ParseResult& result, std::string_view input, const Limits& limits) {
    if (result.status == ParseStatus::invalid) {
        int e = result.error;
        check(e == 400 || e == 414 || e == 431 || e == 505, "invalid answers 400, 414, 431 or 505");
    }
    if (result.status != ParseStatus::complete) return;
    check(result.consumed >= 4 && result.consumed <= input.size(), "complete consumed a head inside the input");
    check(result.consumed <= limits.max_header_bytes, "complete head within max_header_bytes");
    check(input.substr(result.consumed - 4, 4) == "\r\n\r\n", "a head ends with CRLF CRLF");
}

void check_request(const Request& request, std::string_view input, const Limits& limits) {
    check(is_inside(request.method, input) && is_inside(request.target, input), "method and target are views into the input");
    check(is_reference_token(request.method) && is_reference_target(request.target), "method is a token, target visible ASCII");
    const char* line_end = request.target.data() + request.target.size() + 9;  // SP "HTTP/1.x"
    check(static_cast<std::size_t>(line_end - request.method.data()) <= limits.max_request_line, "request line within max_request_line");
    check(request.fields.size() <= limits.max_fields, "fields within max_fields");
    for (const Field& field : request.fields) {
        check(is_inside(field.name, input) && is_inside(field.value, input), "fields are views into the input");
        check(is_reference_token(field.name), "a field name is a token");
        check(field.value.find_first_of("\r\n") == std::string_view::npos, "a field value holds no CR or LF");
        check(field.value == trim_whitespace(field.value), "a field value is trimmed");
    }
}

bool same_verdict(const ParseResult& a, const ParseResult& b) {
    return a.status == b.status && a.error == b.error && a.consumed == b.consumed;
}

// What the parser says of the first `length` bytes, read into a copy of
// their own (as a read would), so ASan sees any look past the end.
ParseResult parse_prefix(std::string_view input, std::size_t length, const Limits& limits) {
    std::string received(input.substr(0, length));
    Request request;
    return parse_request(received, limits, request);
}

void check_prefix(std::string_view input, std::size_t length, const ParseResult& whole, const Limits& limits) {
    ParseResult prefix = parse_prefix(input, length, limits);
    check(prefix.status == ParseStatus::incomplete || same_verdict(prefix, whole),
          "a prefix is incomplete or has the whole input's verdict");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider script(data, size);
    Limits limits = choose_limits(script);
    std::string input = script.ConsumeRemainingBytesAsString();

    Request request;
    ParseResult result = parse_request(input, limits, request);
    check_verdict(result, input, limits);
    std::size_t reference = reference_head_length(input, limits);
    check((result.status == ParseStatus::complete) == (reference != 0), "the parser accepts what the reference accepts");
    if (result.status == ParseStatus::complete) {
        check(result.consumed == reference, "the parser and the reference agree where the head ends");
        check_request(request, input, limits);
        check_prefix(input, result.consumed, result, limits);
        if (result.consumed > 0) check_prefix(input, result.consumed - 1, result, limits);
    }
    if (!input.empty()) check_prefix(input, input.size() - 1, result, limits);
    check_prefix(input, input.size() / 2, result, limits);
    return 0;
}
