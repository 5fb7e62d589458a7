// Semantics: what a parsed head says about the rest of the exchange.
//
// Layer: core; no system calls, no I/O. The parser checks that a head is
// well-formed; these functions read its fields and decide what happens next:
// whether the Host is acceptable (RFC 9112 §3.2), whether the connection
// persists (§9.3), how the body is framed (§6, RFC 9110 §8.6), and what the
// client expects before sending it (RFC 9110 §10.1.1). Each refusal names the
// status to answer with; the connection then sends it once and closes.
#pragma once

#include <cstdint>

#include "request.hpp"

namespace porter {

// 0 if the request's Host is acceptable, else 400 (RFC 9112 §3.2): an
// HTTP/1.1 request needs exactly one Host field; any request with more than
// one, or whose value is not uri-host [ ":" port ] (RFC 9110 §7.2), is
// refused. HTTP/1.0 may omit it, and an empty value is allowed.
int check_host(const Request& request);

// 0 if the request-target has a form a server accepts (RFC 9112 §3.2):
// origin-form "/path", absolute-form "http://host/path", or "*" for OPTIONS;
// else 400. CONNECT passes whatever its target, for the router to refuse.
int check_target(const Request& request);

// Whether the connection stays open after this exchange (RFC 9112 §9.3), as
// far as the request is concerned: HTTP/1.1 persists unless Connection lists
// "close"; HTTP/1.0 only if it lists "keep-alive" and not "close".
bool wants_keep_alive(const Request& request);

// How a request's body is delimited (RFC 9112 §6.3).
enum class BodyFraming {
    none,     // no body: neither Content-Length nor Transfer-Encoding was sent
    length,   // exactly `length` bytes follow the head (Content-Length)
    chunked,  // a chunked body follows; ChunkedDecoder reads it
};

// The framing of one request's body, or the status that refuses it.
struct Framing {
    BodyFraming kind = BodyFraming::none;
    std::uint64_t length = 0;  // length: the body's size in bytes; else 0
    int error = 0;             // 0, or 400, 413 or 501: answer it and close
};

// Reads Content-Length and Transfer-Encoding, refusing every ambiguity that
// could let another server on the path see a different body (request
// smuggling), and any declared length over max_body_bytes (413) before a
// byte of the body is read. A chunked body's size is policed by the decoder.
Framing decide_body_framing(const Request& request, std::uint64_t max_body_bytes);

// What the client asked for in Expect (RFC 9110 §10.1.1).
enum class Expectation {
    none,          // no Expect, or an HTTP/1.0 request: just read the body
    continue_100,  // "100-continue": answer 100 (or a final status) before reading the body
    unsupported,   // anything else: answer 417 and close
};

Expectation classify_expectation(const Request& request);

}  // namespace porter
