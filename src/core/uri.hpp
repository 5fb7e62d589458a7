// URI paths: percent-decoding and dot segments (RFC 3986 §2.1, §5.2.4).
//
// Layer: core; pure functions. A request target arrives percent-encoded; the
// router decodes route parameters with percent_decode, and static_files turns
// a path into a name under its root with both. Each says what it refuses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace porter {

// RFC 3986 §2.1: each "%" HEXDIG HEXDIG becomes its byte. nullopt, to answer
// 400, for an escape that is cut short or not hex ("%4", "%zz"), and for two
// that are valid but refused: %00 (no file name holds NUL, and C would end
// the path there) and %2F (see static_files.cpp: a '/' nobody else saw).
std::optional<std::string> percent_decode(std::string_view encoded);

// A decoded path made relative to the root: dot segments removed as in RFC
// 3986 §5.2.4, empty segments dropped, no leading or trailing '/'; "" is the
// root itself. nullopt, to answer 404, for a path that climbs above the root
// ("..", "a/../..") and for a backslash or NUL in any segment.
std::optional<std::string> normalize_path(std::string_view decoded);

}  // namespace porter
