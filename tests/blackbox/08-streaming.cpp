// Chapter 08 — big and streaming responses: GET /count/N streams the numbers
// 1 to N, chunked in HTTP/1.1, at the pace the client reads; files answer
// Range with 206 or 416, and carry an ETag that If-None-Match and If-Range
// compare. A client that stops reading costs the server a bounded amount of
// memory and holds up nobody else.
#include <filesystem>
#include <thread>

#include "harness.hpp"

using namespace porter::test;

namespace {

// "1\n2\n...N\n": what /count/N sends.
std::string numbers(int last) {
    std::string text;
    for (int i = 1; i <= last; ++i) text += std::to_string(i) + "\n";
    return text;
}

// 100 bytes a range can be checked against: "0123456789" ten times.
std::string digits() {
    std::string text;
    for (int i = 0; i < 10; ++i) text += "0123456789";
    return text;
}

constexpr std::chrono::sys_seconds year_2001 = std::chrono::sys_days(std::chrono::year(2001) / 1 / 1);

// A ROOT holding digits.txt, last modified long ago, and a 64 MiB file of
// zeros that takes no disk (sparse).
struct Site {
    TempDirectory root;
    Site() {
        set_modified(root.write("digits.txt", digits()), year_2001);
        std::filesystem::resize_file(root.write("large.bin", ""), 64 << 20);
    }
};

std::string get_with(std::string_view target, std::string_view fields) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(fields) +
           "Connection: close\r\n\r\n";
}

// How long GET / takes on a new connection.
std::chrono::milliseconds time_exchange(std::uint16_t port) {
    auto start = std::chrono::steady_clock::now();
    Response response = exchange(port, get("/"));
    CHECK(response.status == 200);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("a streamed response is chunked in HTTP/1.1, and the connection goes on after it (RFC 9112 §7.1)" *
          chapters(8)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("GET", "/count/5") + request("GET", "/count/1000") + request("GET", "/echo/after")));
    Response five = client.read_response();
    CHECK_MESSAGE(five.well_formed, five.problem);
    CHECK(five.status == 200);
    CHECK(five.field("Transfer-Encoding").value_or("") == "chunked");
    CHECK(five.body == numbers(5));
    Response thousand = client.read_response();
    CHECK_MESSAGE(thousand.well_formed, thousand.problem);
    CHECK(thousand.body == numbers(1000));
    CHECK(client.read_response().body == "after");
}

TEST_CASE("a stream longer than every buffer on the way arrives whole and in order, however slowly it is read" *
          chapters(8)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(get("/count/300000")));  // about 2 MiB of numbers
    // Not reading for a while: the server fills the socket and must wait,
    // then carry on from where it stopped when the client catches up.
    std::this_thread::sleep_for(300ms);
    Response response = client.read_response();
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.body.size() == numbers(300000).size());
    CHECK(response.body == numbers(300000));
}

TEST_CASE("to an HTTP/1.0 client a stream is not chunked: the close ends it (RFC 9112 §6.1, §6.3)" * chapters(8)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send("GET /count/100 HTTP/1.0\r\n\r\n"));
    Response response = client.read_response();
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK_FALSE(response.field("Transfer-Encoding").has_value());
    CHECK(response.body == numbers(100));
    CHECK(client.saw_close());
}

TEST_CASE("HEAD on a streamed resource sends no body, and the next answer is read in its place (RFC 9110 §9.3.2)" *
          chapters(8)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("HEAD", "/count/50") + request("GET", "/echo/next")));
    Response headed = client.read_response("HEAD");
    CHECK(headed.status == 200);
    Response next = client.read_response();
    CHECK_MESSAGE(next.well_formed, next.problem);
    CHECK(next.body == "next");
}

TEST_CASE("a satisfiable byte range is answered 206 with exactly those bytes and Content-Range "
          "(RFC 9110 §14.1.2, §14.4, §15.3.7)" * chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    Response whole = exchange(server.port(), get("/files/digits.txt"));
    CHECK(whole.status == 200);
    CHECK(whole.field("Accept-Ranges").value_or("bytes") == "bytes");  // if sent, it names bytes (§14.3)
    struct Case {
        std::string range;
        std::size_t first, length;
    };
    for (const Case& c : {Case{"bytes=0-4", 0, 5}, Case{"bytes=10-19", 10, 10}, Case{"bytes=7-7", 7, 1},
                          Case{"bytes=90-", 90, 10}, Case{"bytes=-5", 95, 5}, Case{"bytes=95-5000", 95, 5},
                          Case{"bytes=-500", 0, 100}, Case{"BYTES=1-2", 1, 2}}) {
        CAPTURE(c.range);
        Response response = exchange(server.port(), get_with("/files/digits.txt", "Range: " + c.range + "\r\n"));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 206);
        CHECK(response.body == digits().substr(c.first, c.length));
        CHECK(response.field("Content-Range") == "bytes " + std::to_string(c.first) + "-" +
                                                     std::to_string(c.first + c.length - 1) + "/100");
    }
}

