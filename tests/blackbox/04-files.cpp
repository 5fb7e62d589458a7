// Chapter 04 — serving files: GET /files/PATH answers the file PATH under
// ROOT, typed by its extension, with Last-Modified, and a 304 when the client's
// copy is current; HEAD gives the length alone. No request target, however
// encoded, and no symlink reaches anything outside ROOT.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "harness.hpp"

using namespace porter::test;

namespace {

constexpr std::string_view secret = "the secret that lives outside the root\n";
constexpr std::string_view passwd = "root:x:0:0:root:/root:/bin/bash\n";

// A ROOT to serve, inside a temporary directory that also holds files the
// server must never give out:
//   secret.txt, passwd           beside the root, one ".." away
//   root/hello.txt               plain text, modified 2001-02-03 04:05:06 GMT
//   root/page.html, style.css    for their types
//   root/a b.txt                 a name that needs an escape
//   root/sub/index.html          a directory's index
//   root/big.bin                 2 MiB: more than any socket buffer holds
//   root/link-out, link-up       symlinks to secret.txt, absolute and relative
//   root/dir-out                 a symlink to the directory above the root
//   root/pipe                    a FIFO, which blocks whoever opens it to read
struct Site {
    TempDirectory top;
    std::string root = top.path() + "/root";
    std::string big;

    Site() {
        top.write("secret.txt", secret);
        top.write("passwd", passwd);
        set_modified(top.write("root/hello.txt", "hello, file\n"), modified);
        top.write("root/page.html", "<!doctype html><title>page</title>\n");
        top.write("root/style.css", "body { color: black; }\n");
        top.write("root/a b.txt", "spaced out\n");
        top.write("root/sub/index.html", "<!doctype html><title>index of sub</title>\n");
        for (std::size_t i = 0; big.size() < (2 << 20); ++i) big += "line " + std::to_string(i) + "\n";
        big.resize(2 << 20);
        top.write("root/big.bin", big);
        std::filesystem::create_symlink(top.path() + "/secret.txt", root + "/link-out");
        std::filesystem::create_symlink("../secret.txt", root + "/link-up");
        std::filesystem::create_directory_symlink(top.path(), root + "/dir-out");
        REQUIRE(::mkfifo((root + "/pipe").c_str(), 0644) == 0);
    }

    static constexpr std::chrono::sys_seconds modified =
        std::chrono::sys_days(std::chrono::year(2001) / 2 / 3) + std::chrono::hours(4) + std::chrono::minutes(5) +
        std::chrono::seconds(6);
};

// The media type of a Content-Type value: before any parameters, lower case (RFC 9110 §8.3.1).
std::string media_type(std::string_view content_type) {
    std::string type(content_type.substr(0, content_type.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type;
}

std::string get_with(std::string_view target, std::string_view fields) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(fields) +
           "Connection: close\r\n\r\n";
}

// The answer must give away nothing from outside the root.
void expect_refused(const Response& response, std::initializer_list<int> statuses) {
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK_MESSAGE(std::find(statuses.begin(), statuses.end(), response.status) != statuses.end(),
                  "status ", response.status);
    CHECK(response.body.find(secret) == std::string::npos);
    CHECK(response.body.find("root:x:0:0") == std::string::npos);
}

// A Location relative to the request's path, resolved as a client would
// (RFC 3986 §5.2): a reference without a leading '/' replaces the last segment.
std::string resolved(std::string_view path, std::string_view location) {
    if (location.starts_with('/')) return std::string(location);
    if (location.starts_with("./")) location.remove_prefix(2);
    return std::string(path.substr(0, path.rfind('/') + 1)) + std::string(location);
}

}  // namespace

TEST_CASE("a file under ROOT is served whole, with its length and a Content-Type from its extension (RFC 9110 §8.3)" *
          chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    struct Expected {
        std::string name, body, type;
    };
    for (const Expected& file : {Expected{"hello.txt", "hello, file\n", "text/plain"},
                                 Expected{"page.html", "<!doctype html><title>page</title>\n", "text/html"},
                                 Expected{"style.css", "body { color: black; }\n", "text/css"}}) {
        CAPTURE(file.name);
        Response response = exchange(server.port(), get("/files/" + file.name));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 200);
        CHECK(response.body == file.body);
        CHECK(media_type(response.field("Content-Type").value_or("")) == file.type);
    }
}

