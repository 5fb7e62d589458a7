// Chunked decoder: a chunked request body in, its data out (RFC 9112 §7.1).
//
// Layer: core; no system calls. The grammar it reads (§7.1, §7.1.1):
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//   chunk-ext    = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
//
// Lines (a size line, a trailer line, the CRLF after data) are gathered whole,
// across calls if need be, then checked; data is copied as it arrives. So a
// malformed line is refused when it ends or overruns its cap, not at its first
// bad byte: the wait is bounded by the cap, and checking a line whole keeps
// its grammar in one function. As in the parser, a bare LF is refused (400).
#include "chunked.hpp"

#include <charconv>
#include <optional>

#include "grammar.hpp"

namespace porter {

namespace {

ParseResult invalid(int status) { return {ParseStatus::invalid, 0, status}; }
// A step used every one of the `consumed` bytes it was given, and needs more.
ParseResult used_all(std::size_t consumed) { return {ParseStatus::incomplete, consumed, 0}; }
// A step finished its part of the grammar after `consumed` bytes.
ParseResult finished(std::size_t consumed) { return {ParseStatus::complete, consumed, 0}; }

// Appends the bytes of `input` up to its first LF to `line`, taking at most
// `budget` bytes (the LF included). complete: `line` holds the whole line,
// ending in LF; incomplete: all of `input` went into `line`; invalid, 400:
// the budget ran out before the LF.
ParseResult gather_line(std::string_view input, std::size_t budget, std::string& line) {
    std::string_view window = input.substr(0, budget);
    std::size_t lf = window.find('\n');
    if (lf == std::string_view::npos) {
        line.append(window);
        return window.size() == budget ? invalid(400) : used_all(window.size());
    }
    line.append(window.substr(0, lf + 1));
    return finished(lf + 1);
}

// A gathered line without its CRLF, or nullopt if it ends in a bare LF: RFC
// 9112 §2.2 lets a recipient accept one, but two parsers that disagree on
// where a line ends can be made to disagree on where a body ends.
std::optional<std::string_view> strip_crlf(std::string_view line) {
    if (!line.ends_with("\r\n")) return std::nullopt;
    return line.substr(0, line.size() - 2);
}

// Length of the quoted-string at the start of `text`, or 0 if none is whole:
// DQUOTE *( qdtext / quoted-pair ) DQUOTE.
std::size_t quoted_string_length(std::string_view text) {
    if (!text.starts_with('"')) return 0;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] == '"') return i + 1;
        if (text[i] == '\\') ++i;  // quoted-pair: the next byte stands for itself
        if (i == text.size() || !is_field_value_char(text[i])) return 0;  // qdtext, quoted-pair: §5.6.4
    }
    return 0;
}

// Length of one BWS ";" BWS name [ BWS "=" BWS value ] at the start of
// `text`, or 0 if it is malformed.
std::size_t extension_length(std::string_view text) {
    std::size_t position = whitespace_length(text);
    if (text.substr(position, 1) != ";") return 0;
    position += 1 + whitespace_length(text.substr(position + 1));
    std::size_t name = token_length(text.substr(position));
    if (name == 0) return 0;
    position += name;
    std::size_t equals = position + whitespace_length(text.substr(position));
    if (text.substr(equals, 1) != "=") return position;  // a name alone
    std::size_t value_start = equals + 1 + whitespace_length(text.substr(equals + 1));
    std::string_view value = text.substr(value_start);
    std::size_t value_length = value.starts_with('"') ? quoted_string_length(value) : token_length(value);
    return value_length == 0 ? 0 : value_start + value_length;
}

// chunk-ext, checked and ignored: §7.1.1 says a recipient MUST ignore
// extensions it does not understand, and we understand none.
bool is_valid_extensions(std::string_view text) {
    while (!text.empty()) {
        std::size_t length = extension_length(text);
        if (length == 0) return false;
        text.remove_prefix(length);
    }
    return true;
}

