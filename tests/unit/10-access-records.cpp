// The access record: one per exchange, once it is over — its answer all
// taken by the socket, or the connection ended first — with the bytes the
// socket took, not the bytes handed over.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;
using namespace std::chrono_literals;

TEST_CASE("a record comes when the socket has taken the answer's last byte, not when it was handed over") {
    Driver driver;
    driver.connection->receive(get("/a"));
    std::string due(driver.connection->output());
    CHECK(driver.records.empty());  // handed over, not sent
    driver.connection->sent(due.size() - 1);
    CHECK(driver.records.empty());
    driver.connection->sent(1);
    CHECK(driver.records == std::vector<std::string>{"GET /a 200 " + std::to_string(due.size()) + " none"});
}

TEST_CASE("a record says who asked, on which connection, and how long it took in microseconds") {
    Driver driver;
    std::string peer;
    std::uint64_t id = 0;
    std::optional<Response> kept;
    driver.handler = [&](Request& req, Response& res) {
        peer = std::string(req.peer);
        id = req.connection_id;
        kept = res.defer();
    };
    driver.connection->receive("GET / HTTP/1.1\r\n");
    driver.clock.now += 1500us;
    driver.send("Host: h\r\n\r\n");
    CHECK(peer == "192.0.2.1:4000");
    CHECK(id == 7);
    driver.clock.now += 250us;
    kept->text(200, "ok\n");
    driver.take_output();
    REQUIRE(driver.durations.size() == 1);
    CHECK(driver.durations[0] == 1750us);  // from the head's first byte to the last byte sent
}

TEST_CASE("pipelined answers are recorded in order, each with its own bytes") {
    Driver driver;
    std::string out = driver.send(get("/a") + get("/bb") + "HEAD /c HTTP/1.1\r\nHost: h\r\n\r\n");
    std::string a = response_bytes(200, "OK", "ok\n");
    std::string c = a.substr(0, a.size() - 3);  // HEAD: the head alone
    REQUIRE(out == a + a + c);
    CHECK(driver.records == std::vector<std::string>{"GET /a 200 " + std::to_string(a.size()) + " none",
                                                     "GET /bb 200 " + std::to_string(a.size()) + " none",
                                                     "HEAD /c 200 " + std::to_string(c.size()) + " none"});
}

TEST_CASE("the last answer's record says why the connection closes after it") {
    Driver driver;
    std::string out = driver.send("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    CHECK(driver.records == std::vector<std::string>{"GET / 200 " + std::to_string(out.size()) + " done"});
}

TEST_CASE("an error answer to bytes that never made a request is recorded, with the close reason") {
    Driver driver;
    std::string out = driver.send("GET / HTTP/1.1\r\nBad Field: x\r\n\r\n");
    REQUIRE(out.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    REQUIRE(driver.records.size() == 1);
    CHECK(driver.records[0].ends_with(" 400 " + std::to_string(out.size()) + " parse_error"));
}

TEST_CASE("an exchange the client ends early is recorded: no status before an answer, the bytes taken of a stream") {
    SUBCASE("reset while the answer is made") {
        Driver driver;
        std::optional<Response> kept;
        driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
        driver.send(get("/slow"));
        driver.connection->abort(CloseReason::io_error);
        CHECK(driver.records == std::vector<std::string>{"GET /slow 0 0 io_error"});
    }
    SUBCASE("a stream, partly taken, then the client goes") {
        Driver driver;
        std::optional<Response> kept;
        driver.handler = [&](Request&, Response& res) {
            res.stream(200, "text/event-stream");
            kept = res.defer();
        };
        std::string head = driver.send(get("/events"));
        kept->write("data: 1\n\n");
        driver.connection->sent(4);  // the socket takes 4 bytes of the chunk, then the client goes
        driver.connection->abort(CloseReason::peer_closed);
        CHECK(driver.records == std::vector<std::string>{"GET /events 200 " + std::to_string(head.size() + 4) + " peer_closed"});
    }
    SUBCASE("the body still coming when the client goes") {
        Driver driver;
        driver.send("POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
        driver.connection->abort(CloseReason::io_error);
        CHECK(driver.records == std::vector<std::string>{"POST /up 0 0 io_error"});
    }
}

TEST_CASE("a connection that ends before any request began leaves no record") {
    Driver driver;
    driver.connection->receive("GET / HT");
    driver.connection->abort(CloseReason::io_error);
    CHECK(driver.records.empty());
}