TEST_CASE("a file larger than the socket buffers arrives intact" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    Response response = exchange(server.port(), get("/files/big.bin"));
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    CHECK(response.body.size() == site.big.size());
    CHECK(response.body == site.big);
}

TEST_CASE("a path is percent-decoded before it names a file (RFC 3986 §2.1)" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    Response response = exchange(server.port(), get("/files/a%20b.txt"));
    CHECK(response.status == 200);
    CHECK(response.body == "spaced out\n");
    CHECK(exchange(server.port(), get("/files/hell%6F.txt")).body == "hello, file\n");
}

TEST_CASE("a directory named with its trailing slash is served as its index.html" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    Response response = exchange(server.port(), get("/files/sub/"));
    CHECK(response.status == 200);
    CHECK(response.body == "<!doctype html><title>index of sub</title>\n");
    CHECK(media_type(response.field("Content-Type").value_or("")) == "text/html");
}

TEST_CASE("a directory named without its trailing slash is redirected to the name with one, query kept (RFC 9110 "
          "§15.4.2)" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (auto redirect : {std::pair{"/files/sub", "/files/sub/"}, {"/files/sub?x=1", "/files/sub/?x=1"}}) {
        const std::string_view target = redirect.first, expected = redirect.second;
        CAPTURE(target);
        Response response = exchange(server.port(), get(target));
        CHECK(response.status == 301);
        std::string_view path = target.substr(0, target.find('?'));
        CHECK(resolved(path, response.field("Location").value_or("")) == expected);
        Response followed = exchange(server.port(), get(expected));
        CHECK(followed.status == 200);
        CHECK(followed.body == "<!doctype html><title>index of sub</title>\n");
    }
}

TEST_CASE("a last segment \".\" names a directory, as RFC 3986 §5.2.4 reads it: sub/. is sub/, hello.txt/. is nothing" *
          chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    Response index = exchange(server.port(), get("/files/sub/."));
    CHECK(index.status == 200);
    CHECK(index.body == "<!doctype html><title>index of sub</title>\n");
    for (std::string target : {"/files/hello.txt/.", "/files/hello.txt/%2e", "/files/sub/index.html/."}) {
        CAPTURE(target);
        CHECK(exchange(server.port(), get(target)).status == 404);
    }
}

TEST_CASE("a file that does not exist is 404 (RFC 9110 §15.5.5)" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string target : {"/files/missing.txt", "/files/sub/missing.html", "/files/nodir/hello.txt"}) {
        CAPTURE(target);
        Response response = exchange(server.port(), get(target));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 404);
    }
}

TEST_CASE("no request target reaches a file outside ROOT: every traversal form is refused with 400 or 404" *
          chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string target : {
             "/files/../secret.txt",                      // plain dot-dot
             "/files/sub/../../secret.txt",               // down, then up past the top
             "/files/../passwd",
             "/files/../../../../../../../../etc/passwd",  // far past the top
             "/files//etc/passwd",                        // an absolute path inside the path
             "/files/%2e%2e/secret.txt",                  // encoded dots (RFC 3986 §2.3: %2E is '.')
             "/files/%2E%2E/secret.txt",
             "/files/.%2e/secret.txt",
             "/files/%2e%2e%2fsecret.txt",                // encoded dots and slash
             "/files/..%2fsecret.txt",                    // an encoded slash
             "/files/..%2Fpasswd",
             "/files/%2fetc%2fpasswd",
             "/files/....//secret.txt",                   // a filter that strips "../" once leaves "../"
             "/files/....//....//etc/passwd",
             "/files/..;/secret.txt",                     // a path parameter, as some servers read them
             "/files/..%5csecret.txt",                    // an encoded backslash, Windows's separator
             "/files/hello.txt%00/../../secret.txt",      // an encoded NUL, where C strings end
             "/files/%00../secret.txt",
             "/files/%252e%252e%252fsecret.txt",          // double-encoded: decoded once it is a name
             "/files/%252e%252e/secret.txt",
             "/files/%c0%ae%c0%ae/secret.txt",            // overlong UTF-8 for '.'
             "/files/sub/./../.././secret.txt",
         }) {
        CAPTURE(target);
        expect_refused(exchange(server.port(), get(target)), {400, 404});
    }
}

