// Parser: bytes in, a Request or a verdict out. Strict HTTP/1.1 (RFC 9112).
//
// Layer: core; no system calls. Each parse_* function takes the input that is
// left and returns a ParseResult: how many bytes it used and its verdict.
//
// The policy, where the RFC leaves a choice:
//   - Lines end in CR LF. A bare LF, which RFC 9112 §2.2 lets a recipient
//     accept, is refused with 400: servers and proxies that disagree about
//     where a line ends can be made to disagree about where a request ends.
//   - Exactly one space between the parts of the request line (§3), no
//     whitespace between a field name and its colon (§5.1), no obs-fold (§5.2):
//     each is refused with 400, never repaired.
//   - Empty lines before the request line are skipped (§2.2).
#include "parser.hpp"

#include "grammar.hpp"

namespace porter {

namespace {

// #region char_classes
// A request-target is visible ASCII, no spaces or controls (RFC 9112 §3.2).
// Tokens and field values are grammar.hpp's: the response checks them too.
bool is_target_char(char c) { return c > 0x20 && c < 0x7f; }
// #endregion char_classes

// #region verdicts
ParseResult invalid(int status) { return {ParseStatus::invalid, 0, status}; }
ParseResult incomplete() { return {ParseStatus::incomplete, 0, 0}; }
ParseResult complete(std::size_t consumed) { return {ParseStatus::complete, consumed, 0}; }
// #endregion verdicts

// #region parse_version
// "HTTP/" DIGIT "." DIGIT CRLF, compared a byte at a time so that a prefix is
// "incomplete" and the first wrong byte is "invalid" (RFC 9112 §2.3).
ParseResult parse_version(std::string_view rest, Version& version) {
    constexpr std::string_view pattern = "HTTP/9.9\r\n";  // 9 stands for any digit
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (i == rest.size()) return incomplete();
        bool matches = pattern[i] == '9' ? rest[i] >= '0' && rest[i] <= '9' : rest[i] == pattern[i];
        if (!matches) return invalid(400);
    }
    if (rest[5] != '1') return invalid(505);  // HTTP/0.9, HTTP/2.0: not over this syntax
    version = rest[7] == '0' ? Version::http_1_0 : Version::http_1_1;
    return complete(pattern.size());
}
// #endregion parse_version

// #region parse_request_line
// method SP request-target SP HTTP-version CRLF (RFC 9112 §3).
ParseResult parse_request_line(std::string_view rest, const Limits& limits, Request& request) {
    // Look no further than the longest line we accept: running out of this
    // window means the line is too long, whatever follows.
    std::string_view line = rest.substr(0, limits.max_request_line + 2);
    auto out_of_line = [&] { return line.size() < limits.max_request_line + 2 ? incomplete() : invalid(414); };

    std::size_t method_length = token_length(line);
    if (method_length == line.size()) return out_of_line();
    if (method_length == 0 || line[method_length] != ' ') return invalid(400);
    request.method = line.substr(0, method_length);

    std::string_view after_method = line.substr(method_length + 1);
    std::size_t target_length = span_of<is_target_char>(after_method);
    if (target_length == after_method.size()) return out_of_line();
    if (target_length == 0 || after_method[target_length] != ' ') return invalid(400);
    request.target = after_method.substr(0, target_length);

    std::size_t version_start = method_length + 1 + target_length + 1;
    ParseResult version = parse_version(line.substr(version_start), request.version);
    if (version.status == ParseStatus::incomplete) return out_of_line();
    if (version.status == ParseStatus::invalid) return version;
    return complete(version_start + version.consumed);
}
// #endregion parse_request_line

// #region parse_field_line
// field-name ":" OWS field-value OWS CRLF (RFC 9112 §5). A line that starts
// with whitespace is obs-fold, or whitespace before the first field: both 400.
ParseResult parse_field_line(std::string_view rest, Request& request) {
    std::size_t name_length = token_length(rest);
    if (name_length == rest.size()) return incomplete();
    // Anything but a colon right after the name, including a space (§5.1: a
    // proxy might strip it and see a different field than we do), is a 400.
    if (name_length == 0 || rest[name_length] != ':') return invalid(400);

    std::string_view after_colon = rest.substr(name_length + 1);
    std::size_t value_length = span_of<is_field_value_char>(after_colon);
    std::string_view line_end = after_colon.substr(value_length);  // what stopped the value
    if (line_end.empty() || line_end == "\r") return incomplete();
    if (!line_end.starts_with("\r\n")) return invalid(400);  // a control, NUL, bare CR or LF

    request.fields.push_back({rest.substr(0, name_length), trim_whitespace(after_colon.substr(0, value_length))});
    return complete(name_length + 1 + value_length + 2);
}
// #endregion parse_field_line

}  // namespace

// #region parse_request
ParseResult parse_request(std::string_view input, const Limits& limits, Request& request) {
    request = Request{};
    // Nothing past max_header_bytes is looked at; if the head has not ended
    // within it, the answer is 431 however the rest would have parsed.
    std::string_view head = input.substr(0, limits.max_header_bytes);
    auto out_of_head = [&] { return input.size() > head.size() ? invalid(431) : incomplete(); };

    std::size_t position = 0;
    while (head.substr(position).starts_with("\r\n")) position += 2;  // §2.2
    // A CR at the very end may be the first half of a CR LF: wait for the next byte.
    if (head.substr(position) == "\r") return out_of_head();

    ParseResult line = parse_request_line(head.substr(position), limits, request);
    if (line.status == ParseStatus::incomplete) return out_of_head();
    if (line.status == ParseStatus::invalid) return line;
    position += line.consumed;

    for (;;) {
        std::string_view rest = head.substr(position);
        if (rest.starts_with("\r\n")) return complete(position + 2);
        if (rest.empty() || rest == "\r") return out_of_head();  // the end, or half of it
        ParseResult field = parse_field_line(rest, request);
        if (field.status == ParseStatus::incomplete) return out_of_head();
        if (field.status == ParseStatus::invalid) return field;
        position += field.consumed;
    }
}
// #endregion parse_request

}  // namespace porter
