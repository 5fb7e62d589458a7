// Keep-alive and pipelining in the connection core (RFC 9112 §9.3).
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("pipelined requests in one read are answered in order (RFC 9112 §9.3.2)") {
    Driver driver;
    driver.handler = [](Request& req, Response& res) { res.text(200, std::string(req.target) + "\n"); };
    std::string out = driver.send(get("/a") + get("/b") + get("/c"));
    CHECK(out == response_bytes(200, "OK", "/a\n") + response_bytes(200, "OK", "/b\n") +
                     response_bytes(200, "OK", "/c\n"));
    CHECK(driver.connection->state() == ConnectionState::waiting);
}

TEST_CASE("three pipelined requests split at every offset give the same bytes") {
    std::string requests = get("/a") + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nxyz" + get("/c");
    std::string expected;
    {
        Driver whole;
        expected = whole.send(requests);
    }
    REQUIRE(expected.find("HTTP/1.1 200") != std::string::npos);
    for (std::size_t offset = 0; offset <= requests.size(); ++offset) {
        CAPTURE(offset);
        Driver driver;
        CHECK(driver.send_split(requests, offset) == expected);
        CHECK(driver.handled == std::vector<std::string>{"GET /a 0", "POST /b 3", "GET /c 0"});
    }
}

TEST_CASE("HTTP/1.1 persists by default; Connection: close ends it after the answer (RFC 9112 §9.6)") {
    Driver driver;
    CHECK(driver.send(get("/")) == response_bytes(200, "OK", "ok\n"));
    CHECK_FALSE(driver.wrote_fin);
    CHECK(driver.send(get("/", "Connection: close\r\n")) == response_bytes(200, "OK", "ok\n", true));
    CHECK(driver.wrote_fin);
    CHECK(driver.connection->state() == ConnectionState::lingering);
}

TEST_CASE("HTTP/1.0 closes unless it asks for keep-alive, and is told when it is kept (RFC 9112 §9.3)") {
    Driver plain;
    CHECK(plain.send("GET / HTTP/1.0\r\n\r\n") == response_bytes(200, "OK", "ok\n", true));
    CHECK(plain.wrote_fin);

    Driver kept;
    std::string out = kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(out.find("Connection: keep-alive\r\n") != std::string::npos);
    CHECK_FALSE(kept.wrote_fin);
    CHECK(kept.connection->state() == ConnectionState::waiting);
}

TEST_CASE("the per-connection request cap ends the connection with the last answer") {
    ConnectionOptions options;
    options.max_requests = 2;
    Driver driver(options);
    std::string out = driver.send(get("/1") + get("/2") + get("/3"));
    CHECK(out == response_bytes(200, "OK", "ok\n") + response_bytes(200, "OK", "ok\n", true));
    CHECK(driver.handled.size() == 2);
}

TEST_CASE("a pipelined request waits while the one before it is answered later") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request& req, Response& res) {
        if (req.target == "/slow") kept = res.defer();
        else res.text(200, "fast\n");
    };
    CHECK(driver.send(get("/slow") + get("/fast")) == "");
    CHECK(driver.handled == std::vector<std::string>{"GET /slow 0"});  // /fast not yet dispatched
    kept->text(200, "slow\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "slow\n") + response_bytes(200, "OK", "fast\n"));
}

TEST_CASE("a client that closes after its request still gets the answer, then the connection closes") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(get("/"));
    driver.connection->receive_end();  // half-close: the client has finished sending
    kept->text(200, "late\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "late\n", true));
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::peer_closed);
}

TEST_CASE("a client that closes between requests closes the connection: reason peer_closed") {
    Driver driver;
    driver.send(get("/"));
    driver.connection->receive_end();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::peer_closed);
}

TEST_CASE("a client that closes before reading its answers still gets them, then our FIN and the close") {
    Driver driver;
    driver.connection->receive(get("/a") + get("/b"));  // answered, not yet read
    driver.connection->receive_end();
    CHECK_FALSE(driver.connection->is_closed());
    CHECK(driver.take_output() == response_bytes(200, "OK", "ok\n") + response_bytes(200, "OK", "ok\n"));
    CHECK(driver.wrote_fin);
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::peer_closed);
}

TEST_CASE("a client that pipelines and then half-closes gets every answer, the last saying Connection: close") {
    Driver driver;
    std::optional<Response> kept;
    driver.handler = [&](Request& req, Response& res) {
        if (req.target == "/slow") kept = res.defer();
        else res.text(200, "fast\n");
    };
    driver.connection->receive(get("/slow") + get("/fast"));
    driver.connection->receive_end();  // FIN after both requests
    kept->text(200, "slow\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "slow\n") + response_bytes(200, "OK", "fast\n", true));
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::peer_closed);
}
