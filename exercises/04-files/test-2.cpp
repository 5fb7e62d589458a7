// Exercise 04-2: ETag (RFC 9110 §8.8.3) and If-None-Match (§13.1.2), which
// wins over If-Modified-Since (§13.2.2).
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

using namespace std::chrono;

constexpr sys_seconds modified = sys_days(year(2001) / 2 / 3) + hours(4) + minutes(5) + seconds(6);

// A ROOT with one file, hello.txt, last modified 2001-02-03 04:05:06 GMT.
struct Site {
    TempDirectory root;
    std::string hello = root.write("hello.txt", "hello, file\n");
    Site() { set_modified(hello, modified); }
};

std::string get_with(std::string_view target, std::string_view fields) {
    return request("GET", target, std::string(fields) + "Connection: close\r\n");
}

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE  (RFC 9110 §8.8.3).
bool is_entity_tag(std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return false;
    for (char c : tag.substr(1, tag.size() - 2)) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte == '"' || byte == 0x7f) return false;
    }
    return true;
}

// The tag without its W/: what a weak comparison looks at (§8.8.3.2).
std::string opaque(std::string_view tag) { return std::string(tag.starts_with("W/") ? tag.substr(2) : tag); }

// GET /files/hello.txt, expecting 200 and an ETag; returns the ETag.
std::string current_tag(std::uint16_t port) {
    Response response = exchange(port, get("/files/hello.txt"));
    CHECK(response.status == 200);
    std::optional<std::string> tag = response.field("ETag");
    REQUIRE_MESSAGE(tag.has_value(), "a 200 for a file carries its ETag");
    CHECK_MESSAGE(is_entity_tag(*tag), "not an entity-tag: ", *tag);
    return *tag;
}

Response expect_not_modified(std::uint16_t port, std::string_view fields, const std::string& tag) {
    Response response = exchange(port, get_with("/files/hello.txt", fields));
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 304);
    CHECK(response.body.empty());
    CHECK_MESSAGE(response.field("ETag") == tag, "a 304 carries the ETag a 200 would (§15.4.5)");
    return response;
}

Response expect_whole_file(std::uint16_t port, std::string_view fields, std::string_view body = "hello, file\n") {
    Response response = exchange(port, get_with("/files/hello.txt", fields));
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    CHECK(response.body == body);
    return response;
}

// Sets the file's modification time to the nanosecond; false if the file
// system keeps only coarser times (then the test has nothing to look at).
bool set_modified_exactly(const std::string& path, sys_seconds when, long nanoseconds) {
    timespec time{static_cast<time_t>(when.time_since_epoch().count()), nanoseconds};
    timespec both[2] = {time, time};
    REQUIRE_MESSAGE(::utimensat(AT_FDCWD, path.c_str(), both, 0) == 0, "utimensat: ", std::strerror(errno));
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mtim.tv_nsec == nanoseconds;
}

}  // namespace

TEST_CASE("a file is sent with an ETag, the same for every request while the file does not change, GET or HEAD "
          "(RFC 9110 §8.8.3)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string tag = current_tag(server.port());
    CHECK(current_tag(server.port()) == tag);
    Client client(server.port());
    CHECK(client.send(request("HEAD", "/files/hello.txt", "Connection: close\r\n")));
    Response headed = client.read_response("HEAD");
    CHECK(headed.status == 200);
    CHECK(headed.field("ETag") == tag);
}

TEST_CASE("If-None-Match naming the current tag, or *, is answered 304 with the ETag and no body "
          "(RFC 9110 §13.1.2, §15.4.5)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string tag = current_tag(server.port());
    std::string bare = opaque(tag);
    for (std::string value : {
             tag,
             bare,
             "W/" + bare,                          // weak comparison: W/ is ignored (§8.8.3.2)
             std::string("*"),                     // any current representation
             "\"something-else\", " + tag,         // one of a list
             tag + ",\"something-else\"",
             "\"a\" ,  W/\"b\",, " + bare,          // spaces and an empty element (§5.6.1)
         }) {
        CAPTURE(value);
        expect_not_modified(server.port(), "If-None-Match: " + value + "\r\n", tag);
    }
    // A list split over two field lines is one list (§5.3).
    expect_not_modified(server.port(), "If-None-Match: \"something-else\"\r\nIf-None-Match: " + tag + "\r\n", tag);
}

TEST_CASE("If-None-Match naming no current tag gets the whole file with its ETag (RFC 9110 §13.1.2)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string tag = current_tag(server.port());
    std::string bare = opaque(tag);
    std::string altered = bare;
    altered[1] = altered[1] == '0' ? '1' : '0';
    for (std::string value : {
             std::string("\"something-else\""),
             std::string("W/\"something-else\""),
             altered,                                 // one character off
             bare.substr(1, bare.size() - 2),         // without its quotes: not an entity-tag
             std::string("\"\""),
             std::string(""),
         }) {
        CAPTURE(value);
        Response response = expect_whole_file(server.port(), "If-None-Match: " + value + "\r\n");
        CHECK(response.field("ETag") == tag);
    }
}

TEST_CASE("If-None-Match takes precedence: If-Modified-Since is ignored when it is present (RFC 9110 §13.2.2, "
          "§13.1.3)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string tag = current_tag(server.port());
    std::string since_then = "If-Modified-Since: Sat, 03 Feb 2001 04:05:06 GMT\r\n";  // alone, a 304
    std::string long_ago = "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n";  // alone, a 200
    expect_not_modified(server.port(), since_then, tag);
    expect_whole_file(server.port(), "If-None-Match: \"something-else\"\r\n" + since_then);
    expect_not_modified(server.port(), "If-None-Match: " + tag + "\r\n" + long_ago, tag);
}

TEST_CASE("a changed file gets a new ETag, and its old one no longer matches (RFC 9110 §8.8.3)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string old_tag = current_tag(server.port());
    set_modified(site.root.write("hello.txt", "hello again, file\n"), modified + hours(1));
    Response response = expect_whole_file(server.port(), "If-None-Match: " + old_tag + "\r\n", "hello again, file\n");
    std::string new_tag = response.field("ETag").value_or("");
    CHECK(new_tag != old_tag);
    expect_not_modified(server.port(), "If-None-Match: " + new_tag + "\r\n", new_tag);
}

TEST_CASE("a change within the same second, at the same size, changes the ETag, which Last-Modified cannot "
          "show (RFC 9110 §8.8.1)") {
    Site site;
    if (!set_modified_exactly(site.hello, modified, 250'000'000)) {
        MESSAGE("this file system keeps no sub-second times: nothing to check");
        return;
    }
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    Response before = exchange(server.port(), get("/files/hello.txt"));
    site.root.write("hello.txt", "HELLO, FILE\n");
    REQUIRE(set_modified_exactly(site.hello, modified, 750'000'000));
    Response after = exchange(server.port(), get("/files/hello.txt"));
    CHECK(after.body == "HELLO, FILE\n");
    CHECK(after.field("Last-Modified") == before.field("Last-Modified"));  // whole seconds: alike
    REQUIRE(before.field("ETag").has_value());
    CHECK(after.field("ETag") != before.field("ETag"));
    expect_whole_file(server.port(), "If-None-Match: " + before.field("ETag").value_or("") + "\r\n", "HELLO, FILE\n");
}
