// Exercise 04-3: a precompressed PATH.gz, sent in place of PATH with
// Content-Encoding: gzip (RFC 9110 §8.4) to a client whose Accept-Encoding
// takes gzip (§12.5.3), and Vary: Accept-Encoding on every variant (§12.5.5).
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

using namespace std::chrono;

// What the .gz files hold. The server never decompresses, so these need not
// be real gzip: the gzip magic, then bytes, a NUL among them. Each is as long
// as its plain file, and both have one mtime, so size and mtime alone cannot
// tell the two variants apart.
const std::string hello = "hello, gzip\n";
const std::string hello_gz = std::string("\x1f\x8b\x08\0fake gz!", 12);
const std::string style = "p { margin: 0 }\n";
const std::string style_gz = std::string("\x1f\x8b\x08\0not real css", 16);

// A ROOT with:
//   hello.txt, hello.txt.gz    a text file and its compressed variant
//   style.css, style.css.gz    another type, to see that the type is the original's
//   plain.txt                  a file without a .gz
struct Site {
    TempDirectory root;
    Site() {
        constexpr sys_seconds modified = sys_days(year(2001) / 2 / 3) + hours(4) + minutes(5) + seconds(6);
        set_modified(root.write("hello.txt", hello), modified);
        set_modified(root.write("hello.txt.gz", hello_gz), modified);
        set_modified(root.write("style.css", style), modified);
        set_modified(root.write("style.css.gz", style_gz), modified);
        root.write("plain.txt", "no variant\n");
    }
};

std::string lower(std::string_view text) {
    std::string lowered(text);
    for (char& c : lowered) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    return lowered;
}

// Whether the comma-separated `value` has `element`, in any case (§12.5.5, §5.1).
bool lists(std::string_view value, std::string_view element) {
    for (;;) {
        std::size_t comma = value.find(',');
        std::string_view item = value.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (lower(item) == lower(element)) return true;
        if (comma == std::string_view::npos) return false;
        value.remove_prefix(comma + 1);
    }
}

std::string media_type(std::string_view content_type) {
    std::string type(content_type.substr(0, content_type.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    return lower(type);
}

Response get_file(std::uint16_t port, std::string_view name, std::string_view fields,
                  std::string_view method = "GET") {
    Client client(port);
    CHECK(client.send(request(method, "/files/" + std::string(name), std::string(fields) + "Connection: close\r\n")));
    Response response = client.read_response(method);
    CHECK_MESSAGE(response.well_formed, response.problem);
    if (method == "HEAD") CHECK_MESSAGE(client.read_until_close().empty(), "bytes after the head of an answer to HEAD");
    return response;
}

void check_vary(const Response& response) {
    std::optional<std::string> vary = response.field("Vary");
    REQUIRE_MESSAGE(vary.has_value(), "the answer depends on Accept-Encoding: without Vary, a cache hands gzip "
                                      "bytes to a client that cannot read them");
    CHECK(lists(*vary, "Accept-Encoding"));
}

void check_gzip(const Response& response, const std::string& gz, std::string_view type) {
    CHECK(response.status == 200);
    CHECK(response.field("Content-Encoding").has_value());
    CHECK(lower(response.field("Content-Encoding").value_or("")) == "gzip");
    CHECK(media_type(response.field("Content-Type").value_or("")) == type);
    CHECK(response.field("Content-Length") == std::to_string(gz.size()));
    check_vary(response);
}

void check_plain(const Response& response, const std::string& body) {
    CHECK(response.status == 200);
    CHECK(response.body == body);
    CHECK_FALSE(response.field("Content-Encoding").has_value());
    check_vary(response);
}

}  // namespace

TEST_CASE("a client that accepts gzip gets PATH.gz's bytes with Content-Encoding: gzip, PATH's type and Vary "
          "(RFC 9110 §8.4, §12.5.3, §12.5.5)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    for (std::string fields : {
             "Accept-Encoding: gzip\r\n",
             "Accept-Encoding: gzip, deflate, br, zstd\r\n",  // a browser's
             "Accept-Encoding: GZIP\r\n",                     // codings compare in any case (§8.4.1)
             "Accept-Encoding: br;q=1.0, gzip;q=0.001\r\n",  // any weight above 0
             "Accept-Encoding: br ; q=0.5, gzip ; Q=0.8\r\n",
             "Accept-Encoding: *\r\n",                        // "*": any coding not named (§12.5.3)
             "Accept-Encoding: br, *;q=0.5\r\n",
             "Accept-Encoding: identity;q=0.5, gzip\r\n",
             "Accept-Encoding: br\r\nAccept-Encoding: gzip\r\n",  // two lines are one list (§5.3)
         }) {
        CAPTURE(fields);
        Response response = get_file(server.port(), "hello.txt", fields);
        check_gzip(response, hello_gz, "text/plain");
        CHECK(response.body == hello_gz);
    }
    Response css = get_file(server.port(), "style.css", "Accept-Encoding: gzip\r\n");
    check_gzip(css, style_gz, "text/css");
    CHECK(css.body == style_gz);
}

