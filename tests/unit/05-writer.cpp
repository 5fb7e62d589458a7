// The writer: a response's head, byte for byte (RFC 9112 §4, RFC 9110 §6.4.1,
// §6.6.1). No connection: the head follows from what writer.hpp's ResponseHead
// says, so each rule is a head in and the exact bytes out.
#include <doctest/doctest.h>

#include <string>

#include "response_head.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("a head: status line, Date, the body's type and length, and the empty line") {
    CHECK(head_of({.status = 200, .content_type = "text/plain", .length = 3}) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/plain\r\n"
          "Content-Length: 3\r\n"
          "\r\n");
}

TEST_CASE("the application's fields come after Date, in the order given, before the framing") {
    FieldList fields = {{"Cache-Control", "no-store"}, {"X-Two", "2"}};
    CHECK(head_of({.status = 404, .fields = &fields, .content_type = "text/plain", .length = 0}) ==
          "HTTP/1.1 404 Not Found\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Cache-Control: no-store\r\n"
          "X-Two: 2\r\n"
          "Content-Type: text/plain\r\n"
          "Content-Length: 0\r\n"
          "\r\n");
}

TEST_CASE("a body-less content type is left out: a body of length 0 still says Content-Length: 0") {
    CHECK(head_of({.status = 200, .length = 0}) ==
          "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("204 and 304 have no body, so no Content-Type, Content-Length or Transfer-Encoding (RFC 9110 §6.4.1)") {
    for (int status : {204, 304}) {
        CAPTURE(status);
        std::string head = head_of({.status = status, .content_type = "text/html", .length = 12});
        CHECK(head == "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) +
                          "\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n");
        CHECK_FALSE(may_have_body(status));
    }
    CHECK(may_have_body(200));
    CHECK(may_have_body(404));
    CHECK_FALSE(may_have_body(100));
}

TEST_CASE("a response after which the connection closes says Connection: close, last (RFC 9112 §9.6)") {
    CHECK(head_of({.status = 400, .content_type = "text/plain", .length = 12, .closing = true}) ==
          "HTTP/1.1 400 Bad Request\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/plain\r\n"
          "Content-Length: 12\r\n"
          "Connection: close\r\n"
          "\r\n");
}

TEST_CASE("the status line always says HTTP/1.1, whatever the request's version (RFC 9110 §6.2)") {
    CHECK(head_of({.status = 200, .version = Version::http_1_0, .length = 0, .closing = true})
              .starts_with("HTTP/1.1 200 OK\r\n"));
}
