// Chapter 04, the end of Part I — one client at a time, shown: while the
// server waits on one client, every other client waits too, connected and
// unanswered. This is what Part I's design does, not a rule a server should
// keep: chapter 05 serves every client as its bytes arrive, and
// 05-many-clients.cpp holds it to that, so these tests stop at chapter 05.
//
// Each test waits a bounded time for an answer that must not come. That wait
// is the test itself; no test here sleeps to wait for the server to be ready.
#include <poll.h>

#include "harness.hpp"

using namespace porter::test;

namespace {

// How long the second client must go unanswered for the stall to count. A
// server that serves clients side by side answers in well under a millisecond.
constexpr std::chrono::milliseconds stall = 500ms;

// Whether the server sends `client` anything within `wait`: poll(2) for
// readable, which an answer and a close both make it.
bool hears_within(const Client& client, std::chrono::milliseconds wait) {
    pollfd readable{client.fd(), POLLIN, 0};
    return ::poll(&readable, 1, static_cast<int>(wait.count())) > 0;
}

}  // namespace

TEST_CASE("while one client has sent half a request, the next client is not answered until the first has finished" *
          chapters(4, 5)) {
    Server server;
    DescriptorCheck descriptors(server);
    // The listen queue keeps connections in order: the server accepts `slow`
    // first and blocks in recv(2), waiting for the rest of its head.
    Client slow(server.port());
    CHECK(slow.send("GET /echo/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    Client next(server.port());
    CHECK(next.send(get("/echo/next")));
    CHECK_MESSAGE(!hears_within(next, stall), "answered while another client's request was half sent");

    // The rest of the head, and the end of sending, so the server's
    // close_gracefully need not wait for us: then it moves on to `next`.
    CHECK(slow.send("Connection: close\r\n\r\n"));
    slow.finish_sending();
    Response first = parse_response(slow.read_until_close());
    CHECK(first.status == 200);
    CHECK(first.body == "slow");
    Response second = parse_response(next.read_until_close());
    CHECK(next.saw_close());
    CHECK(second.status == 200);
    CHECK(second.body == "next");
}

TEST_CASE("while one client is connected and silent, the next client is not answered until the first leaves" *
          chapters(4, 5)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client silent(server.port());
    Client next(server.port());
    CHECK(next.send(get("/")));
    CHECK_MESSAGE(!hears_within(next, stall), "answered while another client was connected and silent");

    // Leaving without a word: end of file before any byte, so no answer is owed.
    silent.finish_sending();
    CHECK(silent.read_until_close().empty());
    Response response = parse_response(next.read_until_close());
    CHECK(next.saw_close());
    CHECK(response.status == 200);
    CHECK(response.body == "hello, world\n");
}
