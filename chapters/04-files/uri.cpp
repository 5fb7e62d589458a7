// URI paths: percent-decoding and dot segments (RFC 3986 §2.1, §5.2.4).
//
// Layer: core; no system calls.
#include "uri.hpp"

#include <vector>

#include "grammar.hpp"

namespace porter {

std::optional<std::string> percent_decode(std::string_view encoded) {
    std::string decoded;
    decoded.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] != '%') {
            decoded += encoded[i];
            continue;
        }
        if (encoded.size() - i < 3) return std::nullopt;  // "%" or "%4" at the end
        auto high = hex_digit_value(encoded[i + 1]);
        auto low = hex_digit_value(encoded[i + 2]);
        if (!high || !low) return std::nullopt;
        char byte = static_cast<char>(*high * 16 + *low);
        // %2F is refused, not decoded. Decoded, it would be a separator that
        // the router, a proxy's path rules and the access log never saw:
        // "public%2F..%2Fsecret" is one segment to them, three to us. Refused,
        // the segments we open are the segments everyone saw, and no Linux
        // file name can hold a '/' anyway.
        if (byte == '\0' || byte == '/') return std::nullopt;
        decoded += byte;
        i += 2;
    }
    return decoded;
}

// #region normalize_path
// --- 2. Normalizing (RFC 3986 §5.2.4) ------------------------------------------

std::optional<std::string> normalize_path(std::string_view decoded) {
    std::vector<std::string_view> segments;
    while (!decoded.empty()) {
        std::size_t slash = std::min(decoded.find('/'), decoded.size());
        std::string_view segment = decoded.substr(0, slash);
        decoded.remove_prefix(std::min(slash + 1, decoded.size()));
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            // RFC 3986 would quietly stop at the top; a client that sends a
            // ".." past it skipped that normalization on purpose.
            if (segments.empty()) return std::nullopt;
            segments.pop_back();
            continue;
        }
        // On Linux '\' is an ordinary byte, so "..\..\x" would only be an odd
        // name here; but Windows, and URL parsers following WHATWG, read it as
        // a separator, and a path that means two things to two readers is how
        // filter bypasses start. NUL would end the path at the C boundary.
        if (segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) return std::nullopt;
        segments.push_back(segment);
    }
    std::string relative;
    for (std::string_view segment : segments) {
        if (!relative.empty()) relative += '/';
        relative += segment;
    }
    return relative;
}
// #endregion normalize_path

}  // namespace porter
