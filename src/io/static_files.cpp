// Static files: from a route parameter to a file on the wire, never outside the root.
//
// Layer: I/O, through open_beneath alone. The life of a request for a file, and who answers what:
//   1. percent_decode the raw route parameter "path"      bad escape, %00, %2F: 400
//   2. normalize_path: dot segments, empty segments        above the root: 404
//   3. open_beneath: openat2(2) with RESOLVE_BENEATH, fstat(2); a directory
//      becomes its index.html                              404, 403, 503, or 301 to add '/'
//   4. decide_answer: validators, preconditions, Range    304, 412, 416, 206 or 200
//   5. Response::file, which the connection sends with sendfile(2).
// Steps 1, 2 and 4 are pure; step 3 is the only I/O. Every refusal that could
// tell a prober something (a symlink out, a ".." past the top) looks like a
// plain 404.
//
// Not yet: Range lists are answered whole, with 200, not multipart; no
// directory listings; no precompressed (.gz, .br) variants.
#include "static_files.hpp"

#include <algorithm>
#include <memory>

#include "conditional.hpp"
#include "grammar.hpp"
#include "mime.hpp"
#include "open_beneath.hpp"
#include "request.hpp"
#include "response.hpp"
#include "uri.hpp"

namespace porter {

namespace {

void refuse(Response& response, int status) {
    response.text(status, std::string(reason_phrase(status)) + "\n");
}

// Every line of a field, joined with ", " as RFC 9110 §5.3 allows. Then a
// list split over lines reads as one list, and a singleton sent twice (Range,
// If-Modified-Since) no longer parses, so it is ignored rather than half-read.
std::optional<std::string> combined_field(const Request& request, std::string_view name) {
    std::optional<std::string> value;
    for (const Field& field : request.fields) {
        if (!equals_ignoring_case(field.name, name)) continue;
        if (value) *value += ", ";
        else value.emplace();
        *value += field.value;
    }
    return value;
}

// 301 to the directory's path with its '/' (§15.4.2), so that relative links
// in index.html resolve inside it: "style.css" from /docs/ is /docs/style.css,
// from /docs it is /style.css. Location is a relative reference (§10.2.2),
// "./docs/", resolved against the request's own path (RFC 3986 §5.2): echoing
// the absolute path back would turn a target like "//evil.example" into a
// redirect to another host. The "./" keeps a name with a colon from reading as
// a scheme.
void redirect_to_directory(const Request& request, Response& response) {
    std::string_view path = request.path();
    std::string location = "./" + std::string(path.substr(path.rfind('/') + 1)) + "/";
    if (!request.query().empty()) location += "?" + std::string(request.query());
    response.set_field("Location", location);
    response.empty(301);
}

void answer_with_file(const Request& request, Response& response, OpenedFile opened, std::string_view name) {
    Conditions conditions{
        .method = request.method,
        .if_match = combined_field(request, "If-Match"),
        .if_none_match = combined_field(request, "If-None-Match"),
        .if_modified_since = combined_field(request, "If-Modified-Since"),
        .if_unmodified_since = combined_field(request, "If-Unmodified-Since"),
        .range = combined_field(request, "Range"),
        .if_range = combined_field(request, "If-Range"),
    };
    // The time of the request, not of this call: a Last-Modified clamped to
    // it is never later than the answer's Date (RFC 9110 §8.8.2.1).
    FileAnswer answer = decide_answer(conditions, opened.version, request.received);
    for (const auto& [field, value] : answer.fields) response.set_field(field, value);
    if (answer.status == 304) {
        response.empty(304);
        return;
    }
    if (answer.status != 200 && answer.status != 206) {
        refuse(response, answer.status);
        return;
    }
    // A browser that sniffed a .txt or unknown file as HTML would run the
    // scripts in it: nosniff makes it believe our Content-Type.
    response.set_field("X-Content-Type-Options", "nosniff");
    response.file(answer.status, FileBody{.file = std::move(opened.file), .offset = answer.offset, .length = answer.length},
                  mime_type(name));
}

void serve_file(const Root& root, Request& request, Response& response) {
    if (request.method != "GET" && request.method != "HEAD") {
        response.set_field("Allow", "GET, HEAD");  // §15.5.6: a 405 must list them
        refuse(response, 405);
        return;
    }
    // The handler reads the route's "*path": a route with another name would
    // silently serve the root for every URL. Say so instead.
    auto has_path = [](const auto& param) { return param.first == "path"; };
    if (std::none_of(request.params.begin(), request.params.end(), has_path)) {
        response.text(500, "static_files needs a route ending in *path\n");
        return;
    }
    auto decoded = percent_decode(request.param("path"));
    if (!decoded) return refuse(response, 400);
    auto relative = normalize_path(*decoded);
    if (!relative) return refuse(response, 404);
    // A trailing '/' names a directory, and so does a last segment "." or
    // "..", which RFC 3986 §5.2.4 turns into one: "a.txt/." is not a.txt.
    std::string_view last_segment = std::string_view(*decoded).substr(decoded->rfind('/') + 1);
    bool names_directory = request.path().ends_with('/') || last_segment == "." || last_segment == "..";
    OpenedFile opened = open_beneath(root, *relative);
    switch (opened.found) {
    case Found::not_found: return refuse(response, 404);
    case Found::forbidden: return refuse(response, 403);
    case Found::failed: return refuse(response, 503);
    case Found::directory_index:
        if (!names_directory) return redirect_to_directory(request, response);
        return answer_with_file(request, response, std::move(opened), "index.html");
    case Found::file:  // "a.txt/" is not a.txt, as open(2) would agree: ENOTDIR
        if (names_directory) return refuse(response, 404);
        return answer_with_file(request, response, std::move(opened), *relative);
    }
}

// A named type, not a lambda, so that is_static_files can know one. The
// root is shared, so that the std::function stays copyable; const, so that
// copies on any thread only read it.
struct ServeFiles {
    std::shared_ptr<const Root> root;
    void operator()(Request& request, Response& response) const { serve_file(*root, request, response); }
};

}  // namespace

Handler static_files(std::string root) { return ServeFiles{std::make_shared<const Root>(open_root(root))}; }

bool is_static_files(const Handler& handler) { return handler.target<ServeFiles>() != nullptr; }

}  // namespace porter
