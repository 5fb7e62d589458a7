// Static files: from a raw route parameter to an open file, never outside the root.
//
// First the pure steps, as tables: percent-decoding (RFC 3986 §2.1), dot
// segments (§5.2.4) with every path-traversal form we know of, and the
// Content-Type table. Then the one I/O step, against a real directory tree
// made with mkdtemp(3) and removed afterwards: files, a directory index,
// symlinks that stay inside and symlinks that try to leave, a FIFO, a socket,
// and files we may not read, opened with openat2(2) and RESOLVE_BENEATH.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "mime.hpp"
#include "static_files.hpp"
#include "uri.hpp"
// From chapter 05 on, opening beneath the root is internal, in a header of its
// own; before, static_files.hpp declares it.
#if __has_include("open_beneath.hpp")
#include "open_beneath.hpp"
#endif

using namespace porter;

namespace {

struct DecodeCase {
    const char* label;
    std::string encoded;
    std::optional<std::string> decoded;  // nullopt: refused, 400
};

struct NormalizeCase {
    const char* label;
    std::string decoded;
    std::optional<std::string> relative;  // nullopt: refused, 404
};

// What the handler makes of a raw route parameter: 400, 404, or a relative path.
struct Resolved {
    int refusal = 0;  // 400 or 404; 0 when `relative` holds the path to open
    std::string relative;
    bool operator==(const Resolved&) const = default;
};

Resolved resolve(std::string_view raw) {
    auto decoded = percent_decode(raw);
    if (!decoded) return {400, ""};
    auto relative = normalize_path(*decoded);
    if (!relative) return {404, ""};
    return {0, *relative};
}

}  // namespace

TEST_CASE("percent_decode: %XX becomes its byte, either case of hex (RFC 3986 §2.1)") {
    for (const DecodeCase& c : std::vector<DecodeCase>{
             {"empty", "", ""},
             {"nothing to decode", "plain/name.txt", "plain/name.txt"},
             {"a space", "a%20b", "a b"},
             {"upper- and lower-case hex", "%4a%4A", "JJ"},
             {"a plus is a plus in a path, not a space", "a+b", "a+b"},
             {"UTF-8 bytes", "caf%C3%A9", "caf\xc3\xa9"},
             {"dots decode: normalize_path judges them after", "%2e%2E", ".."},
             {"decoded once only: %25 is a literal '%'", "%252e", "%2e"},
             {"a backslash decodes: normalize_path refuses it", "%5C", "\\"},
             {"a lone % at the end", "a%", std::nullopt},
             {"an escape cut short", "a%4", std::nullopt},
             {"not hex", "%zz", std::nullopt},
             {"half hex", "%4g", std::nullopt},
             {"a percent before an escape", "%%41", std::nullopt},
             {"%00: NUL would end the path for C", "a%00.html", std::nullopt},
             {"%2F: a separator nobody else saw", "a%2Fb", std::nullopt},
             {"%2f in lower case", "a%2fb", std::nullopt},
         }) {
        CAPTURE(c.label);
        CHECK(percent_decode(c.encoded) == c.decoded);
    }
}

TEST_CASE("normalize_path: dot and empty segments go, as in RFC 3986 §5.2.4, and nothing climbs above the root") {
    for (const NormalizeCase& c : std::vector<NormalizeCase>{
             {"empty is the root", "", ""},
             {"a slash is the root", "/", ""},
             {"a name", "a.txt", "a.txt"},
             {"a leading slash goes", "/a/b", "a/b"},
             {"a trailing slash goes", "a/b/", "a/b"},
             {"empty segments go", "a//b///c", "a/b/c"},
             {"'.' goes", "./a/./b/.", "a/b"},
             {"'..' removes the segment before it", "a/b/../c", "a/c"},
             {"'..' back to the root", "a/..", ""},
             {"an absolute path is taken under the root", "/etc/passwd", "etc/passwd"},
             {"so is a network-path-like one", "//etc/passwd", "etc/passwd"},
             {"'...' is an ordinary name on Linux", ".../a", ".../a"},
             {"'....//' is an ordinary name too", "....//", "...."},
             {"dots inside a name", "a..b/.c/d.", "a..b/.c/d."},
             {"'..' at the start", "../etc/passwd", std::nullopt},
             {"'..' twice", "../../etc/passwd", std::nullopt},
             {"'..' alone", "..", std::nullopt},
             {"'/..'", "/..", std::nullopt},
             {"'/./../'", "/./../", std::nullopt},
             {"down one, up two", "a/../../b", std::nullopt},
             {"up past the root even if it comes back", "../root/a", std::nullopt},
             {"backslashes: Windows' separator", "..\\..\\etc\\passwd", std::nullopt},
             {"a backslash inside a name", "a\\b", std::nullopt},
             {"a NUL", std::string("a\0b", 3), std::nullopt},
         }) {
        CAPTURE(c.label);
        CHECK(normalize_path(c.decoded) == c.relative);
    }
}

