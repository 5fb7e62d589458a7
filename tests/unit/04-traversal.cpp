// The traversal forms that the book's naive handler falls for, through the
// real pipeline, step by step: percent_decode, normalize_path (uri.hpp) and
// open_beneath (static_files.hpp; from chapter 05, open_beneath.hpp) end each
// in a refusal, 400 or 404, indistinguishable from a missing file. (The naive handler itself is tests/naive/04-traversal.diff;
// make test checks that the black-box traversal tests fail against it.) And a
// file whose attributes a client with write access chose: an mtime out of range.
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
#include "uri.hpp"
// From chapter 05 on, opening beneath the root is internal, in a header of its
// own; before, static_files.hpp declares it.
#if __has_include("open_beneath.hpp")
#include "open_beneath.hpp"
#endif

using namespace porter;

namespace {

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

TEST_CASE("each form that leads the naive handler to a file beside the root is refused by the real pipeline with 404") {
    Site site;
    Root root = open_root(site.root);
    // Each of these, glued to the root as the naive handler does, names TOP/secret.txt.
    for (std::string_view raw : {"../secret.txt", "%2e%2e/secret.txt", ".%2E/secret.txt", "./../secret.txt",
                                 "link"}) {
        CAPTURE(raw);
        CHECK(std::filesystem::exists(site.root + "/" + *percent_decode(raw)));  // the file is there to be had
        CHECK(refusal_for(root, raw) == 404);                                  // and is not given
    }
    // And the file that is meant to be served is.
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
