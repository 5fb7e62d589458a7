// URI paths: percent-decoding (RFC 3986 §2.1).
//
// Layer: core; no system calls.
//
// Not yet: dot segments (§5.2.4), for file names — chapter 04.
#include "uri.hpp"

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

}  // namespace porter
