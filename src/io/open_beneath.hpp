// Opening beneath a root: static files' one step that touches the file system.
//
// Layer: I/O; internal. It must never open anything outside the root,
// whatever the path or the symlinks under the root say: the kernel enforces
// that, not a string comparison.
#pragma once

#include <filesystem>
#include <string>

#include "conditional.hpp"
#include "fd.hpp"

namespace porter {

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
