// Parser: bytes in, a Request or a verdict out. Strict HTTP/1.1 (RFC 9112).
//
// Layer: core. It makes no system calls and keeps no state between calls:
// hand it everything received so far, from the first byte, and it says whether
// the request head is complete, needs more bytes, or is invalid and with which
// status to answer. Validation runs left to right, so an invalid byte is
// refused as soon as it arrives, and no split of the input into reads can
// change the verdict.
#pragma once

#include <cstddef>
#include <string_view>

#include "request.hpp"

namespace porter {

// How much of a request head we accept. Every limit names its answer.
struct Limits {
    // Request line, without CRLF. Longer: 414, whichever part is long (a
    // simplification: §3 would answer a long method 501). RFC 9112 §3
    // recommends supporting at least 8000 octets.
    std::size_t max_request_line = 8 * 1024;
    // The whole head: request line, fields and the empty line. Longer: 431
    // (RFC 6585 §5). This also bounds the work one call can do.
    std::size_t max_header_bytes = 16 * 1024;
};

enum class ParseStatus {
    complete,    // a whole head: `consumed` bytes long
    incomplete,  // valid so far; call again when more bytes arrive
    invalid,     // answer `error` and close: never try to resynchronise
};

struct ParseResult {
    ParseStatus status = ParseStatus::incomplete;
    std::size_t consumed = 0;  // complete: length of the head, empty line included
    int error = 0;             // invalid: the status code to answer with
};

// Parses the request head at the start of `input` into `request`. The views
// in `request` point into `input`: they are valid while those bytes are.
ParseResult parse_request(std::string_view input, const Limits& limits, Request& request);

}  // namespace porter
