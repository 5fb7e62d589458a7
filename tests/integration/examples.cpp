// The examples, run as their users would: started, waited for, asked one question, stopped.
//
// embed, workers and sse keep the stage contract's command line (`[PORT]`,
// port 0 for any free one) and print the ready line once they listen, so each
// test starts one on a free port and reads the port off that line. The
// binaries are PORTER_EXAMPLES/NAME, by default build/examples/NAME. Each
// ends with SIGTERM, which every example takes as "stop gracefully": exit
// status 0 within the harness's patience.
#include <fstream>
#include <iterator>
#include <set>

#include "process.hpp"

namespace {

using namespace porter::test;
using namespace porter::test::integration;

// An example started with `arguments`, once its ready line has come.
struct Example {
    Example(const std::string& name, const std::vector<std::string>& arguments)
        : process(example_binary(name), arguments) {
        REQUIRE_MESSAGE(process.problem().empty(), process.problem());
        std::optional<std::string> line = process.read_line();
        port = port_from_ready_line(line);
        REQUIRE_MESSAGE(port != 0, "no ready line from ", name, ", got: ", line.value_or("(nothing)"));
    }

    Process process;
    std::uint16_t port = 0;
};

// GET `target` on a connection of its own: a well-formed 200, or the test stops.
Response get_ok(std::uint16_t port, std::string_view target) {
    Fetched fetched = fetch(port, get(target));
    REQUIRE_MESSAGE(fetched.problem.empty(), target, ": ", fetched.problem);
    Response response = parse_response(fetched.raw);
    REQUIRE_MESSAGE(response.well_formed, target, ": ", response.problem);
    REQUIRE(response.status == 200);
    return response;
}

// The `id:` of each complete event in an event stream, in order.
std::vector<std::uint64_t> event_ids(std::string_view stream) {
    std::vector<std::uint64_t> ids;
    for (std::size_t end; (end = stream.find("\n\n")) != std::string_view::npos; stream.remove_prefix(end + 2)) {
        std::string_view event = stream.substr(0, end + 1);
        if (std::size_t id = event.find("id: "); id != std::string_view::npos && (id == 0 || event[id - 1] == '\n'))
            ids.push_back(std::stoull(std::string(event.substr(id + 4, event.find('\n', id) - id - 4))));
    }
    return ids;
}

}  // namespace

TEST_CASE("hello: the smallest program serves its one route, its parameter percent-decoded") {
    Example hello("hello", {"0"});
    CHECK(get_ok(hello.port, "/hello/world").body == "hello, world\n");
    CHECK(get_ok(hello.port, "/hello/caf%C3%A9").body == "hello, caf\xc3\xa9\n");
    hello.process.stop(SIGTERM);  // it installs no handler: the signal ends it
}

TEST_CASE("embed: a handler reads the state the application's own timer changes, in the same loop") {
    Example embed("embed", {"0"});
    std::uint64_t first = std::stoull(get_ok(embed.port, "/ticks").body);
    // The timer fires each second: within about a second the count must grow.
    std::uint64_t later = first;
    for (Clock::time_point deadline = Clock::now() + patience; later == first && Clock::now() < deadline;) {
        std::this_thread::sleep_for(100ms);  // letting time pass is the point here
        later = std::stoull(get_ok(embed.port, "/ticks").body);
    }
    CHECK(later > first);
    CHECK(get_ok(embed.port, "/").body == "hello, world\n");
    CHECK(embed.process.stop(SIGTERM) == 0);
}

TEST_CASE("workers: with N=2, the kernel hands connections to both workers") {
    Example workers("workers", {"0", "2"});
    std::set<std::string> announced;
    for (int i = 0; i < 2; ++i) {
        std::optional<std::string> line = workers.process.read_line();
        REQUIRE_MESSAGE((line && line->starts_with("worker ")), "expected `worker PID`, got: ",
                        line.value_or("(nothing)"));
        announced.insert(line->substr(7) + "\n");
    }
    // SO_REUSEPORT hashes each connection's addresses and ports to a worker:
    // 200 fresh connections all landing on one of two would be a 2^-199 fluke.
    std::set<std::string> answered;
    for (int i = 0; i < 200 && answered.size() < 2; ++i) answered.insert(get_ok(workers.port, "/pid").body);
    CHECK(answered.size() == 2);
    CHECK(answered == announced);
    CHECK(workers.process.stop(SIGTERM) == 0);
    for (const std::string& pid : announced) CHECK_FALSE(process_exists(std::stoi(pid)));
}

