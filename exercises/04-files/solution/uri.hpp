// URI paths: percent-encoding and -decoding, dot segments (RFC 3986 §2.1, §5.2.4).
//
// Layer: core; pure functions. A request target arrives percent-encoded; the
// router decodes route parameters with percent_decode, and static_files turns
// a path into a name under its root with both. Each says what it refuses.
// The way back, a file name into a link, is percent_encode.
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

// RFC 3986 §2.1 the other way: every byte but the unreserved ones (§2.3:
// letters, digits, "-._~") becomes "%" and two upper-case hex digits. What
// comes out is one path segment, whatever the name held: "a b/%.txt" becomes
// "a%20b%2F%25.txt", and ':' ("a:b" would read as a scheme) becomes %3A.
std::string percent_encode(std::string_view bytes);

// A decoded path made relative to the root: dot segments removed as in RFC
// 3986 §5.2.4, empty segments dropped, no leading or trailing '/'; "" is the
// root itself. nullopt, to answer 404, for a path that climbs above the root
// ("..", "a/../..") and for a backslash or NUL in any segment.
std::optional<std::string> normalize_path(std::string_view decoded);

}  // namespace porter
