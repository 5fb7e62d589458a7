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

// A response as read off the wire: by parse_response, framed by Content-Length
// (or by the close); by Client::read_response, also chunked, body decoded.
struct Response {
    std::string version;  // "HTTP/1.1"
    int status = 0;
    std::string reason;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    std::size_t wire_bytes = 0;  // what it took on the wire, head and framing included (when the reader knows)
    bool well_formed = false;  // status line, CRLF lines, body length as announced
    std::string problem;       // why not, when not

    // The value of the first field named `name` (case-insensitive), if any.
    std::optional<std::string> field(std::string_view name) const;
};

// Parses exactly one response from `raw`, which holds everything the server sent.
Response parse_response(std::string_view raw);

// An IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7): the one
// format a server may send. Nullopt for anything else, including a weekday
// that is not the date's.
std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view text);

// A server process started from PORTER_SERVER, stopped when this goes out of scope.
class Server {
public:
    explicit Server(std::vector<std::string> arguments = {"0"});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    std::uint16_t port() const { return port_; }
    const std::string& ready_line() const { return ready_line_; }
    // The server's process id: for reading its /proc entries, or setting its
    // limits with prlimit(2), as a test that runs it out of descriptors does.
    pid_t pid() const { return pid_; }
    bool is_running();

    // What the server holds, from /proc: these read the process from outside,
    // so they work for any server, whatever it is written in.
    // The number of open descriptors: the entries of /proc/PID/fd.
    std::size_t open_descriptors() const;
    // Waits (within `patience`) until open_descriptors() is `count`, since the
    // server closes a connection some time after its client has gone.
    // Returns the last count seen: `count`, unless the wait ran out.
    std::size_t wait_for_descriptors(std::size_t count) const;
    // Resident memory now (VmRSS) and at its highest so far (VmHWM), in bytes,
    // from /proc/PID/status.
    std::size_t resident_bytes() const;
    std::size_t peak_resident_bytes() const;

    // Sends SIGTERM and waits (within `patience`) for the server to end.
    // Returns its exit status; nullopt when SIGTERM's default action ended it
    // (a stage that does not catch it yet); -1 when it had to be killed, or
    // another signal ended it. Under SANITIZE=1, LeakSanitizer makes the exit
    // status non-zero if anything was left allocated.
    std::optional<int> stop();

private:
    pid_t pid_ = -1;
    int stdout_fd_ = -1;
    std::uint16_t port_ = 0;
    std::string ready_line_;
};

// Checks, when it goes out of scope, that the server holds as many
// descriptors as when this was made: every socket and file the test made it
// open has been closed again. Declare it right after the Server and before
// any Client, so that the clients have gone when it looks.
class DescriptorCheck {
public:
    explicit DescriptorCheck(const Server& server);
    ~DescriptorCheck();
    DescriptorCheck(const DescriptorCheck&) = delete;
    DescriptorCheck& operator=(const DescriptorCheck&) = delete;

private:
    const Server& server_;
    std::size_t before_;
};

// A fresh directory from mkdtemp(3) in $TMPDIR (or /tmp), removed with all
// it holds when this goes out of scope: a ROOT for a server to serve.
class TempDirectory {
public:
    TempDirectory();
    ~TempDirectory();
    TempDirectory(const TempDirectory&) = delete;
    TempDirectory& operator=(const TempDirectory&) = delete;

    const std::string& path() const { return path_; }
    // Writes `content` to the file `relative` below it, making any missing
    // directories on the way; returns the file's full path.
    std::string write(std::string_view relative, std::string_view content) const;

private:
    std::string path_;
};

// Sets the modification time of the file at `path`, as touch -d does.
void set_modified(const std::string& path, std::chrono::sys_seconds when);

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
    // Sends bytes[0, offset) and then the rest, with Nagle off and a pause
    // between, so the server most likely reads them apart.
    bool send_split(std::string_view bytes, std::size_t offset);
    // Reads until the server closes (or `patience` runs out, or `limit` bytes).
    // Begins with whatever read_response() received past its response.
    std::string read_until_close(std::size_t limit = 4 << 20);
    // Reads exactly one response, framed as RFC 9112 §6.3 says: no body for
    // 1xx, 204, 304 or an answer to HEAD (say which `method` it answers); else
    // chunked, with the body decoded; else Content-Length; else until the
    // close. Bytes past the response stay for the next call, so a test can
    // read one answer after another off a kept-alive or pipelined connection.
    // An interim 100 Continue is a response of its own. Each call waits at
    // most `patience`; a body over `limit` bytes makes it not well-formed.
    Response read_response(std::string_view method = "GET", std::size_t limit = 16 << 20);
    // Whether the last read_until_close ended with the server closing: end of
    // file, not a timeout. A reset counts as closed but is remembered.
    bool saw_close() const { return saw_close_; }
    bool saw_reset() const { return saw_reset_; }
    // Closes abruptly: SO_LINGER 0 makes close(2) send RST instead of FIN.
    void reset();
    int fd() const { return fd_; }

private:
    bool receive_more(std::chrono::steady_clock::time_point deadline);
    bool read_chunked_body(std::chrono::steady_clock::time_point deadline, std::size_t limit, Response& response);

    int fd_ = -1;
    bool saw_close_ = false;
    bool saw_reset_ = false;
    std::string received_;  // read off the socket, not yet handed out
};

// The usual exchange: connect, send `request`, read until the server closes,
// and parse what came back. Checks that the server did close.
Response exchange(std::uint16_t port, std::string_view request);

// `bytes` for a failure message: in double quotes, with CR, LF, tab, NUL, the
// quote and the backslash as \r \n \t \0 \" \\, and every other byte that is
// not printable ASCII as \xHH, so a bare LF or a stray CR shows where it is.
// Longer than `at_most` bytes, it shows the first and the last at_most / 2,
// and how many there were in all.
std::string escaped(std::string_view bytes, std::size_t at_most = std::string_view::npos);

// A minimal valid HTTP/1.1 request for `target`.
std::string get(std::string_view target);

// An HTTP/1.1 request head: the request line, Host, then `fields` as given
// (each line ending in CRLF) and the empty line. No Connection: close, so the
// connection may persist after the answer.
std::string request(std::string_view method, std::string_view target, std::string_view fields = "");

}  // namespace porter::test

// doctest prints a type it has no operator<< for as {?}. These print an
// optional string as escaped() does, or nullopt, so that a failed
// CHECK(response.field("Allow") == "GET, HEAD") shows what the field held,
// and CHECK(response.field("Location") == std::nullopt) what it should not.
namespace doctest {

template <>
struct StringMaker<std::nullopt_t> {
    static String convert(std::nullopt_t) { return "nullopt"; }
};

template <>
struct StringMaker<std::optional<std::string>> {
    static String convert(const std::optional<std::string>& value);
};

template <>
struct StringMaker<std::optional<std::string_view>> {
    static String convert(const std::optional<std::string_view>& value);
};

}  // namespace doctest
