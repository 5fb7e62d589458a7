// Request: what the parser and the connection hand a handler.
//
// Layer: core, and part of the API. The method, target and fields are views
// into the head's bytes, which the connection keeps until the response is
// finished or the client goes (on_close) — whichever comes first. A handler
// that answers later must copy what it needs before it returns. The body, once decoded (chunked or
// not), and the route parameters are owned here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "form.hpp"

namespace porter {

// The client's mistake, found by the application: a handler that throws
// this gets 400 sent for it, shaped by error_answer like the server's own,
// rather than 500, and on_error is not told, since nothing in the
// application failed. query_param throws it for a query that cannot be
// decoded. Thrown after the answer was given, or from a posted task (which
// runs with no request to blame), it is a failure like any other: work done
// later answers its own 400.
struct BadRequest : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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

    std::string body;  // the body as sent, after chunked decoding
    std::vector<std::pair<std::string, std::string>> params;  // from the route: ":name" → value
    // When the connection accepted the head (a pipelined one, once the answer
    // before it was done), by the wall clock the Date field shows: no answer's
    // Date is earlier, so a time clamped to this one is never later than the
    // Date beside it.
    std::chrono::system_clock::time_point received{};
    // Who sent it: the client's address and port as "127.0.0.1:54321" or
    // "[::1]:54321" (the TCP peer: behind a proxy, the proxy), or "unix" on a
    // Unix socket, whose clients have no address (ask the kernel for the
    // peer's credentials, SO_PEERCRED, if they matter). Valid as long as the
    // connection. For allow-lists, rate limits and audit logs.
    std::string_view peer;
    // Which connection it came on, as Server::connections() and the access
    // log name it: requests with the same id came one after another on one
    // connection.
    std::uint64_t connection_id = 0;

    // The value of the first field called `name`, compared case-insensitively
    // (RFC 9110 §5.1), or nullopt when there is none.
    std::optional<std::string_view> field(std::string_view name) const;

    // The target's path: everything before '?', still percent-encoded; for
    // an absolute-form target ("http://host/a?b"), the part after the host.
    std::string_view path() const;
    // The target's query: everything after the first '?', or "".
    std::string_view query() const;
    // The query decoded as a form (form.hpp): every pair, in order. nullopt
    // when an escape in it is bad ("%zz"): answer 400.
    std::optional<Form> query_form() const;
    // The first value called `name` in the query, decoded ("?q=a+b" gives
    // "a b"), or nullopt when there is none. A query with a bad escape throws
    // BadRequest, so the client gets 400 unless the handler catches it: a
    // default quietly used instead would be a silent wrong answer.
    std::optional<std::string> query_param(std::string_view name) const;
    // A route parameter by name ("name" for a route "/hello/:name"), or "".
    std::string_view param(std::string_view name) const;
};

}  // namespace porter
