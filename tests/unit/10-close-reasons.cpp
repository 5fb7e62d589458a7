// Why a connection ended (CloseReason), when more than one reason applies:
// the first decision to close stands — it is why the connection would have
// closed anyway — except that an error answer is always reported as the error.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

TEST_CASE("a client that asked to close, then half-closed while its answer was made, is closed by design (done)") {
    Driver driver;
    std::optional<Response> later;
    driver.handler = [&](Request&, Response& res) { later = res.defer(); };
    driver.connection->receive(get("/", "Connection: close\r\n"));
    driver.connection->receive_end();  // its FIN, before the answer
    REQUIRE(later);
    later->text(200, "ok\n");
    CHECK(driver.take_output() == response_bytes(200, "OK", "ok\n", true));
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::done);
}

TEST_CASE("a bad request while the server stops is reported as a parse error, not as the shutdown") {
    Driver driver;
    driver.connection->begin_shutdown();  // a new connection: it may still send its request
    CHECK(driver.send("GET / HTTP/1.1\r\nHost: h\r\nBad Field: x\r\n\r\n") ==
          response_bytes(400, "Bad Request", "Bad Request\n", true));
    driver.connection->receive_end();
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::parse_error);
}

TEST_CASE("a pipelined request already received when the server stops is still answered, with Connection: close") {
    Driver driver;
    std::optional<Response> later;
    driver.handler = [&](Request& req, Response& res) {
        if (req.target == "/slow") later = res.defer();
        else res.text(200, "ok\n");
    };
    driver.connection->receive(get("/slow") + get("/next"));
    REQUIRE(later);
    later->text(200, "slow\n");  // its output is due; /next is not parsed yet
    driver.connection->begin_shutdown();
    CHECK(driver.take_output() == response_bytes(200, "OK", "slow\n") + response_bytes(200, "OK", "ok\n", true));
    CHECK(driver.handled.size() == 2);
    CHECK(driver.wrote_fin);
}
