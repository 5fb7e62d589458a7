// MIME types: what a file's name says its Content-Type is (RFC 9110 §8.3).
//
// Layer: core; a table. The browser decides how to treat a body by its type,
// so a wrong one is a bug (a script shown as text) or worse (text run as a script).
#pragma once

#include <string_view>

namespace porter {

// The Content-Type for a file name, by its extension, case-insensitively:
// "text/html; charset=utf-8" for "a/Index.HTML"; application/octet-stream
// when the extension is unknown or there is none.
std::string_view mime_type(std::string_view path);

}  // namespace porter
