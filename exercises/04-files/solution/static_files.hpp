// Static files: a ready-made handler that serves the files under one directory.
//
// Layer: app, on a core of pure functions (uri.hpp: decoding and dot
// segments; mime.hpp: types; conditional.hpp: Last-Modified and 304) and one
// thin I/O step, open_beneath and list_beneath, the only code here that
// touches the file system. It must never open anything outside the root, whatever the path or
// the symlinks under the root say: the kernel enforces that, not a string
// comparison.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conditional.hpp"
#include "fd.hpp"
#include "listing.hpp"
#include "mime.hpp"
#include "request.hpp"
#include "response.hpp"
#include "router.hpp"
#include "uri.hpp"

namespace porter {

// A handler for GET that serves the file named by the route parameter "path"
// (still percent-encoded; "" is the root itself) from under `root`, e.g.
//     server.route("GET", "/files/*path", static_files("public"));
// HEAD is the server's: it runs the same handler and drops the body. Answers
// 200 with the file, 304, 301 (a directory asked for without its trailing
// '/'), or an error: 400, 403, 404, 405, 503.
// A directory is served as its index.html or, when it has none, as a page
// listing its entries (listing.hpp). A file with PATH.gz beside it is sent as
// those bytes, with Content-Encoding: gzip, to a client that accepts gzip
// (encoding.hpp).
// Opens `root` at once and keeps it open: throws std::system_error if it is
// not a directory we can open, so call it before the loop runs.
Handler static_files(std::filesystem::path root);

// --- The I/O step -------------------------------------------------------------

// The directory files are served from, opened once.
struct Root {
    Fd directory;  // O_PATH: a place to resolve names beneath, not to read
};

// Opens `path` as a Root; throws std::system_error if it cannot (ENOENT,
// ENOTDIR, EACCES: a configuration mistake, found before the loop runs), or
// if the kernel has no openat2 (ENOSYS: before Linux 5.6).
Root open_root(const std::filesystem::path& path);

// What opening a path under the root found.
enum class Found {
    file,               // a regular file, named directly
    directory_index,    // a directory was named, and this is its index.html
    directory_listing,  // a directory without index.html was named, and this is it
    not_found,          // 404: absent, or outside the root
    forbidden,          // 403: not a regular file, or we may not read it
    failed,             // 503: out of descriptors or memory, or an I/O error: ours, not the client's
};

struct OpenedFile {
    Found found = Found::not_found;
    Fd file;              // file, directory_index, directory_listing: open for reading
    FileVersion version;  // file and directory_index
};

// Opens `relative` (a normalize_path result) under the root, with openat2(2)
// so that no path and no symlink can lead outside it: the kernel checks each
// step as it resolves, where a realpath(3)-then-open check would leave a race.
OpenedFile open_beneath(const Root& root, const std::string& relative);

// A directory's entries, as far as a listing shows them.
struct DirectoryListing {
    std::vector<DirectoryEntry> entries;  // in the order readdir(3) gave them
    bool is_complete = true;              // false: cut short at max_listed_entries
};

// At most this many entries are listed. Each costs an openat2(2), and while
// they are read no one else is served (one client at a time): a directory of
// a million files must not stall the server, nor make a page no one reads.
constexpr std::size_t max_listed_entries = 1000;

// The entries of `directory` (a directory_listing's descriptor, found at
// `relative` under the root) that serving would give out: regular files and
// directories, each looked up again beneath the root, as a request for it
// would be. So a symlink out of the root, a dangling one, a FIFO, a socket or
// a device is left out: a link to it would only be a 404 or a 403, and its
// name a hint about what lies outside. Dotfiles are left out too (see
// is_listed_name). nullopt when the directory cannot be read: 503.
std::optional<DirectoryListing> list_beneath(const Root& root, const std::string& relative, const Fd& directory);

}  // namespace porter
