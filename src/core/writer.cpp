// Writer: the bytes of a response's head, and of a chunked body. writer.hpp
// says what decides each field.
#include "writer.hpp"

namespace porter {

namespace {

// name ": " value CRLF, appended in place (RFC 9112 §5).
void append_field(std::string& head, std::string_view name, std::string_view value) {
    head.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

bool may_have_body(int status) { return status >= 200 && status != 204 && status != 304; }

bool ends_by_closing(int status, Version version, std::optional<std::uint64_t> length) {
    return !length && may_have_body(status) && version == Version::http_1_0;
}

void append_head(std::string& out, const ResponseHead& head) {
    out.append("HTTP/1.1 ").append(std::to_string(head.status)).append(" ");
    out.append(reason_phrase(head.status)).append("\r\n");
    append_field(out, "Date", head.date);
    if (head.fields)
        for (const auto& [name, value] : *head.fields) append_field(out, name, value);
    if (may_have_body(head.status)) {
        if (!head.content_type.empty()) append_field(out, "Content-Type", head.content_type);
        if (head.length) append_field(out, "Content-Length", std::to_string(*head.length));
        else if (head.version == Version::http_1_1) append_field(out, "Transfer-Encoding", "chunked");
    }
    // RFC 9112 §9.6: say so when closing; §9.3: a 1.0 client must be told
    // that the connection persists.
    if (head.closing) append_field(out, "Connection", "close");
    else if (head.version == Version::http_1_0) append_field(out, "Connection", "keep-alive");
    out.append("\r\n");
}

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

ErrorAnswer default_error_answer(int status) { return {std::string(reason_phrase(status)) + "\n"}; }

std::string chunk_size_line(std::size_t size) {
    constexpr char digits[] = "0123456789abcdef";
    std::string line;
    do {
        line.insert(line.begin(), digits[size % 16]);
        size /= 16;
    } while (size != 0);
    return line.append("\r\n");
}

}  // namespace porter