TEST_CASE("a range that starts past the end is answered 416 with Content-Range: bytes */LENGTH (RFC 9110 §15.5.17)" *
          chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    for (std::string range : {"bytes=100-", "bytes=100-200", "bytes=5000-5001", "bytes=-0"}) {
        CAPTURE(range);
        Response response = exchange(server.port(), get_with("/files/digits.txt", "Range: " + range + "\r\n"));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 416);
        CHECK(response.field("Content-Range") == "bytes */100");
    }
}

TEST_CASE("a Range that is invalid or in an unknown unit is ignored: 200 and the whole file (RFC 9110 §14.2)" *
          chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    for (std::string range : {"items=0-4", "bytes=5-2", "bytes=abc", "bytes 0-4", "bytes=", "bytes=--5"}) {
        CAPTURE(range);
        Response response = exchange(server.port(), get_with("/files/digits.txt", "Range: " + range + "\r\n"));
        CHECK(response.status == 200);
        CHECK(response.body == digits());
    }
}

TEST_CASE("ranges on a kept-alive connection are framed by their own lengths" * chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(request("GET", "/files/digits.txt", "Range: bytes=3-5\r\n") +
                      request("GET", "/files/digits.txt", "Range: bytes=1000-\r\n") + request("GET", "/echo/after")));
    Response part = client.read_response();
    CHECK(part.status == 206);
    CHECK(part.body == "345");
    CHECK(client.read_response().status == 416);
    CHECK(client.read_response().body == "after");
}

TEST_CASE("a file's answer carries an ETag, and If-None-Match with it is answered 304 with the same ETag "
          "(RFC 9110 §8.8.3, §13.1.2, §15.4.5)" * chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    Response first = exchange(server.port(), get("/files/digits.txt"));
    std::optional<std::string> etag = first.field("ETag");
    REQUIRE_MESSAGE(etag.has_value(), "no ETag");
    CHECK(etag->ends_with('"'));
    CHECK((etag->starts_with('"') || etag->starts_with("W/\"")));
    for (std::string condition : {*etag, "\"other\", " + *etag, std::string("*")}) {
        CAPTURE(condition);
        Response response = exchange(server.port(), get_with("/files/digits.txt", "If-None-Match: " + condition + "\r\n"));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 304);
        CHECK(response.body.empty());
        CHECK(response.field("ETag") == etag);  // a 304 MUST carry the ETag a 200 would
    }
}

TEST_CASE("If-None-Match with other tags gets the whole file (RFC 9110 §13.1.2)" * chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    for (std::string condition : {"\"other\"", "\"a\", \"b\"", "W/\"other\""}) {
        CAPTURE(condition);
        Response response = exchange(server.port(), get_with("/files/digits.txt", "If-None-Match: " + condition + "\r\n"));
        CHECK(response.status == 200);
        CHECK(response.body == digits());
    }
}

TEST_CASE("If-None-Match is compared before If-Modified-Since, which it makes ignored (RFC 9110 §13.1.3, §13.2.2)" *
          chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    Response first = exchange(server.port(), get("/files/digits.txt"));
    std::string last_modified = first.field("Last-Modified").value_or("");
    REQUIRE(!last_modified.empty());
    // The date alone would give 304; the tag that does not match must win.
    Response response = exchange(server.port(), get_with("/files/digits.txt", "If-None-Match: \"other\"\r\n"
                                                                              "If-Modified-Since: " + last_modified + "\r\n"));
    CHECK(response.status == 200);
    CHECK(response.body == digits());
}

