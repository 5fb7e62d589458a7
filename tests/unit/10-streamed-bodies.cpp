// Request bodies streamed to the handler (RouteOptions::stream_body), and
// each route's own body limit. The handler runs with the head; its on_body
// callback gets the pieces as they are read, and nothing more is read while
// it holds them back: the connection reads no further, and TCP pushes back
// on the client.
#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;
using namespace std::chrono_literals;

namespace {

std::string post(std::string_view target, std::string_view fields, std::string_view body = "") {
    return "POST " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n" + std::string(fields) + "\r\n" + std::string(body);
}

std::string length(std::size_t n) { return "Content-Length: " + std::to_string(n) + "\r\n"; }

// A streaming application that writes down every piece, "piece" or
// "piece|" for the last, and answers with how many bytes came once done.
struct Upload {
    std::vector<std::string> pieces;
    bool pause_each = false;
    std::optional<Response> kept;  // the response, kept to resume the body with
    int closed = 0;                // on_close calls

    void install(Driver& driver) {
        driver.stream_bodies = true;
        driver.handler = [this](Request& req, Response& res) {
            CHECK(req.body.empty());  // the head alone, so far
            kept = res.defer();
            res.on_close([this] { ++closed; });
            res.on_body([this, res](std::string_view piece, bool done) mutable {
                pieces.push_back(std::string(piece) + (done ? "|" : ""));
                if (pause_each && !done) res.pause_body();
                if (done) {
                    std::size_t total = 0;
                    for (const std::string& p : pieces) total += p.size() - (p.ends_with('|') ? 1 : 0);
                    res.text(201, std::to_string(total) + " bytes\n");
                }
            });
        };
    }
};

}  // namespace

TEST_CASE("a streamed body reaches the handler a piece at a time, as it arrives, then the answer keeps the connection") {
    Driver driver;
    Upload upload;
    upload.install(driver);
    CHECK(driver.send(post("/up", length(10))).empty());
    CHECK(driver.handled == std::vector<std::string>{"POST /up 0"});  // run at the head
    CHECK(driver.send("abcd").empty());
    CHECK(driver.send("efg").empty());
    CHECK(driver.send("hij") == response_bytes(201, "Created", "10 bytes\n"));
    CHECK(upload.pieces == std::vector<std::string>{"abcd", "efg", "hij|"});
    CHECK(driver.connection->state() == ConnectionState::waiting);  // read to its end: keep-alive holds
    CHECK(upload.closed == 0);
    driver.stream_bodies = false;
    driver.handler = [](Request&, Response& res) { res.text(200, "next\n"); };
    CHECK(driver.send(get("/")) == response_bytes(200, "OK", "next\n"));
}

TEST_CASE("a chunked body streams decoded, and its end is a last call with nothing in it") {
    Driver driver;
    Upload upload;
    upload.install(driver);
    CHECK(driver.send(post("/up", "Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n")).empty());
    CHECK(driver.send("2\r\nde\r\n").empty());
    CHECK(driver.send("0\r\n\r\n") == response_bytes(201, "Created", "5 bytes\n"));
    CHECK(upload.pieces == std::vector<std::string>{"abc", "de", "|"});
}

TEST_CASE("pause_body holds the body back: nothing is read until resume_body") {
    Driver driver;
    Upload upload;
    upload.pause_each = true;
    upload.install(driver);
    driver.send(post("/up", length(6)));
    CHECK(driver.connection->input_room() > 0);
    CHECK(driver.send("abc").empty());
    CHECK(upload.pieces == std::vector<std::string>{"abc"});
    CHECK(driver.connection->input_room() == 0);  // the server reads no more: TCP pushes back
    CHECK(driver.send("def").empty());            // a client's bytes already on their way wait
    CHECK(upload.pieces.size() == 1);
    CHECK_FALSE(driver.connection->deadline().has_value());  // the application's time, not the client's body_timeout
    upload.kept->resume_body();
    CHECK(driver.take_output() == response_bytes(201, "Created", "6 bytes\n"));
    CHECK(upload.pieces == std::vector<std::string>{"abc", "def|"});
}

