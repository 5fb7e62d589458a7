// The request-target's forms (RFC 9112 §3.2) and the path a server routes by.
#include <doctest/doctest.h>

#include <string>

#include "parser.hpp"
#include "semantics.hpp"

using namespace porter;

namespace {

Request parsed(const std::string& head) {
    static std::string storage;  // the views must outlive the call
    storage = head;
    Request request;
    REQUIRE(parse_request(storage, Limits{}, request).status == ParseStatus::complete);
    return request;
}

}  // namespace

TEST_CASE("origin-form, absolute-form and OPTIONS * are accepted; other forms are 400 (RFC 9112 §3.2)") {
    CHECK(check_target(parsed("GET /a?b HTTP/1.1\r\nHost: h\r\n\r\n")) == 0);
    CHECK(check_target(parsed("GET http://h/a HTTP/1.1\r\nHost: h\r\n\r\n")) == 0);
    CHECK(check_target(parsed("GET HTTPS://h HTTP/1.1\r\nHost: h\r\n\r\n")) == 0);
    CHECK(check_target(parsed("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")) == 0);
    CHECK(check_target(parsed("GET * HTTP/1.1\r\nHost: h\r\n\r\n")) == 400);
    CHECK(check_target(parsed("GET abc HTTP/1.1\r\nHost: h\r\n\r\n")) == 400);
    CHECK(check_target(parsed("GET h:443 HTTP/1.1\r\nHost: h\r\n\r\n")) == 400);  // authority-form, not CONNECT
    // CONNECT's authority-form passes, for the router to answer 501 (RFC 9110 §15.6.2).
    CHECK(check_target(parsed("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n")) == 0);
}

TEST_CASE("the path of an absolute-form target is the part after the authority (RFC 9112 §3.2.2)") {
    CHECK(parsed("GET http://h/a/b?q=1 HTTP/1.1\r\nHost: h\r\n\r\n").path() == "/a/b");
    CHECK(parsed("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n").path() == "/");
    CHECK(parsed("GET /x?y HTTP/1.1\r\nHost: h\r\n\r\n").path() == "/x");
    CHECK(parsed("GET /x?y HTTP/1.1\r\nHost: h\r\n\r\n").query() == "y");
}
