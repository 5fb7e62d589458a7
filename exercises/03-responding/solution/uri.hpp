// URI paths: percent-decoding (RFC 3986 §2.1).
//
// Layer: core; a pure function. A request target arrives percent-encoded; the
// router decodes route parameters with percent_decode, and says what it refuses.
//
// Not yet: dot segments and file names — chapter 04.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace porter {

// RFC 3986 §2.1: each "%" HEXDIG HEXDIG becomes its byte. nullopt, to answer
// 400, for an escape that is cut short or not hex ("%4", "%zz"), and for two
// that are valid but refused: %00 (no file name holds NUL, and C would end
// the path there) and %2F (a '/' that nobody who split the path saw).
std::optional<std::string> percent_decode(std::string_view encoded);

}  // namespace porter
