// The response writer with a file body, with exact bytes (RFC 9112 §6.3,
// RFC 9110 §8.6, §9.3.2, §15.4.5).
//
// Chapter 04 only: from chapter 05 the connection writes responses, and
// 05-connection.cpp holds it to the same rules. serialize() writes the head;
// the file's bytes are sent after it with sendfile(2), so the head must
// announce the file's length, not the length of anything in memory.
#include <doctest/doctest.h>

#include <fcntl.h>

#include <string>

#include "response.hpp"

using namespace porter;

namespace {

constexpr std::string_view date = "Sun, 06 Nov 1994 08:49:37 GMT";

// Any open descriptor will do: serialize() never reads the file.
FileBody some_file(std::uint64_t offset, std::uint64_t length) {
    return {Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)), offset, length};
}

}  // namespace

TEST_CASE("a file answer's head: Content-Length is the file's length, and the head ends at the empty line") {
    Response response;
    REQUIRE(response.set_field("Last-Modified", "Sat, 03 Feb 2001 04:05:06 GMT"));
    REQUIRE(response.file(200, some_file(0, 1234), "text/html; charset=utf-8"));
    CHECK(response.serialize(date, false) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Last-Modified: Sat, 03 Feb 2001 04:05:06 GMT\r\n"
          "Content-Type: text/html; charset=utf-8\r\n"
          "Content-Length: 1234\r\n"
          "Connection: close\r\n"
          "\r\n");
    REQUIRE(response.file_body() != nullptr);
    CHECK(response.file_body()->offset == 0);
    CHECK(response.file_body()->length == 1234);
    CHECK(response.file_body()->file.is_open());
}

TEST_CASE("the answer to HEAD for a file is the same head (RFC 9110 §9.3.2); the caller sends no file after it") {
    Response response;
    REQUIRE(response.file(200, some_file(0, 1234), "image/png"));
    CHECK(response.serialize(date, true) == response.serialize(date, false));
}

TEST_CASE("a file answer of length 0 is framed as Content-Length: 0") {
    Response response;
    REQUIRE(response.file(200, some_file(0, 0), "text/plain; charset=utf-8"));
    CHECK(response.serialize(date, false).find("\r\nContent-Length: 0\r\n") != std::string::npos);
}

TEST_CASE("a 304 keeps no file and describes none (RFC 9110 §15.4.5)") {
    Response response;
    REQUIRE(response.file(304, some_file(0, 1234), "text/plain; charset=utf-8"));
    CHECK(response.file_body() == nullptr);
    CHECK(response.serialize(date, false) ==
          "HTTP/1.1 304 Not Modified\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Connection: close\r\n"
          "\r\n");
}

TEST_CASE("text, send and empty answers have no file to send") {
    Response text;
    REQUIRE(text.text(200, "hi\n"));
    CHECK(text.file_body() == nullptr);
    Response nothing;
    CHECK(nothing.file_body() == nullptr);
}

TEST_CASE("the first answer decides: a file after a text is refused, and a text after a file") {
    Response first_text;
    REQUIRE(first_text.text(404, "no\n"));
    CHECK_FALSE(first_text.file(200, some_file(0, 10), "text/plain"));
    CHECK(first_text.file_body() == nullptr);
    Response first_file;
    REQUIRE(first_file.file(200, some_file(0, 10), "text/plain"));
    CHECK_FALSE(first_file.text(500, "late\n"));
    CHECK(first_file.serialize(date, false).starts_with("HTTP/1.1 200 OK\r\n"));
}
