// Test harness: start a stage's server, talk raw bytes to it, read its answer.
//
// Black-box tests run against any binary that keeps the stage contract:
// `server [PORT [ROOT]]`, bound to 127.0.0.1, printing the ready line
// `listening on http://127.0.0.1:PORT` once it accepts connections. The binary
// comes from PORTER_SERVER and the stage's chapter number from PORTER_CHAPTER
// (the Makefile sets both). Every wait has a deadline; nothing sleeps to wait
// for the server to be ready.
#pragma once

#include <doctest/doctest.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porter::test {

using namespace std::chrono_literals;

// How long any single wait may take: generous, for sanitizer builds and busy
// CI machines. A healthy server answers in microseconds.
constexpr std::chrono::milliseconds patience = 5s;

// The chapter under test, from PORTER_CHAPTER (99 when unset: "the finished server").
int chapter();

// A test-case decorator: the behaviour is taught in chapter `from` and holds in
// every later stage, until chapter `until` deliberately changes it.
//   TEST_CASE("..." * chapters(2))      from chapter 02 on
//   TEST_CASE("..." * chapters(1, 6))   chapters 01 to 05
doctest::skip chapters(int from, int until = 100);

// A response as read off the wire, framed by Content-Length (or by the close).
struct Response {
    std::string version;  // "HTTP/1.1"
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    bool well_formed = false;  // status line, CRLF lines, body length as announced
    std::string problem;       // why not, when not

    // The value of the first field named `name` (case-insensitive), if any.
    std::optional<std::string> field(std::string_view name) const;
};

// Parses exactly one response from `raw`, which holds everything the server sent.
Response parse_response(std::string_view raw);

// A server process started from PORTER_SERVER, stopped when this goes out of scope.
class Server {
public:
    explicit Server(std::vector<std::string> arguments = {"0"});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const { return port_; }
    const std::string& ready_line() const { return ready_line_; }
    bool is_running();

private:
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::uint16_t port_ = 0;
    std::string ready_line_;
};

// How a process that was expected to exit on its own ended.
struct Exit {
    int status = -1;  // exit status, or -1 if it was killed or timed out
    std::string out;
    std::string err;
};

// Runs PORTER_SERVER with `arguments` and waits (within `patience`) for it to exit.
Exit run_to_exit(const std::vector<std::string>& arguments);

// One TCP connection to 127.0.0.1:port.
class Client {
public:
    explicit Client(std::uint16_t port);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends every byte; false if the server closed or reset first.
    bool send(std::string_view bytes);
    // Sends one byte at a time with Nagle off and a short pause after each, so
    // the server sees them in many separate reads.
    bool trickle(std::string_view bytes);
    // shutdown(SHUT_WR): "I have finished sending", the read side stays open.
    void finish_sending();
    // Reads until the server closes (or `patience` runs out, or `limit` bytes).
    std::string read_until_close(std::size_t limit = 4 << 20);
    // Whether the last read_until_close ended with the server closing: end of
    // file, not a timeout. A reset counts as closed but is remembered.
    bool saw_close() const { return saw_close_; }
    bool saw_reset() const { return saw_reset_; }
    // Closes abruptly: SO_LINGER 0 makes close(2) send RST instead of FIN.
    void reset();
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    bool saw_close_ = false;
    bool saw_reset_ = false;
};

// The usual exchange: connect, send `request`, read until the server closes,
// and parse what came back. Checks that the server did close.
Response exchange(std::uint16_t port, std::string_view request);

// A minimal valid HTTP/1.1 request for `target`.
std::string get(std::string_view target);

}  // namespace porter::test
