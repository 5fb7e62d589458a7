// Exercise 02-1: at most 100 header fields; the 101st is answered 431.
#include <string>

#include "harness.hpp"

using namespace porter::test;

namespace {

// The head of a GET with `count` field lines, Host first, without the empty
// line that would end it.
std::string head_with_fields(int count) {
    std::string head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (int i = 2; i <= count; ++i) head += "X-Field-" + std::to_string(i) + ": " + std::to_string(i) + "\r\n";
    return head;
}

// How many times `part` occurs in `text`.
int occurrences(const std::string& text, const std::string& part) {
    int count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
    return count;
}

}  // namespace

TEST_CASE("a request with 100 header fields, the limit, is answered 200, every field parsed") {
    Server server;
    Response response = exchange(server.port(), head_with_fields(100) + "\r\n");
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    CHECK(occurrences(response.body, "\nfield   ") == 100);
    CHECK(response.body.ends_with("field   X-Field-100: 100\n"));
}

TEST_CASE("a request with 101 header fields is answered 431 and closed, as soon as the 101st arrives (RFC 6585 §5)") {
    Server server;
    Response response = exchange(server.port(), head_with_fields(101) + "\r\n");
    CHECK_MESSAGE(response.well_formed, response.problem);
    REQUIRE(response.status == 431);
    CHECK(response.reason == "Request Header Fields Too Large");
    CHECK(response.field("Connection").value_or("") == "close");

    // 101 fields and no end to the head: the client is still sending, so the
    // answer cannot wait for the empty line. The byte limit is far away.
    Client client(server.port());
    std::string head = head_with_fields(101);
    REQUIRE(head.size() < 4096);
    CHECK(client.send(head));
    Response early = parse_response(client.read_until_close());
    CHECK(early.status == 431);
    CHECK(client.saw_close());
}
