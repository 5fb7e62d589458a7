// static_files as a handler an application can mount on any route: it
// answers GET and HEAD only, and refuses any other method itself, 405 with
// Allow (RFC 9110 §15.5.6). In stage 04 the router never lets another method
// reach it (its one route is GET), so only a direct call can test the refusal.
//
// Chapter 04 only: from chapter 05 the Response is the connection's, and the
// finished library's static_files is held to the same rule by its own tests.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "static_files.hpp"

using namespace porter;

TEST_CASE("static_files answers a method other than GET and HEAD with 405 and Allow: GET, HEAD") {
    char name[] = "/tmp/porter-static-method-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    const std::string root = name;
    std::ofstream(root + "/hello.txt") << "hello\n";
    Handler handler = static_files(root);
    for (std::string_view method : {"POST", "PUT", "DELETE"}) {
        CAPTURE(method);
        Request request;
        request.method = method;
        request.target = "/files/hello.txt";
        request.params = {{"path", "hello.txt"}};
        Response response;
        handler(request, response);
        const std::string head = response.serialize("Sun, 06 Nov 1994 08:49:37 GMT", false);
        CHECK(head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        CHECK(head.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
        CHECK(response.file_body() == nullptr);
    }
    std::filesystem::remove_all(root);
}
