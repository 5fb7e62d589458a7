// Request: what the parser and the router hand a handler.
//
// Layer: core. The method, target and fields are views into the head's bytes,
// which serve() keeps until the response has been sent. The route parameters
// (`:name` ones percent-decoded, a `*name` one as sent) are owned here.
//
// Not yet: a body — chapter 07.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// A parsed request: its head (RFC 9112 §2.1), then what the server adds.
struct Request {
    std::string_view method;    // a token, case-sensitive: "GET", "POST", ...
    std::string_view target;    // as sent, e.g. "/files/a%20b.txt?x=1"
    Version version = Version::http_1_1;
    std::vector<Field> fields;  // in the order received

    std::vector<std::pair<std::string, std::string>> params;  // from the route: ":name" → value

    // The value of the first field called `name`, compared case-insensitively
    // (RFC 9110 §5.1), or nullopt when there is none.
    std::optional<std::string_view> field(std::string_view name) const;

    // The target's path: everything before '?', still percent-encoded; for
    // an absolute-form target ("http://host/a?b"), the part after the host.
    std::string_view path() const;
    // The target's query: everything after the first '?', or "".
    std::string_view query() const;
    // A route parameter by name ("name" for a route "/hello/:name"), or "".
    std::string_view param(std::string_view name) const;
};

}  // namespace porter