TEST_CASE("If-Range with the current ETag honours the Range; with another, the whole file is sent (RFC 9110 §13.1.5)" *
          chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string etag = exchange(server.port(), get("/files/digits.txt")).field("ETag").value_or("");
    REQUIRE(!etag.empty());
    Response current = exchange(server.port(), get_with("/files/digits.txt", "Range: bytes=0-1\r\nIf-Range: " + etag + "\r\n"));
    if (!etag.starts_with("W/")) {  // a weak tag never satisfies If-Range
        CHECK(current.status == 206);
        CHECK(current.body == "01");
    }
    Response stale = exchange(server.port(), get_with("/files/digits.txt", "Range: bytes=0-1\r\nIf-Range: \"stale\"\r\n"));
    CHECK(stale.status == 200);
    CHECK(stale.body == digits());
}

TEST_CASE("when a file changes, its ETag changes: the old tag no longer gets a 304 (RFC 9110 §8.8.3)" * chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::string etag = exchange(server.port(), get("/files/digits.txt")).field("ETag").value_or("");
    REQUIRE(!etag.empty());
    std::string path = site.root.write("digits.txt", "changed, and longer than before\n");
    set_modified(path, year_2001 + std::chrono::days(365));
    Response response = exchange(server.port(), get_with("/files/digits.txt", "If-None-Match: " + etag + "\r\n"));
    CHECK(response.status == 200);
    CHECK(response.body == "changed, and longer than before\n");
    CHECK(response.field("ETag") != etag);
}

TEST_CASE("a client that stops reading a long stream holds up nobody, and the server's memory stays bounded" *
          chapters(8)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::size_t resident_before = server.resident_bytes();
    REQUIRE(resident_before > 0);
    // Ten million numbers: about 130 MB as chunks, were the server to make them all at once.
    Client stalled(server.port());
    CHECK(stalled.send(get("/count/10000000")));
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        std::chrono::milliseconds took = time_exchange(server.port());
        CHECK_MESSAGE(took < 1s, "answered after ", took.count(), " ms");
    }
    std::size_t growth = server.peak_resident_bytes() - std::min(resident_before, server.peak_resident_bytes());
    CHECK_MESSAGE(growth < (32u << 20), "the server's peak resident memory grew by ", growth >> 20, " MiB");
    CHECK(server.resident_bytes() < (64u << 20));
}

TEST_CASE("a client that stops reading a large file holds up nobody, and the server's memory stays bounded" *
          chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    std::size_t resident_before = server.resident_bytes();
    Client stalled(server.port());
    CHECK(stalled.send(get("/files/large.bin")));  // 64 MiB
    for (int i = 0; i < 10; ++i) {
        CAPTURE(i);
        std::chrono::milliseconds took = time_exchange(server.port());
        CHECK_MESSAGE(took < 1s, "answered after ", took.count(), " ms");
    }
    std::size_t growth = server.peak_resident_bytes() - std::min(resident_before, server.peak_resident_bytes());
    CHECK_MESSAGE(growth < (32u << 20), "the server's peak resident memory grew by ", growth >> 20, " MiB");
}

TEST_CASE("a client that leaves in the middle of a stream or a file is forgotten: its descriptors are closed" *
          chapters(8)) {
    Site site;
    Server server({"0", site.root.path()});
    DescriptorCheck descriptors(server);
    for (std::string target : {"/count/10000000", "/files/large.bin"}) {
        CAPTURE(target);
        Client leaving(server.port());
        CHECK(leaving.send(get(target)));
        CHECK(!leaving.read_until_close(64 << 10).empty());  // a little of it, then gone
    }
    CHECK(time_exchange(server.port()) < 1s);
}

TEST_CASE("streams abandoned by their clients leave nothing behind: a server that exits on SIGTERM then exits 0" *
          chapters(8)) {
    // What a server keeps for a stream (the exchange, a callback waiting for
    // the client to drain its output) must go with the client. A leak is too
    // small to see in the resident size; under SANITIZE=1, LeakSanitizer sees
    // it when the server exits, and makes the exit status non-zero. A stage
    // that does not catch SIGTERM yet (before chapter 11) is simply ended by it.
    Site site;
    Server server({"0", site.root.path()});
    {
        DescriptorCheck descriptors(server);
        for (std::string target : {"/count/10000000", "/files/large.bin"}) {
            CAPTURE(target);
            for (bool reads_some : {false, true}) {
                Client leaving(server.port());
                CHECK(leaving.send(get(target)));
                if (reads_some) leaving.read_until_close(64 << 10);
                CHECK(time_exchange(server.port()) < 1s);  // meanwhile, the stream waits for its client
            }
        }
    }
    std::optional<int> status = server.stop();
    CHECK_MESSAGE((!status || *status == 0), "exit status ", status.value_or(0));
}
