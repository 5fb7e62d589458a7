// Chapter 06 — keep-alive and pipelining: an HTTP/1.1 connection carries
// request after request until either side says close; requests sent back to
// back without waiting are answered in the order they came (RFC 9112 §9.3).
#include <memory>

#include "harness.hpp"

using namespace porter::test;

namespace {

// Reads one answer to GET /echo/TEXT and checks it is TEXT, on a connection that stays open.
void expect_echo(Client& client, std::string_view text) {
    Response response = client.read_response();
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    CHECK(response.body == text);
    CHECK_FALSE(response.field("Connection").value_or("") == "close");
}

// After its answers the server keeps the connection, with nothing more to say.
void expect_open_and_silent(Client& client) {
    client.finish_sending();  // our FIN: a server that kept the connection now closes it
    CHECK_MESSAGE(client.read_until_close().empty(), "bytes nobody asked for");
    CHECK(client.saw_close());
    CHECK(!client.saw_reset());
}

}  // namespace

TEST_CASE("an HTTP/1.1 connection persists: requests one after another on it are all answered (RFC 9112 §9.3)" *
          chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    for (std::string text : {"one", "two", "three"}) {
        CAPTURE(text);
        CHECK(client.send(request("GET", "/echo/" + text)));
        expect_echo(client, text);
    }
    expect_open_and_silent(client);
}

TEST_CASE("pipelined requests sent in one write are answered in order (RFC 9112 §9.3.2)" * chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("GET", "/echo/first") + request("GET", "/echo/second") + request("GET", "/echo/third")));
    expect_echo(client, "first");
    expect_echo(client, "second");
    expect_echo(client, "third");
    expect_open_and_silent(client);
}

TEST_CASE("a pipeline of GET, HEAD, a 404 and a field lookup is answered in order, each answer framed alone" *
          chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("GET", "/echo/a") + request("HEAD", "/echo/bb") + request("GET", "/no/such/path") +
                      request("GET", "/header/X-Mark", "X-Mark: marked\r\n") + request("GET", "/echo/last")));
    expect_echo(client, "a");
    // HEAD's answer says Content-Length: 2 and sends no body (RFC 9110 §9.3.2):
    // were the two bytes sent, the next answer would be read from the wrong place.
    Response headed = client.read_response("HEAD");
    CHECK(headed.status == 200);
    CHECK(headed.field("Content-Length") == "2");
    Response missing = client.read_response();
    CHECK_MESSAGE(missing.well_formed, missing.problem);
    CHECK(missing.status == 404);
    Response field = client.read_response();
    CHECK(field.status == 200);
    CHECK(field.body.starts_with("marked"));
    expect_echo(client, "last");
    expect_open_and_silent(client);
}

TEST_CASE("a pipeline split at any offset is answered the same (RFC 9112 §9.3.2)" * chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::string pipeline = request("GET", "/echo/x") + request("GET", "/echo/yy") + request("GET", "/echo/zzz");
    for (std::size_t offset = 1; offset < pipeline.size(); ++offset) {
        CAPTURE(offset);
        Client client(server.port());
        CHECK(client.send_split(pipeline, offset));
        expect_echo(client, "x");
        expect_echo(client, "yy");
        expect_echo(client, "zzz");
    }
}

TEST_CASE("a hundred pipelined requests in one write are all answered, in order (RFC 9112 §9.3.2)" * chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    std::string pipeline;
    for (int i = 0; i < 100; ++i) pipeline += request("GET", "/echo/request-" + std::to_string(i));
    CHECK(client.send(pipeline));
    for (int i = 0; i < 100; ++i) {
        CAPTURE(i);
        expect_echo(client, "request-" + std::to_string(i));
    }
    expect_open_and_silent(client);
}

TEST_CASE("Connection: close from the client ends the connection after that answer, which says so (RFC 9112 §9.6)" *
          chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    // The third request comes after the close: it must not be answered.
    CHECK(client.send(request("GET", "/echo/kept") + get("/echo/last") + request("GET", "/echo/ignored")));
    expect_echo(client, "kept");
    Response last = client.read_response();
    CHECK(last.body == "last");
    CHECK(last.field("Connection").value_or("") == "close");
    CHECK_MESSAGE(client.read_until_close().empty(), "an answer after Connection: close");
    CHECK(client.saw_close());
}

TEST_CASE("an HTTP/1.0 request without keep-alive is answered and the connection closed (RFC 9112 §9.3)" *
          chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send("GET /echo/old HTTP/1.0\r\n\r\nGET /echo/ignored HTTP/1.0\r\n\r\n"));
    Response response = client.read_response();
    CHECK(response.body == "old");
    CHECK_MESSAGE(client.read_until_close().empty(), "a second answer on an HTTP/1.0 connection");
    CHECK(client.saw_close());
}

TEST_CASE("a 404 or 405 does not end the connection: the next request on it is answered" * chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("GET", "/no/such/path")));
    CHECK(client.read_response().status == 404);
    CHECK(client.send(request("POST", "/")));
    CHECK(client.read_response().status == 405);
    CHECK(client.send(request("GET", "/echo/still-here")));
    expect_echo(client, "still-here");
    expect_open_and_silent(client);
}

TEST_CASE("a malformed request in a pipeline is answered 400 after the good ones before it, then closed" *
          chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("GET", "/echo/good") + "GET  /bad HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                      request("GET", "/echo/never")));
    expect_echo(client, "good");
    Response bad = client.read_response();
    CHECK(bad.status == 400);
    CHECK(bad.field("Connection").value_or("") == "close");
    // After a bad request the stream can't say where the next one starts.
    CHECK_MESSAGE(client.read_until_close().empty(), "an answer after the 400");
    CHECK(client.saw_close());
}

TEST_CASE("an idle kept-alive connection waits for its next request, and its client may close it" * chapters(6)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 20; ++i) {
        clients.push_back(std::make_unique<Client>(server.port()));
        CHECK(clients.back()->send(request("GET", "/echo/first")));
        expect_echo(*clients.back(), "first");
    }
    // Twenty idle connections, and each one still answers.
    for (auto& client : clients) {
        CHECK(client->send(request("GET", "/echo/again")));
        expect_echo(*client, "again");
    }
    clients.clear();  // and when their clients close them, so does the server: DescriptorCheck
}