TEST_CASE("a client that does not accept gzip gets PATH itself, with Vary too (RFC 9110 §12.5.3, §12.5.5)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    for (std::string fields : {
             "",                               // no Accept-Encoding: plain, as every server does
             "Accept-Encoding: \r\n",          // empty: no coding wanted (§12.5.3)
             "Accept-Encoding: identity\r\n",
             "Accept-Encoding: br, deflate\r\n",
             "Accept-Encoding: gzip;q=0\r\n",  // q=0: not acceptable (§12.4.2)
             "Accept-Encoding: gzip;q=0.000, br\r\n",
             "Accept-Encoding: *;q=0\r\n",
             "Accept-Encoding: *, gzip;q=0\r\n",  // the named coding overrides "*"
         }) {
        CAPTURE(fields);
        check_plain(get_file(server.port(), "hello.txt", fields), hello);
    }
}

TEST_CASE("HEAD answers as GET would: the variant's fields and length, no body (RFC 9110 §9.3.2)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    check_gzip(get_file(server.port(), "style.css", "Accept-Encoding: gzip\r\n", "HEAD"), style_gz, "text/css");
    Response plain = get_file(server.port(), "style.css", "", "HEAD");
    CHECK(plain.field("Content-Length") == std::to_string(style.size()));
    CHECK_FALSE(plain.field("Content-Encoding").has_value());
    check_vary(plain);
}

TEST_CASE("the variants are two representations: a 304 for either carries Vary, and their ETags differ when "
          "sent (RFC 9110 §15.4.5, §8.8.3)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string since = "If-Modified-Since: Sat, 03 Feb 2001 04:05:06 GMT\r\n";
    for (std::string accept : {"", "Accept-Encoding: gzip\r\n"}) {
        CAPTURE(accept);
        Response response = get_file(server.port(), "hello.txt", accept + since);
        CHECK(response.status == 304);
        check_vary(response);
    }
    Response gzipped = get_file(server.port(), "hello.txt", "Accept-Encoding: gzip\r\n");
    Response plain = get_file(server.port(), "hello.txt", "");
    if (gzipped.field("ETag") || plain.field("ETag"))
        CHECK_MESSAGE(gzipped.field("ETag") != plain.field("ETag"),
                      "one ETag for two representations: If-None-Match could confirm the wrong one");
}

TEST_CASE("PATH.gz asked for by name is application/gzip, with no Content-Encoding; a file without a .gz is "
          "sent as before (RFC 9110 §8.4)") {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    Response gz = get_file(server.port(), "hello.txt.gz", "Accept-Encoding: gzip\r\n");
    CHECK(gz.status == 200);
    CHECK(gz.body == hello_gz);
    CHECK(media_type(gz.field("Content-Type").value_or("")) == "application/gzip");
    CHECK_MESSAGE(!gz.field("Content-Encoding").has_value(),
                  "Content-Encoding: gzip on a .gz makes the client unzip what it meant to save");
    Response plain = get_file(server.port(), "plain.txt", "Accept-Encoding: gzip\r\n");
    CHECK(plain.status == 200);
    CHECK(plain.body == "no variant\n");
    CHECK_FALSE(plain.field("Content-Encoding").has_value());
}