TEST_CASE("the traversal forms, raw from the route, end refused (400, 404) or contained under the root") {
    struct Case {
        const char* label;
        std::string raw;
        Resolved expected;
    };
    for (const Case& c : std::vector<Case>{
             {"../../etc/passwd", "../../etc/passwd", {404, ""}},
             {"encoded dots", "%2e%2e/%2e%2e/etc/passwd", {404, ""}},
             {"encoded dots, upper case", "%2E%2E/", {404, ""}},
             {"half-encoded dots", ".%2e/x", {404, ""}},
             {"dots then an encoded slash", "..%2f..%2fetc%2fpasswd", {400, ""}},
             {"all encoded", "%2e%2e%2f", {400, ""}},
             {"encoded backslashes", "..%5c..%5cetc%5cpasswd", {404, ""}},
             {"raw backslashes", "..\\..\\etc\\passwd", {404, ""}},
             {"/./../", "/./../", {404, ""}},
             {"inside, then out", "a/%2e%2e/%2e%2e/b", {404, ""}},
             {"a NUL to cut off an extension", "secret%00.html", {400, ""}},
             {"....// stays a name", "....//....//etc/passwd", {0, "..../..../etc/passwd"}},
             {"double encoding is decoded once: a name", "%252e%252e/x", {0, "%2e%2e/x"}},
             {"overlong UTF-8 dots are bytes, not dots", "%c0%ae%c0%ae/x", {0, "\xc0\xae\xc0\xae/x"}},
             {"an absolute path stays under the root", "/etc/passwd", {0, "etc/passwd"}},
         }) {
        CAPTURE(c.label);
        CHECK(resolve(c.raw) == c.expected);
    }
}

TEST_CASE("mime_type: by the extension of the last segment, case-insensitively; text types say UTF-8") {
    struct Case {
        const char* path;
        const char* type;
    };
    for (const Case& c : std::vector<Case>{
             {"index.html", "text/html; charset=utf-8"},
             {"docs/Index.HTML", "text/html; charset=utf-8"},
             {"old.htm", "text/html; charset=utf-8"},
             {"style.css", "text/css; charset=utf-8"},
             {"app.js", "text/javascript; charset=utf-8"},
             {"module.mjs", "text/javascript; charset=utf-8"},
             {"notes.txt", "text/plain; charset=utf-8"},
             {"README.md", "text/markdown; charset=utf-8"},
             {"data.json", "application/json"},
             {"feed.xml", "application/xml"},
             {"logo.svg", "image/svg+xml"},
             {"a.png", "image/png"},
             {"a.jpg", "image/jpeg"},
             {"a.JPEG", "image/jpeg"},
             {"a.gif", "image/gif"},
             {"a.webp", "image/webp"},
             {"favicon.ico", "image/vnd.microsoft.icon"},
             {"module.wasm", "application/wasm"},
             {"paper.pdf", "application/pdf"},
             {"font.woff2", "font/woff2"},
             {"film.mp4", "video/mp4"},
             {"archive.tar.gz", "application/gzip"},
             {"Makefile", "application/octet-stream"},
             {".profile", "application/octet-stream"},
             {"a.", "application/octet-stream"},
             {"a.unknown", "application/octet-stream"},
             {"dir.html/file", "application/octet-stream"},
             {"", "application/octet-stream"},
         }) {
        CAPTURE(c.path);
        CHECK(mime_type(c.path) == c.type);
    }
}

// --- Opening files beneath the root ------------------------------------------------

namespace {

void write_file(const std::string& path, const std::string& contents) {
    std::ofstream(path, std::ios::binary) << contents;
}

// A tree under a fresh temporary directory, removed when the test ends:
//   base/outside.txt, base/root2/secret.txt   outside the root; root2 shares its prefix
//   base/root/                                the root, with files, links, and oddities
struct TempTree {
    std::string base;
    std::string root;

