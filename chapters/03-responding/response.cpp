// Response: what a handler answers, and the bytes that carry it to the client.
//
// Layer: core. The one place that knows how a response looks on the wire
// (RFC 9112 §4 to §6): what the handler says is kept as it says it, and
// serialize() writes it out, the same way for every status.
#include "response.hpp"

#include "grammar.hpp"
#include "request.hpp"

namespace porter {

namespace {

// 1xx, 204 and 304 never carry a body (RFC 9110 §15.2, §15.3.5, §15.4.5), so
// the fields that describe one would describe nothing.
bool may_have_body(int status) { return status >= 200 && status != 204 && status != 304; }

}  // namespace

// #region set_field
bool Response::set_field(std::string_view name, std::string_view value) {
    if (is_finished() || !is_token(name) || !is_field_value(value)) return false;
    // Content-Type goes with the body (an argument of send); a second one here
    // would make two, which RFC 9110 §5.3 forbids for a singleton field.
    for (std::string_view reserved : {"Date", "Content-Length", "Transfer-Encoding", "Connection", "Content-Type"})
        if (equals_ignoring_case(name, reserved)) return false;
    fields_.emplace_back(name, value);
    return true;
}
// #endregion set_field

// #region send
bool Response::text(int status, std::string body) {
    return send(status, std::move(body), "text/plain; charset=utf-8");
}

// A handler gives a final status, 200 to 599: a 1xx is not an answer, and
// anything else is not a status line. The type goes on the wire as a field
// value, so it is held to set_field's rule: no CR LF smuggled in with it.
bool Response::send(int status, std::string body, std::string_view content_type) {
    if (is_finished() || status < 200 || status > 599 || !is_field_value(content_type)) return false;
    status_ = status;
    content_type_ = content_type;
    body_ = std::move(body);
    return true;
}

bool Response::empty(int status) { return send(status, "", ""); }
// #endregion send

// #region serialize
std::string Response::serialize(std::string_view date, bool head_only) const {
    std::string out = "HTTP/1.1 " + std::to_string(status_) + " ";
    out += reason_phrase(status_);
    out += "\r\nDate: " + std::string(date) + "\r\n";
    for (const auto& [name, value] : fields_) out += name + ": " + value + "\r\n";
    if (may_have_body(status_)) {
        if (!content_type_.empty()) out += "Content-Type: " + content_type_ + "\r\n";
        out += "Content-Length: " + std::to_string(body_.size()) + "\r\n";
    }
    // RFC 9112 §9.6: a server that does not keep connections open MUST say
    // "close" in every response. This stage closes after each one; chapter
    // 06 keeps connections open.
    out += "Connection: close\r\n\r\n";
    if (may_have_body(status_) && !head_only) out += body_;
    return out;
}
// #endregion serialize

// #region reason_phrase
std::string_view reason_phrase(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    }
    return "";
}
// #endregion reason_phrase

}  // namespace porter
