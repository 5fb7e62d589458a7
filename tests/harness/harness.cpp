// Test harness: start a stage's server, talk raw bytes to it, read its answer.
#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace porter::test {

namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` is readable or the deadline passes.
bool wait_readable(int fd, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, milliseconds_until(deadline));
        if (ready > 0) return true;
        if (ready == 0) return false;
        if (errno != EINTR) return false;
    }
}

std::string server_path() {
    const char* path = std::getenv("PORTER_SERVER");
    if (!path || !*path) throw std::runtime_error("PORTER_SERVER is not set");
    return path;
}

struct Spawned {
    pid_t pid;
    int out;  // read end of the child's stdout
    int err;  // read end of its stderr, or -1 when inherited
};

Spawned spawn_server(const std::vector<std::string>& arguments, bool capture_stderr) {
    std::string path = server_path();
    std::vector<char*> argv{path.data()};
    std::vector<std::string> copies = arguments;
    for (std::string& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);

    int out[2], err[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    if (capture_stderr && ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    if (capture_stderr) posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (capture_stderr) ::close(err[1]);
    if (failed != 0) throw std::runtime_error("cannot start " + path + ": " + std::strerror(failed));
    return {pid, out[0], err[0]};
}

// Reads from `fd` until end of file or the deadline.
std::string read_all(int fd, Clock::time_point deadline) {
    std::string text;
    char buffer[4096];
    while (wait_readable(fd, deadline)) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

// Waits for `pid` to exit; kills it if the deadline passes. -1 unless it exited.
int wait_for_exit(pid_t pid, Clock::time_point deadline) {
    for (;;) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (Clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(2ms);  // no portable way to wait on a child with a timeout
    }
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

int chapter() {
    const char* value = std::getenv("PORTER_CHAPTER");
    return value && *value ? std::atoi(value) : 99;
}

doctest::skip chapters(int from, int until) {
    int now = chapter();
    return doctest::skip(now < from || now >= until);
}

std::optional<std::string> Response::field(std::string_view name) const {
    for (const auto& [field_name, value] : fields)
        if (iequals(field_name, name)) return value;
    return std::nullopt;
}

// Strict on purpose: a test server may be a reader's own, and these are the
// rules every response must keep (RFC 9112 §4, §5, §6).
Response parse_response(std::string_view raw) {
    Response response;
    auto fail = [&](std::string problem) { response.problem = std::move(problem); return response; };
    std::size_t head_end = raw.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return fail("no empty line ending the head");
    std::string_view head = raw.substr(0, head_end + 2);
    std::string_view body = raw.substr(head_end + 4);

    std::size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    // HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 §4): the second space is required.
    bool digits = status_line.size() >= 13 &&
                  std::string_view("0123456789").find(status_line[9]) != std::string_view::npos &&
                  std::string_view("0123456789").find(status_line[10]) != std::string_view::npos &&
                  std::string_view("0123456789").find(status_line[11]) != std::string_view::npos;
    if (!digits || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ' || status_line[12] != ' ')
        return fail("malformed status line: " + std::string(status_line));
    response.version = status_line.substr(0, 8);
    response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    response.reason = status_line.substr(13);
    head.remove_prefix(line_end + 2);

    while (!head.empty()) {
        line_end = head.find("\r\n");
        std::string_view line = head.substr(0, line_end);
        if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
            return fail("bare CR or LF in the head");
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return fail("malformed field: " + std::string(line));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        response.fields.emplace_back(line.substr(0, colon), value);
        head.remove_prefix(line_end + 2);
    }

    std::optional<std::string> length = response.field("Content-Length");
    if (length) {
        if (length->empty() || length->find_first_not_of("0123456789") != std::string::npos)
            return fail("bad Content-Length: " + *length);
        std::size_t announced = std::stoul(*length);
        if (body.size() != announced)
            return fail("Content-Length " + *length + " but " + std::to_string(body.size()) + " body bytes");
    }
    response.body = body;
    response.well_formed = true;
    return response;
}

Server::Server(std::vector<std::string> arguments) {
    Spawned child = spawn_server(arguments, false);
    pid_ = child.pid;
    stdout_fd_ = child.out;
    Clock::time_point deadline = Clock::now() + patience;
    while (ready_line_.find('\n') == std::string::npos && wait_readable(stdout_fd_, deadline)) {
        char c;
        if (::read(stdout_fd_, &c, 1) != 1) break;  // one byte at a time: take nothing past the line
        ready_line_ += c;
    }
    constexpr std::string_view prefix = "listening on http://127.0.0.1:";
    REQUIRE_MESSAGE(ready_line_.starts_with(prefix), "no ready line from the server, got: ", ready_line_);
    port_ = static_cast<std::uint16_t>(std::atoi(ready_line_.c_str() + prefix.size()));
    REQUIRE(port_ != 0);
}

bool Server::is_running() {
    int status = 0;
    return pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == 0;
}

Server::~Server() {
    if (pid_ > 0) {
        CHECK_MESSAGE(is_running(), "the server exited during the test");
        ::kill(pid_, SIGTERM);
        wait_for_exit(pid_, Clock::now() + patience);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

Exit run_to_exit(const std::vector<std::string>& arguments) {
    Spawned child = spawn_server(arguments, true);
    Clock::time_point deadline = Clock::now() + patience;
    Exit result;
    result.out = read_all(child.out, deadline);
    result.err = read_all(child.err, deadline);
    result.status = wait_for_exit(child.pid, deadline);
    ::close(child.out);
    ::close(child.err);
    return result;
}

Client::Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A blocking connect to loopback finishes at once: the kernel completes the
    // handshake for a listening socket even while the server is busy.
    REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                    "connect: ", std::strerror(errno));
    timeval timeout{static_cast<time_t>(patience.count() / 1000), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

Client::~Client() {
    if (fd_ >= 0) ::close(fd_);
}

bool Client::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool Client::trickle(std::string_view bytes) {
    int yes = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    for (char c : bytes) {
        if (!send(std::string_view(&c, 1))) return false;
        std::this_thread::sleep_for(1ms);  // pacing the sender, not waiting for the server
    }
    return true;
}

void Client::finish_sending() { ::shutdown(fd_, SHUT_WR); }

std::string Client::read_until_close(std::size_t limit) {
    std::string received;
    saw_close_ = false;
    Clock::time_point deadline = Clock::now() + patience;
    char buffer[16384];
    while (received.size() < limit && wait_readable(fd_, deadline)) {
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) saw_reset_ = true;
        if (n <= 0) {
            saw_close_ = true;
            break;
        }
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
}

void Client::reset() {
    linger abort_on_close{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    ::close(fd_);
    fd_ = -1;
}

Response exchange(std::uint16_t port, std::string_view request) {
    Client client(port);
    CHECK(client.send(request));
    Response response = parse_response(client.read_until_close());
    CHECK_MESSAGE(client.saw_close(), "the server did not close the connection");
    CHECK_MESSAGE(!client.saw_reset(), "the server reset the connection instead of closing it");
    return response;
}

std::string get(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

}  // namespace porter::test
