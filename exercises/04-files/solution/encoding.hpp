// Content codings: whether a client takes a body gzip-compressed (RFC 9110 §12.5.3).
//
// Layer: core; a pure function of one field. static_files asks it before it
// sends the PATH.gz beside a file in place of the file itself (§8.4): the
// client must undo the coding, so it must have said it can.
#pragma once

#include <optional>
#include <string>

namespace porter {

// Whether an Accept-Encoding value (every line of the field, joined with
// ", "), or nullopt when the request has none, accepts gzip: with a weight
// above 0 (§12.4.2), given to "gzip" (or "x-gzip", its old name: §8.4.1.3)
// or, when neither is named, to "*". Codings compare in any case.
// With no Accept-Encoding, §12.5.3 lets a server pick any coding, but a
// client that sent none (curl without --compressed, a script) would be handed
// bytes it did not expect: false, as nginx's gzip_static answers too.
bool accepts_gzip(const std::optional<std::string>& accept_encoding);

}  // namespace porter
