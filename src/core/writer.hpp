// Writer: the bytes of a response's head, and of a chunked body.
//
// Layer: core; no system calls, no clock. What a head says follows from four
// things: the status, the request's version, whether the body's length is
// known, and whether the connection closes after it. The connection decides
// those; this file turns them into bytes (RFC 9112 §4 status line, §6
// framing, §7.1 chunked; RFC 9110 §6.4.1 for the statuses with no body).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "request.hpp"
#include "status.hpp"

namespace porter {

// 1xx, 204 and 304 responses never have a body (RFC 9110 §6.4.1): their
// heads carry no Content-Type, Content-Length or Transfer-Encoding either.
bool may_have_body(int status);

using FieldList = std::vector<std::pair<std::string, std::string>>;

// What a response's head says, before its body.
struct ResponseHead {
    int status = 200;
    Version version = Version::http_1_1;    // the request's: 1.0 knows no chunked
    std::string_view date{};                // an IMF-fixdate, for the Date field
    const FieldList* fields = nullptr;      // the application's, sent as given
    std::string_view content_type{};        // "" for none
    std::optional<std::uint64_t> length{};  // none: a streamed body
    bool closing = false;                   // the connection closes after this response
};

// A streamed body (no length) in HTTP/1.1 is chunked; in HTTP/1.0 only
// closing the connection can end it (RFC 9112 §6.3, rule 8).
bool ends_by_closing(int status, Version version, std::optional<std::uint64_t> length);

// The status line, the fields and the empty line, appended to `out`: Date,
// the application's fields, then the framing, then Connection.
void append_head(std::string& out, const ResponseHead& head);

// One chunk's size line, "SIZE-IN-HEX\r\n" (RFC 9112 §7.1); the data and a
// CRLF follow it. A size of 0 would end the body: send last_chunk for that.
std::string chunk_size_line(std::size_t size);
inline constexpr std::string_view chunk_end = "\r\n";
inline constexpr std::string_view last_chunk = "0\r\n\r\n";  // and no trailer fields

}  // namespace porter
