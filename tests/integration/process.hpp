// Integration-test support: run any program, read its lines, stop it, talk HTTP to it.
//
// The harness starts one binary, PORTER_SERVER, and asserts as it goes; the
// integration tests start several (the examples, nginx) and talk to them from
// several threads at once. So nothing here asserts: every call reports what
// went wrong as a value, and the test decides. Every wait has a deadline
// (harness.hpp's `patience`); everything is on loopback.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness.hpp"

extern char** environ;

namespace porter::test::integration {

using Clock = std::chrono::steady_clock;

inline int milliseconds_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Waits until `fd` is readable (or at end of file) or the deadline passes.
inline bool wait_readable(int fd, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, milliseconds_until(deadline));
        if (ready > 0) return true;
        if (ready == 0 || errno != EINTR) return false;
    }
}

// The program the environment variable names, or `fallback`.
inline std::string binary_from(const char* variable, const std::string& fallback) {
    const char* path = std::getenv(variable);
    return path && *path ? path : fallback;
}

// An example program: in PORTER_EXAMPLES (the Makefile sets it to the build's
// examples directory), else in build/examples below the directory make runs
// the tests from, the top of the tree.
inline std::string example_binary(const std::string& name) {
    return binary_from("PORTER_EXAMPLES", "build/examples") + "/" + name;
}

// A child process with its stdout on a pipe, and its stderr the test's own, so
// its complaints show. If still running when this goes out of scope, it gets
// SIGTERM, then SIGKILL after `patience`.
class Process {
public:
    Process(const std::string& path, const std::vector<std::string>& arguments) {
        std::vector<std::string> copies{path};
        copies.insert(copies.end(), arguments.begin(), arguments.end());
        std::vector<char*> argv;
        for (std::string& argument : copies) argv.push_back(argument.data());
        argv.push_back(nullptr);
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) {
            problem_ = std::string("pipe2: ") + std::strerror(errno);
            return;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);  // dup2 clears O_CLOEXEC on the copy
        int failed = ::posix_spawn(&pid_, path.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        stdout_ = out[0];
        if (failed != 0) {
            pid_ = -1;
            problem_ = "cannot start " + path + ": " + std::strerror(failed);
        }
    }
    ~Process() {
        if (is_running()) stop(SIGTERM);
        if (stdout_ >= 0) ::close(stdout_);
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    // Why the process could not be started; empty when it was.
    const std::string& problem() const { return problem_; }

    // One line of its stdout, without the newline; nullopt at end of file or
    // when `patience` runs out. Reads a byte at a time, so nothing past the
    // line is taken from the pipe.
    std::optional<std::string> read_line() {
        std::string line;
        Clock::time_point deadline = Clock::now() + patience;
        while (wait_readable(stdout_, deadline)) {
            char c;
            ssize_t n = ::read(stdout_, &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return std::nullopt;
            if (c == '\n') return line;
            line += c;
        }
        return std::nullopt;
    }

    // Whether it is still running; reaps it, keeping the exit status, if not.
    bool is_running() {
        if (pid_ <= 0 || exited_) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
        exited_ = true;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }

    void signal(int number) {
        if (is_running()) ::kill(pid_, number);
    }

    // Sends signal `number` and waits for the exit. The exit status, or -1 if
    // it was killed by a signal.
    int stop(int number) {
        signal(number);
        return wait_for_exit();
    }

    // Waits up to `patience` for it to exit; then SIGKILL. As stop().
    int wait_for_exit() {
        if (!is_running()) return exit_status_;
        Clock::time_point deadline = Clock::now() + patience;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (Clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(2ms);  // no portable way to wait on a child with a timeout
        }
        exited_ = true;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return exit_status_;
    }

private:
    pid_t pid_ = -1;
    int stdout_ = -1;
    bool exited_ = false;
    int exit_status_ = -1;
    std::string problem_;
};

// The port a ready line names, `listening on http://127.0.0.1:PORT`; 0 when
// there was no line or it is not one.
inline std::uint16_t port_from_ready_line(const std::optional<std::string>& line) {
    constexpr std::string_view prefix = "listening on http://127.0.0.1:";
    if (!line || !line->starts_with(prefix)) return 0;
    return static_cast<std::uint16_t>(std::atoi(line->c_str() + prefix.size()));
}

// Whether a process that is not our child (a worker, reaped by its own
// parent) still exists: kill(2) with signal 0 checks without sending.
inline bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

// A loopback port that was free a moment ago: bind port 0, read what the
// kernel chose, close. Someone else may take it before it is used; on a test
// machine that is rare, and the program that wanted it then fails loudly.
inline std::uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                 ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    return bound ? ntohs(address.sin_port) : 0;
}

// A connected loopback socket, or -1.
inline int connect_to(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int error = errno;  // for the caller's message, past close()
        ::close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

inline bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

// What one exchange on its own connection brought back.
struct Fetched {
    std::string raw;      // every byte the server sent, until it closed
    std::string problem;  // empty when the server answered and closed in time
};

// Connects, sends `request` (which should say Connection: close), and reads
// until the server closes. Safe from any thread: it asserts nothing.
inline Fetched fetch(std::uint16_t port, std::string_view request) {
    Fetched fetched;
    int fd = connect_to(port);
    if (fd < 0) return {"", std::string("connect: ") + std::strerror(errno)};
    if (!send_all(fd, request)) fetched.problem = std::string("send: ") + std::strerror(errno);
    Clock::time_point deadline = Clock::now() + patience;
    char buffer[16384];
    while (fetched.problem.empty()) {
        if (!wait_readable(fd, deadline)) {
            fetched.problem = "no answer, or no close, within the patience";
            break;
        }
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fetched.problem = std::string("recv: ") + std::strerror(errno);
        if (n <= 0) break;
        fetched.raw.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return fetched;
}

// A chunked body (RFC 9112 §7.1) decoded as far as it has arrived: the data
// of every complete chunk, whether the last chunk came, and whether the
// framing was valid so far. Chunk extensions and trailers are skipped.
struct Dechunked {
    std::string data;
    bool complete = false;
    bool valid = true;
};

inline Dechunked dechunk(std::string_view body) {
    Dechunked result;
    for (;;) {
        std::size_t line_end = body.find("\r\n");
        if (line_end == std::string_view::npos) return result;
        std::string_view size_text = body.substr(0, std::min(line_end, body.find(';')));
        bool hex = !size_text.empty() && size_text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
        if (!hex || size_text.size() > 15) {  // 15 hex digits: well past any test's body, and within stoul
            result.valid = false;
            return result;
        }
        std::size_t size = std::stoul(std::string(size_text), nullptr, 16);
        if (size == 0) {
            result.complete = body.find("\r\n\r\n", line_end) != std::string_view::npos;  // after any trailers
            return result;
        }
        if (body.size() < line_end + 2 + size + 2) return result;  // this chunk isn't all here yet
        if (body.substr(line_end + 2 + size, 2) != "\r\n") {
            result.valid = false;
            return result;
        }
        result.data.append(body.substr(line_end + 2, size));
        body.remove_prefix(line_end + 2 + size + 2);
    }
}

}  // namespace porter::test::integration
