// Opening beneath a root: openat2(2) with RESOLVE_BENEATH, then fstat(2).
//
// Layer: I/O. Step 3 of a request for a file (static_files.cpp lists them
// all): the only one with system calls.
#include "open_beneath.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace porter {

namespace chrono = std::chrono;

namespace {

// O_NONBLOCK matters for the open, not for the reads. We learn what the file
// is only once it is open (fstat on the descriptor, so the answer is about the
// file we hold, not one swapped in since a stat of its name), and opening a
// FIFO for reading blocks until a writer arrives (fifo(7)), as some device
// opens do: the loop thread would hang. With O_NONBLOCK the open returns at
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
    // A FIFO, socket or device has no size to send or Range to cut: 403.
    // Also a directory that is named index.html.
    if (!S_ISREG(opening.status.st_mode)) return {Found::forbidden, Fd{}, {}};
    FileVersion version = version_of(opening.status);
    return {found, std::move(opening.file), version};
}

}  // namespace

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

}  // namespace porter