    TempTree() {
        char name[] = "/tmp/porter-files-XXXXXX";
        REQUIRE(::mkdtemp(name) != nullptr);  // mkdtemp(3): mode 0700
        base = name;
        root = base + "/root";
        ::chmod(base.c_str(), 0755);  // so that "nobody" can reach the root
        std::filesystem::create_directories(root + "/docs");
        std::filesystem::create_directories(root + "/bare");
        std::filesystem::create_directories(root + "/odd/index.html");
        std::filesystem::create_directories(root + "/private");
        std::filesystem::create_directories(base + "/root2");
        write_file(base + "/outside.txt", "outside");
        write_file(base + "/root2/secret.txt", "secret");
        write_file(root + "/index.html", "root index");
        write_file(root + "/hello.txt", "hello");
        write_file(root + "/empty.txt", "");
        write_file(root + "/docs/index.html", "<h1>docs</h1>");
        write_file(root + "/locked.txt", "locked");
        write_file(root + "/private/inside.txt", "private");
        ::chmod((root + "/locked.txt").c_str(), 0);
        ::chmod((root + "/private").c_str(), 0700);
        link("hello.txt", "link-inside");
        link("docs", "link-to-docs");
        link("../outside.txt", "link-outside");
        link("../root2/secret.txt", "link-sibling");
        link("..", "link-to-base");
        link("../root/hello.txt", "link-up-and-back");
        link(base + "/outside.txt", "link-absolute-outside");
        link(root + "/hello.txt", "link-absolute-inside");
        link("/etc/passwd", "link-etc-passwd");
        link("/proc/self/root/etc/passwd", "link-proc");
        link("link-loop", "link-loop");
        link("nothing-here", "link-dangling");
        REQUIRE(::mkfifo((root + "/fifo").c_str(), 0644) == 0);
        make_socket(root + "/socket");
    }
    ~TempTree() { std::filesystem::remove_all(base); }

    void link(const std::string& target, const std::string& name) const {
        REQUIRE(::symlink(target.c_str(), (root + "/" + name).c_str()) == 0);
    }

    // bind(2) on a Unix socket leaves a socket file behind, even once closed.
    static void make_socket(const std::string& path) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof address.sun_path);
        path.copy(address.sun_path, path.size());
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        ::close(fd);
    }
};

std::string contents_of(const Fd& file) {
    char buffer[64];
    ssize_t length = ::pread(file.get(), buffer, sizeof buffer, 0);
    return length < 0 ? "<read failed>" : std::string(buffer, static_cast<std::size_t>(length));
}

struct OpenCase {
    const char* label;
    std::string relative;
    Found expected;
    const char* contents = nullptr;  // for file and directory_index
};

const char* name_of(Found found) {
    switch (found) {
    case Found::file: return "file";
    case Found::directory_index: return "directory_index";
    case Found::not_found: return "not_found";
    case Found::forbidden: return "forbidden";
    case Found::failed: return "failed";
    }
    return "?";
}

void check_opened(const OpenedFile& opened, Found expected, const char* contents) {
    CHECK(name_of(opened.found) == std::string(name_of(expected)));
    bool is_open_file = expected == Found::file || expected == Found::directory_index;
    CHECK(opened.file.is_open() == is_open_file);
    if (is_open_file && opened.file.is_open() && contents) {
        CHECK(contents_of(opened.file) == contents);
        CHECK(opened.version.size == std::string(contents).size());
    }
}

}  // namespace

