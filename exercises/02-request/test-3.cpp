// Exercise 02-3: Host, exactly once (RFC 9112 §3.2).
#include <string>

#include "harness.hpp"

using namespace porter::test;

namespace {

void expect_status(std::uint16_t port, const std::string& request, int status) {
    INFO("request: ", escaped(request, 300));
    Response response = exchange(port, request);
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
}

}  // namespace

TEST_CASE("an HTTP/1.1 request without a Host field is answered 400 (RFC 9112 §3.2)") {
    Server server;
    for (std::string request : {"GET / HTTP/1.1\r\n\r\n",
                                "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
                                "GET / HTTP/1.1\r\nHostname: x\r\nX-Host: x\r\n\r\n",  // names that only contain Host
                                "GET / HTTP/1.7\r\n\r\n"})  // handled as 1.1 (RFC 9110 §6.2)
        expect_status(server.port(), request, 400);
}

TEST_CASE("a request with more than one Host field is answered 400, whatever the version or the case (RFC 9112 §3.2)") {
    Server server;
    for (std::string request : {"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",  // even when they agree
                                "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
                                "GET / HTTP/1.1\r\nHOST: a\r\nX-A: 1\r\nhOsT: a\r\n\r\n",
                                "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"})
        expect_status(server.port(), request, 400);
}

TEST_CASE("one Host field, in any case, is enough, and HTTP/1.0 may leave it out (RFC 9112 §3.2)") {
    Server server;
    for (std::string request : {"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                                "GET / HTTP/1.1\r\nhost: x\r\n\r\n",  // field names are case-insensitive (RFC 9110 §5.1)
                                "GET / HTTP/1.1\r\nHOST: x\r\n\r\n",
                                "GET / HTTP/1.1\r\nHostname: y\r\nHost: x\r\n\r\n",
                                "GET / HTTP/1.0\r\n\r\n",
                                "GET / HTTP/1.0\r\nHost: x\r\n\r\n"})
        expect_status(server.port(), request, 200);
}