// chunk-size [ chunk-ext ], the line without CRLF: the size, or nullopt if
// the line is malformed or the size does not fit in 64 bits. from_chars in
// base 16 takes hex digits only: no sign, no "0x", no space.
std::optional<std::uint64_t> parse_size_line(std::string_view line) {
    std::uint64_t size = 0;
    const char* end = line.data() + line.size();
    auto [stop, error] = std::from_chars(line.data(), end, size, 16);
    if (error != std::errc()) return std::nullopt;  // no digit at all, or past 2^64 - 1
    if (!is_valid_extensions(line.substr(static_cast<std::size_t>(stop - line.data())))) return std::nullopt;
    return size;
}

}  // namespace

ChunkedDecoder::ChunkedDecoder(ChunkedLimits limits) : limits_(limits) {}

ParseResult ChunkedDecoder::decode(std::string_view input, std::string& body) {
    std::size_t position = 0;
    for (;;) {
        ParseResult step = decode_step(input.substr(position), body);
        if (step.status == ParseStatus::invalid) {
            state_ = State::failed;
            error_ = step.error;
            return step;
        }
        position += step.consumed;
        if (step.status == ParseStatus::incomplete) return used_all(position);
        if (state_ == State::done) return finished(position);
    }
}

// One state's work on the input that is left. Each step either consumes
// bytes, moves to another state, or asks for more, so decode() always ends.
ParseResult ChunkedDecoder::decode_step(std::string_view input, std::string& body) {
    switch (state_) {
    case State::size_line: return read_size_line(input);
    case State::data: return read_data(input, body);
    case State::data_end: return read_data_end(input);
    case State::trailer: return read_trailer_line(input);
    case State::done: return finished(0);
    case State::failed: return invalid(error_);
    }
    return invalid(500);  // not reached: every State has its case above
}

ParseResult ChunkedDecoder::read_size_line(std::string_view input) {
    ParseResult line = gather_line(input, limits_.max_line_bytes + 2 - line_.size(), line_);
    if (line.status != ParseStatus::complete) return line;
    std::optional<std::string_view> text = strip_crlf(line_);
    std::optional<std::uint64_t> size = text ? parse_size_line(*text) : std::nullopt;
    if (!size) return invalid(400);
    // Checked against the size announced, so a body too large is refused
    // before any of its data is read, let alone stored.
    if (*size > limits_.max_body_bytes - body_bytes_) return invalid(413);
    body_bytes_ += *size;
    remaining_ = *size;
    line_.clear();
    state_ = *size == 0 ? State::trailer : State::data;
    return finished(line.consumed);
}

ParseResult ChunkedDecoder::read_data(std::string_view input, std::string& body) {
    std::size_t length = remaining_ < input.size() ? static_cast<std::size_t>(remaining_) : input.size();
    body.append(input.substr(0, length));
    remaining_ -= length;
    if (remaining_ > 0) return used_all(length);
    state_ = State::data_end;
    return finished(length);
}

// Exactly CRLF, in a budget of two bytes: a chunk longer than its size line
// said is refused here, never read as the next size line.
ParseResult ChunkedDecoder::read_data_end(std::string_view input) {
    ParseResult line = gather_line(input, 2 - line_.size(), line_);
    if (line.status != ParseStatus::complete) return line;
    if (line_ != "\r\n") return invalid(400);
    line_.clear();
    state_ = State::size_line;
    return finished(line.consumed);
}

// A trailer field line, checked by the parser's own rules and then dropped
// (§7.1.2: a recipient MAY discard trailer fields); or the empty line that
// ends the body.
ParseResult ChunkedDecoder::read_trailer_line(std::string_view input) {
    std::size_t budget = limits_.max_trailer_bytes - trailer_bytes_ - line_.size();
    ParseResult line = gather_line(input, budget, line_);
    if (line.status != ParseStatus::complete) return line;
    trailer_bytes_ += line_.size();
    bool is_last = line_ == "\r\n";
    Field discarded;
    if (!is_last && parse_field_line(line_, discarded).status != ParseStatus::complete) return invalid(400);
    state_ = is_last ? State::done : State::trailer;
    line_.clear();
    return finished(line.consumed);
}

}  // namespace porter
