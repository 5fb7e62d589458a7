// Request: what the parser hands the server, as views into the bytes received.
//
// Layer: core. Nothing here owns memory: every string_view points into the
// connection's input buffer, so a Request is valid only while that buffer is
// unchanged (see parse_request). Copying nothing is what keeps parsing cheap.
#pragma once

#include <string_view>
#include <vector>

namespace porter {

// One header field line, `name: value`, with the whitespace around the value
// removed (RFC 9112 §5). Names keep the case the client sent.
struct Field {
    std::string_view name;
    std::string_view value;
};

// The HTTP versions a server of 1.1 speaks. A request in HTTP/1.x with x > 1
// is handled as 1.1 (RFC 9110 §6.2); other majors are refused with 505.
enum class Version {
    http_1_0,
    http_1_1,
};

// A parsed request head: request line and header fields (RFC 9112 §2.1).
struct Request {
    std::string_view method;    // a token, case-sensitive: "GET", "POST", ...
    std::string_view target;    // as sent, e.g. "/index.html?x=1"
    Version version = Version::http_1_1;
    std::vector<Field> fields;  // in the order received
};

}  // namespace porter
