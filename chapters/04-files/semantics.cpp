// Semantics: what a parsed head says about the request, beyond its syntax.
//
// Layer: core; no system calls. Everything here reads Request's fields and
// target, whose syntax the parser has already checked; what is left is
// meaning: which target forms a server takes (RFC 9112 §3.2) and whether the
// Host names a host (§3.2, RFC 9110 §7.2).
//
// Not yet: persistence (§9.3) — chapter 06; body framing (§6) and Expect
// (RFC 9110 §10.1.1) — chapter 07.
#include "semantics.hpp"

#include <algorithm>
#include <string_view>

#include "grammar.hpp"

namespace porter {

namespace {

std::size_t count_fields(const Request& request, std::string_view name) {
    auto has_name = [&](const Field& field) { return equals_ignoring_case(field.name, name); };
    return static_cast<std::size_t>(std::count_if(request.fields.begin(), request.fields.end(), has_name));
}

// #region host
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
// #endregion host

}  // namespace

// #region checks
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
// #endregion checks

}  // namespace porter
