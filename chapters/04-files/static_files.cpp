// Static files: from a route parameter to a file on the wire, never outside the root.
//
// Layer: app. The life of a request for a file, and who answers what:
//   1. percent_decode the raw route parameter "path"      bad escape, %00, %2F: 400
//   2. normalize_path: dot segments, empty segments        above the root: 404
//   3. open_beneath: openat2(2) with RESOLVE_BENEATH, fstat(2); a directory
//      becomes its index.html                              404, 403, 503, or 301 to add '/'
//   4. decide_answer: Last-Modified, If-Modified-Since    304 or 200
//   5. Response::file: serve() writes the head, then send_file sends the
//      file with sendfile(2).
// Steps 1, 2 and 4 are pure; step 3 is the only I/O. Every refusal that could
// tell a prober something (a symlink out, a ".." past the top) looks like a
// plain 404.
//
// Not yet: ETag, If-None-Match, Range — chapter 08.
// Not yet: directory listings and precompressed (.gz) variants; this chapter's
// exercises 1 and 3 add them.
#include "static_files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>

#include "grammar.hpp"

namespace porter {

namespace chrono = std::chrono;

// --- 3. Opening beneath the root -----------------------------------------------

namespace {

// O_NONBLOCK matters for the open, not for the reads. We learn what the file
// is only once it is open (fstat on the descriptor, so the answer is about the
// file we hold, not one swapped in since a stat of its name), and opening a
// FIFO for reading blocks until a writer arrives (fifo(7)), as some device
// opens do: the server would hang with it. With O_NONBLOCK the open returns at
// once and anything not regular is refused. On the regular file we keep, the
// flag is meaningless: regular files are always "ready" (poll(2) says so, and
// reads wait for the disk regardless), so sendfile(2) is unaffected.
// O_NOCTTY: a terminal under the root must never become our controlling tty.
constexpr int open_flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// An open attempt: a descriptor, or the errno of the call that failed.
struct Opening {
    Fd file;
    int error = 0;           // when `file` is not open
    struct stat status {};   // when `file` is open: what fstat(2) said
};

// #region openat2
// openat2(2), Linux 5.6+, which glibc does not wrap: resolve `relative` from
// the root's descriptor, and fail if any step, ".." or symlink, leaves it.
// RESOLVE_BENEATH also refuses absolute symlinks, even ones that point back
// inside. It currently implies RESOLVE_NO_MAGICLINKS (no /proc/self/fd/N
// jumps), but the man page says that may change, so we ask for it by name.
Opening open_with_openat2(const Root& root, const std::string& relative) {
    open_how how{};
    how.flags = open_flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const char* path = relative.empty() ? "." : relative.c_str();
    long fd = ::syscall(SYS_openat2, root.directory.get(), path, &how, sizeof how);
    if (fd >= 0) return {Fd(static_cast<int>(fd)), 0};
    return {Fd{}, errno};
}
// #endregion openat2

// #region open_and_stat
Opening open_and_stat(const Root& root, const std::string& relative) {
    Opening opening = open_with_openat2(root, relative);
    // fstat(2) on a descriptor we hold fails only with EIO or EOVERFLOW (a
    // size off_t cannot hold): nothing a client did.
    if (opening.file.is_open() && ::fstat(opening.file.get(), &opening.status) != 0) {
        opening.error = errno;
        opening.file.reset();
    }
    return opening;
}
// #endregion open_and_stat

// #region classify
// What an errno from openat2 means for the client.
Found classify_open_error(int error) {
    switch (error) {
    case ENOENT:        // no such file, or a dangling symlink
    case ENOTDIR:       // a component is not a directory: "a.txt/b"
    case ENAMETOOLONG:  // longer than the file system allows: it cannot exist
    case EXDEV:         // RESOLVE_BENEATH: ".." or a symlink leads out of the root
    case ELOOP:         // a symlink loop, or a magic link
        return Found::not_found;  // an escape attempt looks exactly like a missing file
    case EACCES:        // no read permission on the file, or no search permission on a directory
    case EPERM:         // a security module said no
    case ENXIO:         // a Unix socket, or a device file with no device behind it
    case ENODEV:        // a device file whose driver is missing
        return Found::forbidden;
    default:  // EMFILE, ENFILE, ENOMEM, EIO; EAGAIN: openat2 lost a race with a rename
              // while checking a "..", or another process holds a lease (fcntl(2))
        return Found::failed;
    }
}
// #endregion classify

// #region regular_file
// system_clock counts nanoseconds in 64 bits, about 1678 to 2262; anyone who
// can touch a file under the root can give it an mtime outside that, and the
// conversion would overflow. Clamped, such a file just looks very old or new.
FileVersion version_of(const struct stat& status) {
    using TimePoint = chrono::system_clock::time_point;
    constexpr auto earliest = chrono::floor<chrono::seconds>(TimePoint::min().time_since_epoch()).count() + 1;
    constexpr auto latest = chrono::floor<chrono::seconds>(TimePoint::max().time_since_epoch()).count() - 1;
    auto seconds = std::clamp<std::int64_t>(status.st_mtim.tv_sec, earliest, latest);
    auto since_epoch = chrono::seconds{seconds} + chrono::nanoseconds{status.st_mtim.tv_nsec};
    return {static_cast<std::uint64_t>(status.st_size),
            TimePoint{chrono::duration_cast<TimePoint::duration>(since_epoch)}};
}

OpenedFile as_regular_file(Opening opening, Found found) {
    if (!opening.file.is_open()) return {classify_open_error(opening.error), Fd{}, {}};
    // A FIFO, socket or device has no size to send: 403.
    // Also a directory that is named index.html.
    if (!S_ISREG(opening.status.st_mode)) return {Found::forbidden, Fd{}, {}};
    FileVersion version = version_of(opening.status);
    return {found, std::move(opening.file), version};
}
// #endregion regular_file

}  // namespace

// #region open_root
Root open_root(const std::filesystem::path& path) {
    // open(2) with O_PATH: a handle for resolving names beneath, which needs
    // no read permission. O_DIRECTORY: ENOTDIR if it names a file.
    Fd directory(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!directory.is_open())
        throw std::system_error(errno, std::generic_category(), "static_files: open " + path.string());
    Root root{std::move(directory)};
    // Without openat2 there is no race-free way to keep every open beneath
    // the root: refuse to serve files at all, before the loop runs. ENOSYS is
    // Linux before 5.6; EPERM is a seccomp filter that doesn't know the call
    // (Docker's default profile, systemd-nspawn), since opening "." beneath a
    // directory we have just opened cannot fail with it otherwise.
    if (int error = open_with_openat2(root, "").error; error == ENOSYS || error == EPERM)
        throw std::system_error(error, std::generic_category(), "static_files: openat2 (Linux 5.6+) is needed");
    return root;
}
// #endregion open_root

// #region open_beneath
// A directory is answered with its index.html, looked up from the root again,
// so it is held to the same rules as any other path.
OpenedFile open_beneath(const Root& root, const std::string& relative) {
    Opening opening = open_and_stat(root, relative);
    if (opening.file.is_open() && S_ISDIR(opening.status.st_mode)) {
        std::string index = relative.empty() ? "index.html" : relative + "/index.html";
        return as_regular_file(open_and_stat(root, index), Found::directory_index);
    }
    return as_regular_file(std::move(opening), Found::file);
}
// #endregion open_beneath

// #region handler_helpers
// --- The handler ------------------------------------------------------------------

namespace {

void refuse(Response& response, int status) {
    response.text(status, std::string(reason_phrase(status)) + "\n");
}

// Every line of a field, joined with ", " as RFC 9110 §5.3 allows. Then a
// list split over lines reads as one list, and a singleton sent twice
// (If-Modified-Since) no longer parses, so it is ignored rather than half-read.
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
// #endregion handler_helpers

// #region redirect
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
// #endregion redirect

// #region answer_with_file
void answer_with_file(const Request& request, Response& response, OpenedFile opened, std::string_view name) {
    Conditions conditions{
        .method = request.method,
        .if_none_match = combined_field(request, "If-None-Match"),
        .if_modified_since = combined_field(request, "If-Modified-Since"),
    };
    // The wall clock, read here at the edge: validators and Date compare with it.
    FileAnswer answer = decide_answer(conditions, opened.version, chrono::system_clock::now());
    for (const auto& [field, value] : answer.fields) response.set_field(field, value);
    if (answer.status == 304) {
        response.empty(304);
        return;
    }
    // A browser that sniffed a .txt or unknown file as HTML would run the
    // scripts in it: nosniff makes it believe our Content-Type.
    response.set_field("X-Content-Type-Options", "nosniff");
    response.file(answer.status, FileBody{.file = std::move(opened.file), .offset = answer.offset, .length = answer.length},
                  mime_type(name));
}
// #endregion answer_with_file

// #region serve_file
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
// #endregion serve_file

}  // namespace

// #region static_files
Handler static_files(std::filesystem::path root) {
    // Shared, so that the std::function stays copyable; const, so that copies
    // on any thread only read it.
    auto opened_root = std::make_shared<const Root>(open_root(root));
    return [opened_root](Request& request, Response& response) { serve_file(*opened_root, request, response); };
}
// #endregion static_files

}  // namespace porter