TEST_CASE("a symlink under ROOT that points outside it is refused, never followed" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string target : {"/files/link-out", "/files/link-up", "/files/dir-out/secret.txt", "/files/dir-out/passwd"}) {
        CAPTURE(target);
        expect_refused(exchange(server.port(), get(target)), {403, 404});
    }
}

TEST_CASE("a FIFO under ROOT is refused at once: opening it must not block the server" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    expect_refused(exchange(server.port(), get("/files/pipe")), {403, 404});
    CHECK(exchange(server.port(), get("/files/hello.txt")).status == 200);  // and the server goes on
}

TEST_CASE("HEAD on a file gives its Content-Length and type, and no body (RFC 9110 §9.3.2)" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string name : {"page.html", "big.bin"}) {
        CAPTURE(name);
        Client client(server.port());
        CHECK(client.send("HEAD /files/" + name + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        Response response = client.read_response("HEAD");
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 200);
        CHECK(response.field("Content-Length") == std::to_string(std::filesystem::file_size(site.root + "/" + name)));
        CHECK(response.field("Content-Type") == exchange(server.port(), get("/files/" + name)).field("Content-Type"));
        CHECK_MESSAGE(client.read_until_close().empty(), "body bytes after the head of an answer to HEAD");
        CHECK(client.saw_close());
    }
}

TEST_CASE("Last-Modified is the file's modification time, as an IMF-fixdate (RFC 9110 §8.8.2)" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    Response response = exchange(server.port(), get("/files/hello.txt"));
    CHECK(response.status == 200);
    CHECK(response.field("Last-Modified") == "Sat, 03 Feb 2001 04:05:06 GMT");
}

TEST_CASE("If-Modified-Since at or after Last-Modified is answered 304, with no body (RFC 9110 §13.1.3, §15.4.5)" *
          chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    std::string last_modified = exchange(server.port(), get("/files/hello.txt")).field("Last-Modified").value_or("");
    REQUIRE(!last_modified.empty());
    for (std::string since : {last_modified, std::string("Mon, 01 Jan 2018 00:00:00 GMT")}) {
        CAPTURE(since);
        Response response = exchange(server.port(), get_with("/files/hello.txt", "If-Modified-Since: " + since + "\r\n"));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 304);
        CHECK(response.body.empty());
    }
}

TEST_CASE("If-Modified-Since before Last-Modified, or not a valid date, gets the whole file (RFC 9110 §13.1.3)" *
          chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string since : {"Sat, 03 Feb 2001 04:05:05 GMT",  // one second earlier
                              "Thu, 01 Jan 1970 00:00:00 GMT",
                              "yesterday",                      // not a date: MUST be ignored
                              "Sat, 03 Feb 2001 04:05:06 UTC",  // not GMT
                              "Fri, 03 Feb 2001 04:05:06 GMT",  // the wrong weekday
                              ""}) {
        CAPTURE(since);
        Response response = exchange(server.port(), get_with("/files/hello.txt", "If-Modified-Since: " + since + "\r\n"));
        CHECK(response.status == 200);
        CHECK(response.body == "hello, file\n");
    }
}

TEST_CASE("If-Modified-Since is read in all three HTTP-date formats (RFC 9110 §5.6.7)" * chapters(4)) {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string since : {"Sat, 03 Feb 2001 04:05:06 GMT",       // IMF-fixdate
                              "Saturday, 03-Feb-01 04:05:06 GMT",    // RFC 850
                              "Sat Feb  3 04:05:06 2001"}) {         // asctime
        CAPTURE(since);
        CHECK(exchange(server.port(), get_with("/files/hello.txt", "If-Modified-Since: " + since + "\r\n")).status == 304);
    }
}
