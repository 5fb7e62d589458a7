// The response writer, with exact bytes (RFC 9112 §4, RFC 9110 §6.6.1, §8.3,
// §8.6, §9.3.2).
//
// Chapters 03 and 04 only: from chapter 05 the connection writes responses,
// and 05-connection.cpp holds it to the same bytes. The date is an argument,
// so every expected response below is a literal.
#include <doctest/doctest.h>

#include <string>

#include "response.hpp"

using namespace porter;

namespace {

constexpr std::string_view date = "Sun, 06 Nov 1994 08:49:37 GMT";

}  // namespace

// #region exact_bytes
TEST_CASE("a text answer: status line, Date, type, length, Connection: close, the empty line, the body") {
    Response response;
    REQUIRE(response.text(200, "hello, world\n"));
    CHECK(response.serialize(date, false) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: 13\r\n"
          "Connection: close\r\n"
          "\r\n"
          "hello, world\n");
}
// #endregion exact_bytes

TEST_CASE("the answer to HEAD has every field GET's has, Content-Length included, and no body (RFC 9110 §9.3.2)") {
    Response response;
    REQUIRE(response.send(200, "<p>hi</p>", "text/html; charset=utf-8"));
    CHECK(response.serialize(date, true) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/html; charset=utf-8\r\n"
          "Content-Length: 9\r\n"
          "Connection: close\r\n"
          "\r\n");
}

TEST_CASE("fields a handler sets come after Date, in the order set") {
    Response response;
    REQUIRE(response.set_field("Allow", "GET, HEAD"));
    REQUIRE(response.set_field("Cache-Control", "no-store"));
    REQUIRE(response.text(405, "Method Not Allowed\n"));
    CHECK(response.serialize(date, false) ==
          "HTTP/1.1 405 Method Not Allowed\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Allow: GET, HEAD\r\n"
          "Cache-Control: no-store\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: 19\r\n"
          "Connection: close\r\n"
          "\r\n"
          "Method Not Allowed\n");
}

TEST_CASE("an empty body is framed as Content-Length: 0, with no Content-Type") {
    Response response;
    REQUIRE(response.empty(200));
    CHECK(response.serialize(date, false) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Length: 0\r\n"
          "Connection: close\r\n"
          "\r\n");
}

TEST_CASE("204 and 304 carry no body and no fields that describe one (RFC 9110 §15.3.5, §15.4.5)") {
    for (int status : {204, 304}) {
        CAPTURE(status);
        Response response;
        REQUIRE(response.send(status, "ignored", "text/plain"));
        std::string bytes = response.serialize(date, false);
        CHECK(bytes.ends_with("\r\nConnection: close\r\n\r\n"));
        CHECK(bytes.find("Content-Length") == std::string::npos);
        CHECK(bytes.find("Content-Type") == std::string::npos);
        CHECK(bytes.find("ignored") == std::string::npos);
    }
}

TEST_CASE("the first answer decides; a second is refused and changes nothing") {
    Response response;
    REQUIRE(response.text(404, "no\n"));
    CHECK_FALSE(response.text(200, "yes\n"));
    CHECK_FALSE(response.set_field("X-Late", "1"));
    CHECK(response.serialize(date, false).starts_with("HTTP/1.1 404 Not Found\r\n"));
    CHECK(response.serialize(date, false).ends_with("\r\n\r\nno\n"));
}

TEST_CASE("a status that is not a final one, 200 to 599, is refused: a 1xx is not an answer") {
    for (int status : {0, 100, 101, 199, 600, 1000, -200}) {
        CAPTURE(status);
        Response response;
        CHECK_FALSE(response.text(status, "x"));
        CHECK_FALSE(response.is_finished());
    }
}

TEST_CASE("set_field refuses what would break the framing or inject a field: response splitting") {
    Response response;
    CHECK_FALSE(response.set_field("X-Evil", "a\r\nSet-Cookie: stolen=1"));
    CHECK_FALSE(response.set_field("X-Evil", "a\nb"));
    CHECK_FALSE(response.set_field("X-Nul", std::string_view("a\0b", 3)));
    CHECK_FALSE(response.set_field("Bad Name", "x"));
    CHECK_FALSE(response.set_field("", "x"));
    for (std::string_view reserved : {"Date", "content-length", "Transfer-Encoding", "CONNECTION", "Content-Type"}) {
        CAPTURE(reserved);
        CHECK_FALSE(response.set_field(reserved, "1"));
    }
    CHECK(response.set_field("X-Fine", "tab\tand obs-text \xe9"));
}

TEST_CASE("a content type that would inject a line is refused, as such a field value is") {
    Response response;
    CHECK_FALSE(response.send(200, "x", "text/html\r\nSet-Cookie: session=evil"));
    CHECK_FALSE(response.is_finished());
}

TEST_CASE("an unknown status still gets a status line: code, a space, an empty reason (RFC 9112 §4)") {
    Response response;
    REQUIRE(response.text(299, "odd\n"));
    CHECK(response.serialize(date, false).starts_with("HTTP/1.1 299 \r\n"));
}
