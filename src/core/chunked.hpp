// Chunked decoder: a chunked request body in, its data out (RFC 9112 §7.1).
//
// Layer: core; no system calls. Unlike the parser it keeps state between
// calls, because a body can be far larger than a head and must not be parsed
// again from its first byte on every read: each call takes only the bytes
// that arrived since the last one. Every line it must hold on to is capped,
// and the decoded size is capped before a chunk's data is read. Chunk
// extensions are checked and ignored (§7.1.1); trailer fields are checked
// like header fields and discarded (§7.1.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parser.hpp"

namespace porter {

// How much of a chunked body we accept. Every limit names its answer.
struct ChunkedLimits {
    // A chunk-size line with its extensions, without CRLF. Longer: 400.
    std::size_t max_line_bytes = 4096;
    // The trailer section, its line endings and final CRLF included. Longer: 400.
    std::size_t max_trailer_bytes = 8192;
    // The decoded body: the sum of the chunk sizes. Larger: 413, answered
    // when a chunk-size line announces too much, before its data arrives.
    std::uint64_t max_body_bytes = 1 << 20;
};

// ChunkedDecoder reads one chunked body, from its first chunk-size line to
// the CRLF that ends its trailer section. Make a new one for each body.
class ChunkedDecoder {
public:
    explicit ChunkedDecoder(ChunkedLimits limits = {});

    // Decodes as much of `input` as it can, appending chunk data to `body`.
    // Pass each byte once: after `incomplete`, call again with only the bytes
    // that follow. The result says:
    //   complete:   the body has ended; `consumed` stops right after its final
    //               CRLF, and the rest of `input` belongs to the next request.
    //   incomplete: all of `input` was used (`consumed` == its size).
    //   invalid:    answer `error` (400 or 413) and close.
    // Once complete or invalid, every later call answers the same, consuming
    // nothing. No view into `input` is kept.
    ParseResult decode(std::string_view input, std::string& body);

private:
    // Where the decoder is in the chunked-body grammar (§7.1).
    enum class State {
        // Gathering chunk-size [ chunk-ext ] CRLF into line_. Entered at the
        // start and after each chunk's closing CRLF; left for data (size > 0),
        // trailer (size 0, the last chunk) or failed.
        size_line,
        // Copying chunk-data into the body, remaining_ bytes still to come.
        // Entered from size_line; left for data_end when remaining_ is 0.
        data,
        // Expecting the CRLF after chunk-data. Entered from data; left for
        // size_line, or failed on anything else.
        data_end,
        // Gathering trailer field lines, each checked and discarded. Entered
        // after the last chunk; left for done at the empty line, or failed.
        trailer,
        // The body has ended. Entered from trailer; never left.
        done,
        // Refused with error_. Entered from any state but done; never left.
        failed,
    };

    ParseResult decode_step(std::string_view input, std::string& body);
    ParseResult read_size_line(std::string_view input);
    ParseResult read_data(std::string_view input, std::string& body);
    ParseResult read_data_end(std::string_view input);
    ParseResult read_trailer_line(std::string_view input);

    ChunkedLimits limits_;
    State state_ = State::size_line;
    std::string line_;               // the line being gathered, across calls; cleared once checked
    std::uint64_t remaining_ = 0;    // data: bytes of the current chunk not yet copied
    std::uint64_t body_bytes_ = 0;   // sum of the chunk sizes announced so far
    std::size_t trailer_bytes_ = 0;  // trailer lines finished so far, CRLFs included
    int error_ = 0;                  // failed: the status refused with
};

}  // namespace porter
