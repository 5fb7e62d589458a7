// The writer and persistence: an HTTP/1.0 client closes after each response
// unless told otherwise, so a kept-alive 1.0 connection says keep-alive; a 1.1
// one persists without a word (RFC 9112 §9.3).
#include <doctest/doctest.h>

#include <string>

#include "response_head.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("a kept-alive HTTP/1.0 response says Connection: keep-alive; a 1.1 one says nothing") {
    CHECK(head_of({.status = 200, .version = Version::http_1_0, .length = 2}) ==
          "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n"
          "Connection: keep-alive\r\n\r\n");
    CHECK(head_of({.status = 200, .version = Version::http_1_1, .length = 2}) ==
          "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n\r\n");
}

TEST_CASE("a closing HTTP/1.0 response says close, not keep-alive") {
    CHECK(head_of({.status = 200, .version = Version::http_1_0, .length = 2, .closing = true}).ends_with(
        "Content-Length: 2\r\nConnection: close\r\n\r\n"));
}
