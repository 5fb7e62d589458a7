// Chapter 01 — a socket that answers: the stage contract, and a well-formed
// HTTP/1.1 response to GET /.
#include "harness.hpp"

using namespace porter::test;

TEST_CASE("the ready line is exactly `listening on http://127.0.0.1:PORT`, with the port bound" * chapters(1)) {
    Server server;
    std::string expected = "listening on http://127.0.0.1:" + std::to_string(server.port()) + "\n";
    CHECK(server.ready_line() == expected);
    Client client(server.port());  // the port in the line is the one that accepts
}

TEST_CASE("port 0 asks the kernel for a free port, so two servers can start side by side" * chapters(1)) {
    Server first, second;
    CHECK(first.port() != second.port());
}

TEST_CASE("a bad command line gets one usage line on stderr and exit status 2" * chapters(1)) {
    for (std::vector<std::string> arguments : std::vector<std::vector<std::string>>{
             {"abc"}, {"80a"}, {"-1"}, {"65536"}, {"99999999999"}, {""}, {"0", ".", "extra"}}) {
        CAPTURE(arguments.front());
        Exit exit = run_to_exit(arguments);
        CHECK(exit.status == 2);
        CHECK(exit.err.starts_with("usage:"));
        CHECK(exit.err.find('\n') == exit.err.size() - 1);
        CHECK(exit.out.empty());
    }
}

TEST_CASE("a port in use gets one clear line naming it and a non-zero exit" * chapters(1)) {
    Server holder;
    std::string port = std::to_string(holder.port());
    Exit exit = run_to_exit({port});
    CHECK(exit.status > 0);
    CHECK(exit.out.empty());
    CHECK(exit.err.find(port) != std::string::npos);
    CHECK(exit.err.find('\n') == exit.err.size() - 1);
}

TEST_CASE("GET / answers 200 with a short text body, framed by Content-Length" * chapters(1)) {
    Server server;
    Response response = exchange(server.port(), get("/"));
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.version == "HTTP/1.1");
    CHECK(response.status == 200);
    CHECK(response.reason == "OK");
    CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
    CHECK(response.field("Content-Length").has_value());
    CHECK(!response.body.empty());
    CHECK(response.body.size() < 1024);
}

TEST_CASE("every request gets the same hello, world: chapter 01 never reads it" * chapters(1, 2)) {
    Server server;
    for (std::string request : {get("/"), get("/anything"), std::string("POST /x HTTP/1.1\r\n\r\n")}) {
        Response response = exchange(server.port(), request);
        CHECK(response.status == 200);
        CHECK(response.body == "hello, world\n");
    }
}

TEST_CASE("the server closes after every response and says so: Connection: close (RFC 9112 §9.6)" * chapters(1, 6)) {
    Server server;
    Client client(server.port());
    // No Connection: close from the client: closing is the server's own choice.
    CHECK(client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    Response response = parse_response(client.read_until_close());
    CHECK(client.saw_close());
    CHECK(!client.saw_reset());
    CHECK(response.field("Connection").value_or("") == "close");
}

TEST_CASE("clients are answered one after another, many times over" * chapters(1)) {
    Server server;
    for (int i = 0; i < 50; ++i) {
        Response response = exchange(server.port(), get("/"));
        REQUIRE(response.status == 200);
    }
}

TEST_CASE("a client that connects and leaves without a word does not stop the server" * chapters(1)) {
    Server server;
    {
        Client silent(server.port());
        silent.finish_sending();
    }
    CHECK(exchange(server.port(), get("/")).status == 200);
}

TEST_CASE("clients that reset right after asking do not stop the server" * chapters(1)) {
    Server server;
    // Each client asks and at once aborts (RST), so the server's read or write
    // meets ECONNRESET or EPIPE: an error for that client only. (A reset in the
    // middle of a large response, where SIGPIPE would strike, is chapter 04's.)
    for (int i = 0; i < 100; ++i) {
        Client rude(server.port());
        rude.send(get("/"));
        rude.reset();
    }
    CHECK(exchange(server.port(), get("/")).status == 200);
    CHECK(server.is_running());
}