TEST_CASE("the body is not read until the handler asks for it") {
    Driver driver;
    driver.stream_bodies = true;
    std::optional<Response> kept;
    std::string got;
    driver.handler = [&](Request&, Response& res) { kept = res.defer(); };
    driver.send(post("/up", length(4), "wxyz"));
    CHECK(driver.connection->input_room() == 0);
    kept->on_body([&, res = *kept](std::string_view piece, bool done) mutable {
        got += piece;
        if (done) res.text(200, got);
    });
    CHECK(driver.take_output() == response_bytes(200, "OK", "wxyz"));
}

TEST_CASE("Expect: 100-continue on a streamed route: 100 only once the handler asks for the body") {
    Driver driver;
    Upload upload;
    upload.install(driver);
    CHECK(driver.send(post("/up", length(3) + "Expect: 100-continue\r\n")) == "HTTP/1.1 100 Continue\r\n\r\n");
    CHECK(driver.send("abc") == response_bytes(201, "Created", "3 bytes\n"));
}

TEST_CASE("a streamed route that refuses at the head sends no 100 Continue, and closes after its answer") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) { res.text(401, "who are you?\n"); };
    CHECK(driver.send(post("/up", length(1000) + "Expect: 100-continue\r\n")) ==
          response_bytes(401, "Unauthorized", "who are you?\n", true));
    CHECK(driver.wrote_fin);  // closing: the body, if it comes, is not a request
}

TEST_CASE("an answer before the streamed body is all read says Connection: close, and the rest is never a request") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) {
        res.on_body([res](std::string_view, bool) mutable { res.text(413, "enough\n"); });
    };
    CHECK(driver.send(post("/up", length(10), "abc")) == response_bytes(413, "Content Too Large", "enough\n", true));
    CHECK(driver.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").empty());  // part of the body, discarded
    CHECK(driver.handled.size() == 1);
}

TEST_CASE("a handler that answers in the last piece's call needs no defer()") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) {
        res.on_body([res, n = std::size_t{0}](std::string_view piece, bool done) mutable {
            n += piece.size();
            if (done) res.text(200, std::to_string(n) + "\n");
        });
    };
    CHECK(driver.send(post("/up", length(5), "12")).empty());
    CHECK(driver.send("345") == response_bytes(200, "OK", "5\n"));
}

TEST_CASE("a handler that takes the body and keeps no way to answer gets 500 when the body is done") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) { res.on_body([](std::string_view, bool) {}); };
    CHECK(driver.send(post("/up", length(2), "ab")) ==
          response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
    CHECK(driver.failures == std::vector<std::string>{"POST /up: the handler returned without an answer"});
}

TEST_CASE("a streamed body cut off by the client's FIN: 400, and on_close tells the handler") {
    Driver driver;
    Upload upload;
    upload.install(driver);
    driver.send(post("/up", length(10), "abc"));
    driver.connection->receive_end();
    CHECK(driver.take_output() == response_bytes(400, "Bad Request", "Bad Request\n", true));
    CHECK(upload.closed == 1);
    CHECK(upload.kept->is_finished());
    CHECK(upload.pieces == std::vector<std::string>{"abc"});
}

TEST_CASE("a streamed body that stops coming: 408 at body_timeout, and on_close") {
    Driver driver(ConnectionOptions{.body_timeout = 2s});
    Upload upload;
    upload.install(driver);
    driver.send(post("/up", length(10), "abc"));
    CHECK(driver.wait(1999ms).empty());
    CHECK(driver.wait(1ms) == response_bytes(408, "Request Timeout", "Request Timeout\n", true));
    CHECK(upload.closed == 1);
}

TEST_CASE("a paused body past handler_timeout: 503, as for any handler too slow") {
    Driver driver(ConnectionOptions{.handler_timeout = 5s});
    Upload upload;
    upload.pause_each = true;
    upload.install(driver);
    driver.send(post("/up", length(10), "abc"));
    CHECK(driver.wait(4999ms).empty());
    CHECK(driver.wait(1ms) == response_bytes(503, "Service Unavailable", "Service Unavailable\n", true));
    CHECK(upload.closed == 1);
}

