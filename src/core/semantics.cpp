// Semantics: what a parsed head says about the rest of the exchange.
//
// Layer: core; no system calls. Everything here reads Request::fields, whose
// syntax the parser has already checked; what is left is meaning (RFC 9110
// §5.6.1 lists, §7.2 Host, §8.6 Content-Length, §10.1.1 Expect; RFC 9112 §6
// framing, §9.3 persistence).
//
// The policy, where the RFC leaves a choice:
//   - Framing is never guessed. Both Content-Length and Transfer-Encoding,
//     Content-Lengths that differ, Transfer-Encoding in HTTP/1.0: each is
//     refused with 400, because a proxy in front of us may have read the body's
//     end differently, and what it thinks is the next request would be
//     smuggled past it (RFC 9112 §11.2).
//   - Identical Content-Length values, repeated or listed, are taken as one
//     (RFC 9110 §8.6 allows either that or refusal).
#include "semantics.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "grammar.hpp"
#include "parser.hpp"

namespace porter {

namespace {

// The elements of one comma-separated field value, OWS trimmed, empty ones
// kept (RFC 9110 §5.6.1). Splitting at every comma ignores quoted strings; a
// piece of one matches no option or coding we accept, so a request that
// relies on them is refused either way.
std::vector<std::string_view> split_list(std::string_view value) {
    std::vector<std::string_view> elements;
    for (;;) {
        std::size_t comma = value.find(',');
        elements.push_back(trim_whitespace(value.substr(0, comma)));
        if (comma == std::string_view::npos) return elements;
        value.remove_prefix(comma + 1);
    }
}

// The non-empty elements of every `name` field, in order: several field lines
// with one name read as one list (RFC 9110 §5.3), and a recipient MUST ignore
// empty elements such as ", ," (§5.6.1).
std::vector<std::string_view> list_elements(const Request& request, std::string_view name) {
    std::vector<std::string_view> elements;
    for (const Field& field : request.fields)
        if (equals_ignoring_case(field.name, name))
            for (std::string_view element : split_list(field.value))
                if (!element.empty()) elements.push_back(element);
    return elements;
}

// Options and coding names are tokens, compared case-insensitively.
bool lists_token(const std::vector<std::string_view>& elements, std::string_view token) {
    return std::any_of(elements.begin(), elements.end(),
                       [&](std::string_view element) { return equals_ignoring_case(element, token); });
}

std::size_t count_fields(const Request& request, std::string_view name) {
    auto has_name = [&](const Field& field) { return equals_ignoring_case(field.name, name); };
    return static_cast<std::size_t>(std::count_if(request.fields.begin(), request.fields.end(), has_name));
}

// unreserved / sub-delims (RFC 3986 §2.2, §2.3): what a reg-name holds as is.
bool is_reg_name_char(char c) {
    if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

// pct-encoded: "%" HEXDIG HEXDIG at the start of `text` (RFC 3986 §2.1).
bool starts_with_escape(std::string_view text) {
    return text.size() >= 3 && text[0] == '%' && is_hex_digit(text[1]) && is_hex_digit(text[2]);
}

// Length of the reg-name at the start of `text` (RFC 3986 §3.2.2): its
// characters and escapes. An IPv4 address is a reg-name too, as far as its
// characters go. Stops at the first byte that cannot continue it.
std::size_t reg_name_length(std::string_view text) {
    std::size_t length = 0;
    while (length < text.size()) {
        if (starts_with_escape(text.substr(length))) length += 3;
        else if (is_reg_name_char(text[length])) length += 1;
        else break;
    }
    return length;
}

// Length of "[" IPv6address "]" at the start of `text`, or 0. Checked by its
// characters only (hex digits, colons, the dots of an embedded IPv4 address),
// not the full grammar: what matters here is that nothing else gets in.
// IPvFuture ("[v1.x]") is refused; no client sends it.
std::size_t ip_literal_length(std::string_view text) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return 0;
    std::string_view address = text.substr(1, close - 1);
    bool is_address = address.find(':') != std::string_view::npos &&
                      std::all_of(address.begin(), address.end(),
                                  [](char c) { return is_hex_digit(c) || c == ':' || c == '.'; });
    return is_address ? close + 1 : 0;
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2), port = *DIGIT (RFC 3986
// §3.2.3, so "h:" is valid). Strict because the value ends up in redirects,
// absolute URIs and logs: a Host carrying "/", "@", quotes or spaces is the
// way in for cache poisoning and forged password-reset links.
bool is_valid_host(std::string_view value) {
    if (value.empty()) return true;  // §7.2: what a client sends when the target has no authority
    std::size_t host_length = value.starts_with('[') ? ip_literal_length(value) : reg_name_length(value);
    if (host_length == 0) return false;  // ":80" names no host (RFC 9110 §4.2.1: an empty host is invalid)
    std::string_view port = value.substr(host_length);
    return port.empty() || (port[0] == ':' && std::all_of(port.begin() + 1, port.end(), is_digit));
}

Framing refuse(int status) { return {BodyFraming::none, 0, status}; }

// The one length that every Content-Length line and list element agrees on,
// or nullopt if any is not a number or two differ (RFC 9112 §6.3 rule 5: an
// unrecoverable error). "5, 5" and "05" with "5" are the same decimal value.
std::optional<std::uint64_t> read_content_length(const Request& request) {
    std::optional<std::uint64_t> length;
    for (const Field& field : request.fields) {
        if (!equals_ignoring_case(field.name, "Content-Length")) continue;
        for (std::string_view element : split_list(field.value)) {
            std::optional<std::uint64_t> value = parse_decimal(element);
            if (!value || (length && *length != *value)) return std::nullopt;
            length = value;
        }
    }
    return length;
}

Framing frame_by_length(const Request& request, std::uint64_t max_body_bytes) {
    std::optional<std::uint64_t> length = read_content_length(request);
    if (!length) return refuse(400);
    if (*length > max_body_bytes) return refuse(413);  // refused before a byte of it is read
    return {BodyFraming::length, *length, 0};
}

// Only the one coding we implement, chunked, applied once and last.
Framing frame_by_codings(const std::vector<std::string_view>& codings) {
    // §6.3 rule 4: if chunked is not the final coding, only closing the
    // connection could end the body, and a request cannot be framed that way.
    if (codings.empty() || !equals_ignoring_case(codings.back(), "chunked")) return refuse(400);
    // §6.1: a sender MUST NOT apply chunked more than once.
    auto is_chunked = [](std::string_view coding) { return equals_ignoring_case(coding, "chunked"); };
    if (std::count_if(codings.begin(), codings.end(), is_chunked) > 1) return refuse(400);
    // §6.1: "A server that receives a request message with a transfer coding
    // it does not understand SHOULD respond with 501 (Not Implemented)." We
    // decode no gzip or deflate, and a handler must not get encoded bytes.
    if (codings.size() > 1) return refuse(501);
    return {BodyFraming::chunked, 0, 0};
}

}  // namespace

int check_target(const Request& request) {
    std::string_view target = request.target;
    if (target.starts_with('/')) return 0;
    if (target == "*") return request.method == "OPTIONS" ? 0 : 400;
    // Authority-form, "host:port", is CONNECT's alone (§3.2.3). No route has
    // CONNECT, so the router answers it 501, the status for a method the
    // server does not implement (RFC 9110 §15.6.2), rather than a 400 here.
    if (request.method == "CONNECT") return 0;
    for (std::string_view scheme : {"http://", "https://"})
        if (target.size() > scheme.size() && equals_ignoring_case(target.substr(0, scheme.size()), scheme)) return 0;
    return 400;
}

int check_host(const Request& request) {
    // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without
    // Host, and to any request with more than one Host line or an invalid one.
    std::size_t hosts = count_fields(request, "Host");
    if (hosts > 1) return 400;
    if (hosts == 0) return request.version == Version::http_1_1 ? 400 : 0;
    return is_valid_host(*request.field("Host")) ? 0 : 400;
}

bool wants_keep_alive(const Request& request) {
    std::vector<std::string_view> options = list_elements(request, "Connection");
    if (lists_token(options, "close")) return false;  // RFC 9112 §9.3, either version
    return request.version == Version::http_1_1 || lists_token(options, "keep-alive");
}

Framing decide_body_framing(const Request& request, std::uint64_t max_body_bytes) {
    bool has_length = count_fields(request, "Content-Length") > 0;
    bool has_codings = count_fields(request, "Transfer-Encoding") > 0;
    // RFC 9112 §6.1: a server MAY reject a request with both, and MUST close
    // after answering it: this is the classic request-smuggling pair.
    if (has_codings && has_length) return refuse(400);
    // §6.1: Transfer-Encoding in HTTP/1.0 MUST be treated as faulty framing;
    // a 1.0 hop on the path would not have understood it.
    if (has_codings && request.version == Version::http_1_0) return refuse(400);
    if (has_codings) return frame_by_codings(list_elements(request, "Transfer-Encoding"));
    if (has_length) return frame_by_length(request, max_body_bytes);
    return {};  // §6.3 rule 7: a request with neither has no body
}

Expectation classify_expectation(const Request& request) {
    // RFC 9110 §10.1.1: a server MUST ignore 100-continue in an HTTP/1.0
    // request. Expect is an HTTP/1.1 field, so any other value is ignored too.
    if (request.version == Version::http_1_0) return Expectation::none;
    std::vector<std::string_view> expectations = list_elements(request, "Expect");
    if (expectations.empty()) return Expectation::none;
    bool only_continue = std::all_of(expectations.begin(), expectations.end(), [](std::string_view e) {
        return equals_ignoring_case(e, "100-continue");
    });
    return only_continue ? Expectation::continue_100 : Expectation::unsupported;
}

}  // namespace porter