TEST_CASE("open_beneath: files, indexes and symlinks that stay inside open; everything else is 404 or 403") {
    TempTree tree;
    Root root = open_root(tree.root);
    ::alarm(10);  // a FIFO opened without O_NONBLOCK would hang here: die loudly instead
    for (const OpenCase& c : std::vector<OpenCase>{
             {"a file", "hello.txt", Found::file, "hello"},
             {"an empty file", "empty.txt", Found::file, ""},
             {"the root is its index.html", "", Found::directory_index, "root index"},
             {"a directory is its index.html", "docs", Found::directory_index, "<h1>docs</h1>"},
             {"an index.html named directly", "docs/index.html", Found::file, "<h1>docs</h1>"},
             {"a directory without index.html", "bare", Found::not_found},
             {"a directory whose index.html is a directory", "odd", Found::forbidden},
             {"a missing file", "missing.txt", Found::not_found},
             {"a file used as a directory (ENOTDIR)", "hello.txt/x", Found::not_found},
             {"a name too long to exist", std::string(300, 'a'), Found::not_found},
             {"a FIFO: 403, without waiting for a writer", "fifo", Found::forbidden},
             {"a Unix socket", "socket", Found::forbidden},
             {"a symlink to a file inside", "link-inside", Found::file, "hello"},
             {"a symlink to a directory inside", "link-to-docs", Found::directory_index,
              "<h1>docs</h1>"},
             {"a symlink out of the root", "link-outside", Found::not_found},
             {"a symlink to a sibling that shares the root's prefix", "link-sibling", Found::not_found},
             {"through a symlinked directory out of the root", "link-to-base/outside.txt", Found::not_found},
             {"an absolute symlink out", "link-absolute-outside", Found::not_found},
             {"a symlink to /etc/passwd", "link-etc-passwd", Found::not_found},
             {"a symlink through /proc's magic links", "link-proc", Found::not_found},
             {"a symlink loop (ELOOP)", "link-loop", Found::not_found},
             {"a dangling symlink", "link-dangling", Found::not_found},
             // RESOLVE_BENEATH refuses any step outside, and any absolute
             // symlink, even when the end is inside.
             {"a symlink that leaves and comes back", "link-up-and-back", Found::not_found},
             {"an absolute symlink to a file inside", "link-absolute-inside", Found::not_found},
             // Not normalized: the kernel holds anyway.
             {"'..' handed straight to the opener", "../outside.txt", Found::not_found},
             {"'..' after a directory", "docs/../../outside.txt", Found::not_found},
             {"into the sibling", "../root2/secret.txt", Found::not_found},
             {"an absolute path", "/etc/passwd", Found::not_found},
         }) {
        CAPTURE(c.label);
        check_opened(open_beneath(root, c.relative), c.expected, c.contents);
    }
    ::alarm(0);
}

TEST_CASE("open_beneath: the version is fstat's size and mtime, to the nanosecond") {
    TempTree tree;
    Root root = open_root(tree.root);
    struct stat status {};
    REQUIRE(::stat((tree.root + "/hello.txt").c_str(), &status) == 0);
    OpenedFile opened = open_beneath(root, "hello.txt");
    REQUIRE(opened.found == Found::file);
    CHECK(opened.version.size == 5);
    auto since_epoch = opened.version.modified.time_since_epoch();
    CHECK(since_epoch == std::chrono::seconds{status.st_mtim.tv_sec} + std::chrono::nanoseconds{status.st_mtim.tv_nsec});
    CHECK((::fcntl(opened.file.get(), F_GETFD) & FD_CLOEXEC) != 0);
}

namespace {

// Root reads everything, so as root the permission checks run in a child that
// has become "nobody" (65534); the exit status carries what it found. 255:
// the child could not change user, so the check cannot run here.
int found_as_nobody(const Root& root, const std::string& relative) {
    pid_t child = ::fork();
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(255);
        ::_exit(static_cast<int>(open_beneath(root, relative).found));
    }
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("open_beneath: a file or directory we may not read is 403 (EACCES)") {
    TempTree tree;
    Root root = open_root(tree.root);
    if (::geteuid() != 0) {
        CHECK(open_beneath(root, "locked.txt").found == Found::forbidden);
        CHECK(open_beneath(root, "private/inside.txt").found == Found::forbidden);
        return;
    }
    if (found_as_nobody(root, "hello.txt") == 255) {
        MESSAGE("skipped: running as root without the right to become nobody");
        return;
    }
    CHECK(found_as_nobody(root, "hello.txt") == static_cast<int>(Found::file));  // the child can see the tree
    CHECK(found_as_nobody(root, "locked.txt") == static_cast<int>(Found::forbidden));
    CHECK(found_as_nobody(root, "private/inside.txt") == static_cast<int>(Found::forbidden));
}

TEST_CASE("open_root: a root that is missing or not a directory throws, before the loop runs") {
    TempTree tree;
    CHECK_THROWS_AS(open_root(tree.base + "/missing"), std::system_error);
    CHECK_THROWS_AS(open_root(tree.root + "/hello.txt"), std::system_error);
    CHECK_THROWS_AS(static_files(tree.base + "/missing"), std::system_error);
    CHECK_NOTHROW(static_files(tree.root));
}
