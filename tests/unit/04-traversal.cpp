// The attack before the defence: what the obvious way to name a file gives
// away, shown against a real directory tree, and refused by the real pipeline.
//
// naive_file_name is how a first static-file handler is usually written:
// decode the path, glue it to the root, open the result. Each form below
// reaches a secret beside the root through it. The same forms through
// percent_decode, normalize_path and open_beneath (static_files.hpp) end in a
// refusal: 400, or 404, indistinguishable from a missing file. And a file
// whose attributes a client with write access chose: an mtime out of range.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "static_files.hpp"

using namespace porter;

namespace {

// #region naive
// The obvious way, and the wrong one: decode the path and glue it to the root.
std::string naive_file_name(const std::string& root, std::string_view raw_path) {
    std::optional<std::string> path = percent_decode(raw_path);
    return path ? root + "/" + *path : "";
}
// #endregion naive

// What open(2) and read(2) give for `name`, or nullopt if it cannot be opened.
std::optional<std::string> read_file(const std::string& name) {
    int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string content;
    char buffer[256];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) content.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return content;
}

// A secret beside a root, and inside the root a file and a symlink to the secret:
//   TOP/secret.txt   TOP/root/hello.txt   TOP/root/link -> ../secret.txt
struct Site {
    std::string top;
    std::string root;
    Site() {
        char name[] = "/tmp/porter-traversal-XXXXXX";
        REQUIRE(::mkdtemp(name) != nullptr);
        top = name;
        root = top + "/root";
        std::filesystem::create_directory(root);
        std::ofstream(top + "/secret.txt") << "secret\n";
        std::ofstream(root + "/hello.txt") << "hello\n";
        std::filesystem::create_symlink("../secret.txt", root + "/link");
    }
    ~Site() { std::filesystem::remove_all(top); }
};

// What the real pipeline answers for a raw route parameter: 0 when it opened a file.
int refusal_for(const Root& root, std::string_view raw) {
    std::optional<std::string> decoded = percent_decode(raw);
    if (!decoded) return 400;
    std::optional<std::string> relative = normalize_path(*decoded);
    if (!relative) return 404;
    OpenedFile opened = open_beneath(root, *relative);
    return opened.found == Found::file ? 0 : 404;
}

}  // namespace

TEST_CASE("the naive name hands out a file beside the root; the real pipeline refuses every form with 404") {
    Site site;
    Root root = open_root(site.root);
    for (std::string_view raw : {"../secret.txt", "%2e%2e/secret.txt", ".%2E/secret.txt", "./../secret.txt",
                                 "link"}) {
        CAPTURE(raw);
        CHECK(read_file(naive_file_name(site.root, raw)) == "secret\n");  // the hole
        CHECK(refusal_for(root, raw) == 404);                             // the defence
    }
    // And the file that is meant to be served is, both ways.
    CHECK(read_file(naive_file_name(site.root, "hello.txt")) == "hello\n");
    CHECK(refusal_for(root, "hello.txt") == 0);
}

TEST_CASE("a file whose mtime system_clock cannot hold (after 2262) is opened, not overflowed: it just looks new") {
    Site site;
    std::string name = site.root + "/future.txt";
    std::ofstream(name) << "from the future\n";
    timespec times[2] = {{0, UTIME_OMIT}, {400LL * 365 * 24 * 3600, 0}};  // about the year 2370
    REQUIRE(::utimensat(AT_FDCWD, name.c_str(), times, 0) == 0);
    Root root = open_root(site.root);
    OpenedFile opened = open_beneath(root, "future.txt");
    REQUIRE(opened.found == Found::file);
    CHECK(opened.version.modified > std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365 * 200));
}
