// Static files: a ready-made handler that serves the files under one directory.
//
// Layer: app, on a core of pure functions (uri.hpp: decoding and dot
// segments; mime.hpp: types; conditional.hpp: Last-Modified and 304) and one
// thin I/O step, open_beneath, the only code here that touches the file
// system. It must never open anything outside the root, whatever the path or
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
#include "mime.hpp"
#include "request.hpp"
#include "response.hpp"
#include "router.hpp"
#include "uri.hpp"

namespace porter {

// A handler for GET that serves the file named by the route parameter "path"
// (still percent-encoded; "" is the root itself) from under `root`, e.g.
//     router.add("GET", "/files/*path", static_files("public"));
// HEAD is the server's: it runs the same handler and drops the body. Answers
// 200 with the file, 304, 301 (a directory asked for without its trailing
// '/'), or an error: 400, 403, 404, 405, 503.
// A directory is served as its index.html; there are no directory listings.
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
    file,             // a regular file, named directly
    directory_index,  // a directory was named, and this is its index.html
    not_found,        // 404: absent, outside the root, or a directory without index.html
    forbidden,        // 403: not a regular file, or we may not read it
    failed,           // 503: out of descriptors or memory, or an I/O error: ours, not the client's
};

struct OpenedFile {
    Found found = Found::not_found;
    Fd file;              // file and directory_index: open for reading
    FileVersion version;  // file and directory_index
};

// Opens `relative` (a normalize_path result) under the root, with openat2(2)
// so that no path and no symlink can lead outside it: the kernel checks each
// step as it resolves, where a realpath(3)-then-open check would leave a race.
OpenedFile open_beneath(const Root& root, const std::string& relative);

}  // namespace porter
