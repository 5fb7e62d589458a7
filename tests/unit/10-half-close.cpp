// A FIN while an answer is being made. TCP can't tell "I have left" from "I
// have sent everything and am reading": the application hears of it
// (client_gone(), on_close) and may stop, and an answer given anyway is sent.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("the client's FIN while a deferred answer is made runs on_close and makes client_gone() true") {
    Driver driver;
    std::optional<Response> kept;
    int closed = 0;
    driver.handler = [&](Request&, Response& res) {
        kept = res.defer();
        kept->on_close([&] { ++closed; });
    };
    driver.send(get("/slow"));
    CHECK_FALSE(kept->client_gone());
    driver.connection->receive_end();
    CHECK(closed == 1);
    CHECK(kept->client_gone());
    CHECK_FALSE(driver.connection->is_closed());  // it may still be reading
}

TEST_CASE("an answer given after the client's FIN is still sent, then the connection closes") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(get("/slow"));
    driver.connection->receive_end();
    CHECK(kept->text(200, "for a client that reads\n"));
    CHECK(driver.take_output() == response_bytes(200, "OK", "for a client that reads\n", true));
    CHECK(driver.connection->is_closed());  // its FIN came first: ours closes it
    CHECK(driver.connection->close_reason() == CloseReason::peer_closed);
    CHECK_FALSE(kept->client_gone());  // finished, not gone
}

TEST_CASE("a pipelined request answered after the client's FIN finds the client gone from the start") {
    Driver driver;
    std::vector<bool> gone_at_dispatch;
    std::vector<Response> kept;
    driver.handler = [&](Request&, Response& res) {
        gone_at_dispatch.push_back(res.client_gone());
        kept.push_back(res.defer());
    };
    driver.send(get("/a") + get("/b"));
    driver.connection->receive_end();
    kept[0].text(200, "a\n");
    driver.take_output();
    REQUIRE(kept.size() == 2);
    CHECK(gone_at_dispatch == std::vector<bool>{false, true});
    int closed = 0;
    kept[1].on_close([&] { ++closed; });  // already gone: at once
    CHECK(closed == 1);
    kept[1].text(200, "b\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "b\n", true));
}

TEST_CASE("a FIN during a stream is heard by the producer, whose writes still go out") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) {
        res.stream(200, "text/plain");
        kept = res.defer();
    };
    driver.send(get("/"));
    driver.take_output();
    driver.connection->receive_end();
    CHECK(kept->client_gone());
    CHECK(kept->write("more"));
    CHECK(driver.take_output() == "4\r\nmore\r\n");
}
