// Last-Modified beside Date, through the connection: a file's time is
// clamped to the request's, the time its answer's Date field shows, never to
// a clock read later (RFC 9110 §8.8.2.1: "An origin server MUST NOT send a
// Last-Modified date that is later than the server's time of message
// origination").
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "connection_driver.hpp"
#include "static_files.hpp"

using namespace porter;
using namespace porter::test;

namespace {

// A directory of its own, removed however the test ends.
struct ScratchDirectory {
    std::string path;
    ScratchDirectory() {
        std::string pattern = (std::filesystem::temp_directory_path() / "porter-last-modified-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

std::string field_of(std::string_view response, std::string_view name) {
    std::string key = "\r\n" + std::string(name) + ": ";
    std::size_t at = response.find(key);
    if (at == std::string_view::npos) return "";
    at += key.size();
    return std::string(response.substr(at, response.find("\r\n", at) - at));
}

}  // namespace

TEST_CASE("a file modified after the request's time is sent with Last-Modified equal to Date, not later") {
    ScratchDirectory directory;
    std::ofstream(directory.path + "/new.txt") << "written just now\n";  // today, by the real clock
    Driver driver;  // its wall clock: 1 January 1970, as its Date field shows
    Handler files = static_files(directory.path);
    driver.handler = [&](Request& req, Response& res) {
        req.params = {{"path", "new.txt"}};
        files(req, res);
    };
    std::string response = driver.send(get("/new.txt"));
    CHECK(response.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(field_of(response, "Date") == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(field_of(response, "Last-Modified") == field_of(response, "Date"));
}
