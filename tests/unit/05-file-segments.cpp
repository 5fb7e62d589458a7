// A file body in the core is a token: which file, from where, how much
// (FileSegment). The core never opens, reads or closes a file; the I/O layer
// holds it open, and the connection hands every segment back exactly once
// (Dispatcher::release_file): when its last byte is sent, at once when no
// byte of it will be (HEAD, 304, an empty file, a refused answer), or when the
// connection closes before the end.
#include <doctest/doctest.h>

#include <fcntl.h>

#include "connection_driver.hpp"

using namespace porter;
using namespace porter::test;

namespace {

// A real descriptor, so that the driver's release (a close) is a real one.
FileBody dev_null(std::uint64_t length) {
    return FileBody{Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)), 0, length};
}

// The handler answers every request with a file of `length` bytes and the
// given status, and records the descriptor's number it handed over.
void answer_with_file(Driver& driver, int status, std::uint64_t length, std::vector<std::uint64_t>& handed) {
    driver.handler = [&handed, status, length](Request&, Response& res) {
        FileBody body = dev_null(length);
        handed.push_back(static_cast<std::uint64_t>(body.file.get()));
        res.file(status, std::move(body), "text/plain");
    };
}

}  // namespace

TEST_CASE("a file's segment goes back when its last byte is sent, not before") {
    Driver driver;
    std::vector<std::uint64_t> handed;
    answer_with_file(driver, 200, 1000, handed);
    driver.connection->receive(get("/f"));
    driver.connection->sent(driver.connection->output().size());  // the head
    const FileSegment* segment = driver.connection->output_file();
    REQUIRE(segment != nullptr);
    CHECK(segment->file == handed.at(0));
    CHECK(segment->length == 1000);
    driver.connection->sent_file(600);
    CHECK(driver.released.empty());  // 400 bytes still due: the file must stay open
    CHECK(driver.connection->output_file()->offset == 600);
    driver.connection->sent_file(400);
    CHECK(driver.released == handed);
    CHECK(driver.connection->output_file() == nullptr);
}

TEST_CASE("a segment none of whose bytes will be sent goes back at once: HEAD, 304, an empty file") {
    struct Case {
        const char* name;
        std::string request;
        int status;
        std::uint64_t length;
    };
    for (const Case& c : {Case{"HEAD", "HEAD /f HTTP/1.1\r\nHost: h\r\n\r\n", 200, 1000},
                          Case{"304", get("/f"), 304, 1000},
                          Case{"empty file", get("/f"), 200, 0}}) {
        CAPTURE(c.name);
        Driver driver;
        std::vector<std::uint64_t> handed;
        answer_with_file(driver, c.status, c.length, handed);
        driver.connection->receive(c.request);
        CHECK(driver.released == handed);
        CHECK(driver.connection->output_file() == nullptr);
        driver.take_output();
        CHECK(driver.released.size() == 1);  // once
    }
}

TEST_CASE("a refused file answer gives its segment back: a 1xx is not an answer") {
    Driver driver;
    std::vector<std::uint64_t> handed;
    answer_with_file(driver, 100, 10, handed);
    std::string out = driver.send(get("/f"));
    CHECK(driver.released == handed);
    CHECK(out == response_bytes(500, "Internal Server Error", "Internal Server Error\n"));
}

TEST_CASE("a connection that closes with a file half sent gives its segment back, once") {
    Driver driver;
    std::vector<std::uint64_t> handed;
    answer_with_file(driver, 200, 1000, handed);
    driver.connection->receive(get("/f"));
    driver.connection->sent(driver.connection->output().size());
    driver.connection->sent_file(10);
    driver.connection->abort(CloseReason::io_error);
    CHECK(driver.released == handed);
    driver.connection.reset();  // the destructor must not give it back again
    CHECK(driver.released.size() == 1);
}