TEST_CASE("sse: events posted by the producer thread reach a subscriber, in order, until the server stops") {
    Example sse("sse", {"0"});
    Client client(sse.port);
    REQUIRE(client.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string raw;
    std::vector<std::uint64_t> ids;
    Clock::time_point deadline = Clock::now() + patience;
    while (ids.size() < 2 && wait_readable(client.fd(), deadline)) {
        char buffer[4096];
        ssize_t n = ::recv(client.fd(), buffer, sizeof buffer, 0);
        if (n <= 0) break;
        raw.append(buffer, static_cast<std::size_t>(n));
        if (std::size_t head_end = raw.find("\r\n\r\n"); head_end != std::string::npos)
            ids = event_ids(dechunk(std::string_view(raw).substr(head_end + 4)).data);
    }
    Response head = parse_response(raw.substr(0, raw.find("\r\n\r\n") + 4));
    CHECK(head.status == 200);
    CHECK(head.field("Content-Type") == "text/event-stream");
    REQUIRE_MESSAGE(ids.size() >= 2, "events so far: ", raw);
    CHECK(ids[0] < ids[1]);
    // Stopping ends the stream properly — the last chunk, then the close — and exits.
    CHECK(sse.process.stop(SIGTERM) == 0);
    raw += client.read_until_close();
    CHECK(client.saw_close());
    CHECK(dechunk(std::string_view(raw).substr(raw.find("\r\n\r\n") + 4)).complete);
}

TEST_CASE("demo: /query decodes the query as a form, and a bad escape in it is the client's 400") {
    Example demo("demo", {"0"});
    CHECK(get_ok(demo.port, "/query?q=caf%C3%A9+au+lait&dir=a%2Fb&tag=x&tag=y").body ==
          "q: caf\xc3\xa9 au lait\ndir: a/b\ntag: x\ntag: y\n");
    Fetched fetched = fetch(demo.port, get("/query?q=%zz"));
    REQUIRE_MESSAGE(fetched.problem.empty(), fetched.problem);
    Response response = parse_response(fetched.raw);
    CHECK(response.status == 400);
    CHECK(demo.process.stop(SIGTERM) == 0);
}

TEST_CASE("upload: 8 MiB streams to a file at the writer's pace and is stored whole; past 64 MiB is refused at the head") {
    TempDirectory dir;
    Example upload("upload", {"0", dir.path()});
    std::string body(8 << 20, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + (i * 7919) % 26);
    Fetched stored = fetch(upload.port, "PUT /files/big.bin HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    REQUIRE_MESSAGE(stored.problem.empty(), stored.problem);
    Response answer = parse_response(stored.raw);
    CHECK(answer.status == 201);
    CHECK(answer.body == std::to_string(body.size()) + " bytes stored\n");
    std::ifstream file(dir.path() + "/big.bin", std::ios::binary);
    std::string on_disk((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    CHECK(on_disk.size() == body.size());
    CHECK(on_disk == body);
    CHECK_FALSE(std::ifstream(dir.path() + "/big.bin.part").good());  // renamed, not left beside it

    Fetched refused = fetch(upload.port, "PUT /files/huge HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                                             std::to_string((64 << 20) + 1) + "\r\nConnection: close\r\n\r\n");
    REQUIRE_MESSAGE(refused.problem.empty(), refused.problem);
    CHECK(parse_response(refused.raw).status == 413);
    CHECK_FALSE(std::ifstream(dir.path() + "/huge.part").good());  // refused before the handler ran
    CHECK(upload.process.stop(SIGTERM) == 0);
}
