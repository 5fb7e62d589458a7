// Parser: bytes in, a Request or a verdict out. Strict HTTP/1.1 (RFC 9112).
//
// Layer: core. It makes no system calls and keeps no state between calls:
// hand it everything received so far, from the first byte, and it says whether
// the request head is complete, needs more bytes, or is invalid and with which
// status to answer. Validation runs left to right, so an invalid byte is
// refused as soon as it arrives, and no split of the input into reads can
// change the verdict. What the head means for the body and the connection is
// semantics.hpp's business; the chunked body is chunked.hpp's.
#pragma once

#include <cstddef>
#include <string_view>

#include "options.hpp"
#include "request.hpp"

namespace porter {

enum class ParseStatus {
    complete,    // a whole head: `consumed` bytes long
    incomplete,  // valid so far; call again when more bytes arrive
    invalid,     // answer `error` and close: never try to resynchronise
};

// What the parser, and the chunked decoder, say about the bytes they were
// given. `consumed` means one thing for both: the bytes of the input this call
// used up, which the caller must not pass again.
//   complete:   up to the end of what was read (a head: its empty line too).
//   incomplete: 0 from the parser, which reads the whole head again when more
//               arrives; all of the input from the decoder, which keeps its place.
//   invalid:    0.
struct ParseResult {
    ParseStatus status = ParseStatus::incomplete;
    std::size_t consumed = 0;
    int error = 0;  // invalid: the status code to answer with
};

// Parses the request head at the start of `input` into `request`, after
// resetting it (body and params included). The views in `request` point into
// `input`: they are valid while those bytes are.
ParseResult parse_request(std::string_view input, const Limits& limits, Request& request);

// The field line, shared with the chunked decoder's trailer section, so that
// a field line means one thing everywhere (its pieces: grammar.hpp).
// One field line at the start of `rest`, CRLF included (RFC 9112 §5), as in
// a head or a chunked body's trailer section. complete: `field` holds views
// into `rest`; incomplete: `rest` is a valid prefix; invalid: 400.
ParseResult parse_field_line(std::string_view rest, Field& field);

}  // namespace porter
