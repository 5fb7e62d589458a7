// The writer and streamed bodies: without a length, HTTP/1.1 frames the body
// in chunks (RFC 9112 §7.1) and HTTP/1.0 ends it by closing (§6.3 rule 8).
#include <doctest/doctest.h>

#include <string>

#include "response_head.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("a streamed body in HTTP/1.1 is chunked: Transfer-Encoding: chunked, no Content-Length") {
    CHECK(head_of({.status = 200, .content_type = "text/event-stream"}) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/event-stream\r\n"
          "Transfer-Encoding: chunked\r\n"
          "\r\n");
    CHECK_FALSE(ends_by_closing(200, Version::http_1_1, std::nullopt));
}

TEST_CASE("a streamed body in HTTP/1.0 has no framing field and ends with the connection") {
    CHECK(ends_by_closing(200, Version::http_1_0, std::nullopt));
    CHECK(head_of({.status = 200, .version = Version::http_1_0, .content_type = "text/plain", .closing = true}) ==
          "HTTP/1.1 200 OK\r\n"
          "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/plain\r\n"
          "Connection: close\r\n"
          "\r\n");
}

TEST_CASE("a streamed 204 or 304 has no body: no Transfer-Encoding, and nothing to close for") {
    for (int status : {204, 304}) {
        CAPTURE(status);
        CHECK(head_of({.status = status, .version = Version::http_1_1, .content_type = "text/plain"}) ==
              "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) +
                  "\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n");
    }
}

TEST_CASE("a body of known length, or no body at all, never needs the close to end it") {
    CHECK_FALSE(ends_by_closing(200, Version::http_1_0, 5));
    CHECK_FALSE(ends_by_closing(204, Version::http_1_0, std::nullopt));
    CHECK_FALSE(ends_by_closing(304, Version::http_1_0, std::nullopt));
}

TEST_CASE("a chunk's size line is its length in lower-case hex, no leading zeros; the last chunk is 0 (RFC 9112 §7.1)") {
    CHECK(chunk_size_line(1) == "1\r\n");
    CHECK(chunk_size_line(10) == "a\r\n");
    CHECK(chunk_size_line(255) == "ff\r\n");
    CHECK(chunk_size_line(4096) == "1000\r\n");
    CHECK(chunk_size_line(0x123456789abcdef0) == "123456789abcdef0\r\n");
    CHECK(last_chunk == "0\r\n\r\n");
    CHECK(chunk_end == "\r\n");
}
