// Chapter 05 — many clients at once: one thread and epoll serve every client
// as its bytes arrive, so no client, however slow, silent or rude, holds up
// another; and every connection's descriptor is closed once its client has gone.
#include <memory>

#include "harness.hpp"

using namespace porter::test;

namespace {

// How long a client that asks for GET / waits for its whole answer, when
// another client is in the middle of something. A healthy server answers in
// well under a millisecond; one that waits for the other client waits seconds.
constexpr std::chrono::milliseconds prompt = 1s;

// Asks for `target` on a new connection; checks the answer is 200 and came promptly.
void expect_prompt_answer(std::uint16_t port, const std::string& target) {
    auto start = std::chrono::steady_clock::now();
    Response response = exchange(port, get(target));
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    CHECK(response.status == 200);
    CHECK_MESSAGE(took < prompt, "answered after ", took.count(), " ms");
}

}  // namespace

TEST_CASE("a client that has sent half a request does not hold up the next client" * chapters(5)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client slow(server.port());
    CHECK(slow.send("GET /echo/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    expect_prompt_answer(server.port(), "/echo/fast");
    // The half-sent request is still there, and is answered once it is whole.
    CHECK(slow.send("Connection: close\r\n\r\n"));
    Response response = parse_response(slow.read_until_close());
    CHECK(response.status == 200);
    CHECK(response.body == "slow");
}

TEST_CASE("a client that connects and says nothing does not hold up the next client" * chapters(5)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client silent(server.port());
    expect_prompt_answer(server.port(), "/");
    expect_prompt_answer(server.port(), "/");
}

TEST_CASE("while one client trickles its head byte by byte, every other client is answered within 1 s" *
          chapters(5)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client slow(server.port());
    std::string request = get("/echo/trickled");
    // A few bytes, one by one, then a whole exchange with another client, and
    // so on: the server sees the slow head arrive across many reads, with
    // other clients' requests in between.
    for (std::size_t at = 0; at < request.size(); at += 8) {
        CAPTURE(at);
        CHECK(slow.trickle(request.substr(at, 8)));
        if (at + 8 < request.size()) expect_prompt_answer(server.port(), "/echo/other");
    }
    Response response = parse_response(slow.read_until_close());
    CHECK(response.status == 200);
    CHECK(response.body == "trickled");
}

TEST_CASE("a hundred clients connected at once each get their own answer" * chapters(5)) {
    Server server;
    DescriptorCheck descriptors(server);
    constexpr int count = 100;
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < count; ++i) clients.push_back(std::make_unique<Client>(server.port()));
    // All connected before any asks; they ask last first, and are read first first.
    for (int i = count - 1; i >= 0; --i) CHECK(clients[i]->send(get("/echo/client-" + std::to_string(i))));
    for (int i = 0; i < count; ++i) {
        CAPTURE(i);
        Response response = parse_response(clients[i]->read_until_close());
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.body == "client-" + std::to_string(i));
    }
}

TEST_CASE("requests interleaved across clients byte by byte are each answered correctly" * chapters(5)) {
    Server server;
    DescriptorCheck descriptors(server);
    constexpr int count = 10;
    std::vector<std::unique_ptr<Client>> clients;
    std::vector<std::string> requests;
    for (int i = 0; i < count; ++i) {
        clients.push_back(std::make_unique<Client>(server.port()));
        requests.push_back(get("/echo/" + std::string(static_cast<std::size_t>(i + 1), 'a' + static_cast<char>(i))));
    }
    for (std::size_t at = 0; at < requests.back().size(); ++at)
        for (int i = 0; i < count; ++i)
            if (at < requests[i].size()) CHECK(clients[i]->trickle(requests[i].substr(at, 1)));
    for (int i = 0; i < count; ++i) {
        CAPTURE(i);
        Response response = parse_response(clients[i]->read_until_close());
        CHECK(response.body == std::string(static_cast<std::size_t>(i + 1), 'a' + static_cast<char>(i)));
    }
}

TEST_CASE("clients that reset or vanish halfway do not disturb the others" * chapters(5)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client patient(server.port());
    CHECK(patient.send("GET /echo/patient HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    for (int i = 0; i < 20; ++i) {
        Client rude(server.port());
        CHECK(rude.send("GET /echo/rude HTTP/1.1\r\nHo"));
        if (i % 2 == 0) rude.reset();  // RST; the others just close: FIN mid-head
    }
    expect_prompt_answer(server.port(), "/");
    CHECK(patient.send("Connection: close\r\n\r\n"));
    CHECK(parse_response(patient.read_until_close()).body == "patient");
    CHECK(server.is_running());
}

TEST_CASE("every connection's descriptor is closed once its client has gone, however it went" * chapters(5)) {
    Server server;
    std::size_t before = server.open_descriptors();
    {
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 50; ++i) {
            auto client = std::make_unique<Client>(server.port());
            switch (i % 5) {
            case 0: break;                                                             // silent
            case 1: client->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); break;      // half a head
            case 2: client->send(get("/")); break;                                     // a whole request
            case 3: client->send(get("/")); client->finish_sending(); break;           // request, then FIN
            case 4: client->send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); client->reset(); break;
            }
            clients.push_back(std::move(client));
        }
        CHECK(exchange(server.port(), get("/")).status == 200);
        CHECK(server.open_descriptors() > before);  // the open ones are held...
    }
    CHECK(server.wait_for_descriptors(before) == before);  // ...and all released once they go
}
