// MIME types: what a file's name says its Content-Type is (RFC 9110 §8.3).
//
// Layer: core. A small table of the types a web page uses; the rest are
// application/octet-stream, which a browser downloads rather than renders.
#include "mime.hpp"

#include "grammar.hpp"

namespace porter {

namespace {

struct MimeType {
    std::string_view extension;
    std::string_view type;
};

// #region table
// Text types say charset=utf-8: without it, a browser guesses, and guesses
// Latin-1 for text/plain. That is an assumption about the files; a root of
// Latin-1 text would need a setting. JSON, SVG and XML carry none: JSON is
// UTF-8 by definition (RFC 8259 §8.1) and XML declares its own encoding.
constexpr MimeType mime_types[] = {
    {"html", "text/html; charset=utf-8"},     {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},       {"js", "text/javascript; charset=utf-8"},  // RFC 9239
    {"mjs", "text/javascript; charset=utf-8"}, {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},   {"csv", "text/csv; charset=utf-8"},
    {"json", "application/json"},             {"xml", "application/xml"},
    {"svg", "image/svg+xml"},                 {"png", "image/png"},
    {"jpg", "image/jpeg"},                    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},                     {"webp", "image/webp"},
    {"avif", "image/avif"},                   {"ico", "image/vnd.microsoft.icon"},
    {"wasm", "application/wasm"},             {"pdf", "application/pdf"},
    {"woff", "font/woff"},                    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},                      {"otf", "font/otf"},
    {"mp4", "video/mp4"},                     {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},                    {"ogg", "audio/ogg"},
    {"zip", "application/zip"},               {"gz", "application/gzip"},
};
// #endregion table

}  // namespace

// #region mime_type
std::string_view mime_type(std::string_view path) {
    std::string_view name = path.substr(path.rfind('/') + 1);  // npos + 1 == 0: all of it
    std::size_t dot = name.rfind('.');
    // No dot, or only a leading one (".profile"): no extension.
    if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
    std::string_view extension = name.substr(dot + 1);
    for (const MimeType& entry : mime_types)
        if (equals_ignoring_case(entry.extension, extension)) return entry.type;
    return "application/octet-stream";
}
// #endregion mime_type

}  // namespace porter