TEST_CASE("a chunked streamed body past the route's limit: 413 as the chunks pass it") {
    Driver driver;
    driver.route_max_body = 4;
    Upload upload;
    upload.install(driver);
    CHECK(driver.send(post("/up", "Transfer-Encoding: chunked\r\n", "3\r\nabc\r\n")).empty());
    CHECK(driver.send("3\r\ndef\r\n") == response_bytes(413, "Content Too Large", "Content Too Large\n", true));
    CHECK(upload.closed == 1);
}

TEST_CASE("an exception from on_body is the handler's: 500, reported, and the rest of the body unread") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) {
        res.on_body([](std::string_view, bool) { throw std::runtime_error("disk full"); });
    };
    CHECK(driver.send(post("/up", length(10), "abc")) ==
          response_bytes(500, "Internal Server Error", "Internal Server Error\n", true));
    CHECK(driver.failures == std::vector<std::string>{"POST /up: disk full"});
}

TEST_CASE("on_body on a route that buffers calls back at once with the whole body") {
    Driver driver;
    driver.handler = [](Request& req, Response& res) {
        CHECK(req.body == "hello");
        std::vector<std::string> calls;
        CHECK(res.on_body([&](std::string_view piece, bool done) { calls.push_back(std::string(piece) + (done ? "|" : "")); }));
        CHECK(calls == std::vector<std::string>{"hello|"});
        res.text(200, "ok\n");
    };
    CHECK(driver.send(post("/b", length(5), "hello")) == response_bytes(200, "OK", "ok\n"));
}

TEST_CASE("a route's own body limit replaces max_body_bytes: larger is 413 before a byte is read") {
    Driver driver(ConnectionOptions{.max_body_bytes = 4});
    driver.route_max_body = 64;
    driver.handler = [](Request& req, Response& res) { res.text(200, std::to_string(req.body.size()) + "\n"); };
    CHECK(driver.send(post("/big", length(32), std::string(32, 'x'))) == response_bytes(200, "OK", "32\n"));
    CHECK(driver.send(post("/big", length(65))) == response_bytes(413, "Content Too Large", "Content Too Large\n", true));
}

TEST_CASE("a streamed route's handler that neither asks for the body, nor answers, nor defers: 500, and close") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response&) {};
    CHECK(driver.send(post("/up", length(10), "abc")) ==
          response_bytes(500, "Internal Server Error", "Internal Server Error\n", true));
    CHECK(driver.failures == std::vector<std::string>{"POST /up: the handler returned without an answer"});
}

TEST_CASE("a body echoed into a stream as it comes: the stream ends with the body when no handle is kept") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) {
        res.stream(200, "application/octet-stream");
        res.on_body([res](std::string_view piece, bool) mutable { res.write(piece); });
    };
    std::string head = driver.send(post("/echo", length(5), "ab"));
    CHECK(head == "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
                  "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
                  "Connection: close\r\n\r\n2\r\nab\r\n");  // answered before the body was in: closes after
    CHECK(driver.send("cde") == "3\r\ncde\r\n0\r\n\r\n");
}

TEST_CASE("a streamed route's handler that starts a stream and takes neither the body nor the response: the stream ends, and the connection closes") {
    Driver driver;
    driver.stream_bodies = true;
    driver.handler = [](Request&, Response& res) { res.stream(200, "text/plain"); };
    CHECK(driver.send(post("/up", length(10), "abc")) ==
          "HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
          "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
    CHECK(driver.wrote_fin);
}

TEST_CASE("a streamed body that breaks off after the handler's stream began: the connection is cut, not answered twice") {
    Driver driver;
    driver.stream_bodies = true;
    int closed = 0;
    driver.handler = [&](Request&, Response& res) {
        res.on_close([&] { ++closed; });
        res.stream(200, "application/octet-stream");
        res.on_body([res](std::string_view piece, bool) mutable { res.write(piece); });
    };
    std::string out = driver.send(post("/echo", length(10), "abc"));
    CHECK(out.ends_with("\r\n\r\n3\r\nabc\r\n"));
    driver.connection->receive_end();  // the body can't be completed now
    CHECK(driver.take_output().empty());  // no 400 after a 200's head: the stream is cut, without its last chunk
    CHECK(driver.connection->is_closed());
    CHECK(driver.connection->close_reason() == CloseReason::parse_error);
    CHECK(closed == 1);
}
