// Library test support: clients that never block the thread driving the server.
//
// The library tests run a porter::Server in this process, the way an
// application does. Most drive it from the test's own thread, one poll() turn
// between client steps, so a client here never blocks: it reads what has
// arrived and returns. Some run the server's run() on a thread of its own;
// Running stops it however the test ends. Every wait has a deadline
// (test::patience, 5 s), every socket is loopback, every port is port 0's choice.
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "grammar.hpp"  // equals_ignoring_case, for reading heads
#include "harness.hpp"
#include "porter.hpp"

namespace porter::library_test {

using namespace std::chrono_literals;
using test::patience;
using Deadline = std::chrono::steady_clock::time_point;

inline Deadline deadline_after(std::chrono::milliseconds wait = patience) {
    return std::chrono::steady_clock::now() + wait;
}

// Turns the server's loop in this thread until `done` says so or the deadline
// passes; says which. Short turns, so a client's bytes are looked at often.
inline bool serve_until(Server& server, const std::function<bool()>& done, Deadline deadline = deadline_after()) {
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        server.poll(Duration(2));
    }
    return true;
}

// Turns the loop for `how_long`, whatever happens: for "nothing happens" checks.
inline void serve_for(Server& server, std::chrono::milliseconds how_long) {
    serve_until(server, [] { return false; }, deadline_after(how_long));
}

// Waits for `done` while another thread runs the server.
inline bool wait_until(const std::function<bool()>& done, Deadline deadline = deadline_after()) {
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);  // no event to wait on: the server is another thread's
    }
    return true;
}

// The value of field `name` in a response head, compared case-insensitively.
inline std::optional<std::string_view> head_field(std::string_view head, std::string_view name) {
    std::size_t at = head.find("\r\n");
    while (at != std::string_view::npos && at + 2 < head.size()) {
        std::size_t end = head.find("\r\n", at + 2);
        std::string_view line = head.substr(at + 2, end - (at + 2));
        std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && equals_ignoring_case(line.substr(0, colon), name)) {
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            return value;
        }
        at = end;
    }
    return std::nullopt;
}

// The length of a chunked body at the start of `body` (RFC 9112 §7.1), once
// it is all there, and the data it carries.
inline std::optional<std::size_t> dechunk(std::string_view body, std::string* data = nullptr) {
    std::size_t at = 0;
    for (;;) {
        std::size_t line_end = body.find("\r\n", at);
        if (line_end == std::string_view::npos) return std::nullopt;
        std::size_t size = std::strtoul(std::string(body.substr(at, line_end - at)).c_str(), nullptr, 16);
        at = line_end + 2;
        if (size == 0) return body.size() >= at + 2 ? std::optional(at + 2) : std::nullopt;  // no trailers
        if (body.size() < at + size + 2) return std::nullopt;
        if (data) data->append(body.substr(at, size));
        at += size + 2;
    }
}

// How long the first response in `raw` is, once it is all there: framed by
// Content-Length, by chunks, or by nothing at all (HEAD, 204, 304).
inline std::optional<std::size_t> response_length(std::string_view raw, bool to_head) {
    std::size_t head_end = raw.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return std::nullopt;
    std::size_t body_start = head_end + 4;
    std::string_view head = raw.substr(0, body_start);
    bool bodiless = to_head || head.starts_with("HTTP/1.1 204") || head.starts_with("HTTP/1.1 304");
    if (bodiless) return body_start;
    if (auto length = head_field(head, "Content-Length")) {
        std::size_t total = body_start + std::strtoull(std::string(*length).c_str(), nullptr, 10);
        return raw.size() >= total ? std::optional(total) : std::nullopt;
    }
    if (auto coding = head_field(head, "Transfer-Encoding"); coding && *coding == "chunked") {
        std::optional<std::size_t> body = dechunk(raw.substr(body_start));
        return body ? std::optional(body_start + *body) : std::nullopt;
    }
    return std::nullopt;  // ended by the close
}

// One client socket, non-blocking once connected.
class Peer {
public:
    static Peer tcp(std::uint16_t port) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return Peer(AF_INET, reinterpret_cast<sockaddr*>(&address), sizeof address);
    }
    static Peer tcp6(std::uint16_t port) {
        sockaddr_in6 address{};
        address.sin6_family = AF_INET6;
        address.sin6_port = htons(port);
        address.sin6_addr = in6addr_loopback;
        return Peer(AF_INET6, reinterpret_cast<sockaddr*>(&address), sizeof address);
    }
    static Peer unix_socket(const std::string& path) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof address.sun_path);
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        return Peer(AF_UNIX, reinterpret_cast<sockaddr*>(&address), sizeof address);
    }

    Peer(Peer&& other) noexcept
        : received(std::move(other.received)), closed(other.closed), was_reset(other.was_reset),
          fd_(std::exchange(other.fd_, -1)) {}
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    ~Peer() { close(); }

    int fd() const { return fd_; }

    // Sends every byte; the loopback buffers take a request without waiting.
    bool send(std::string_view bytes) {
        Deadline deadline = deadline_after();
        while (!bytes.empty()) {
            ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(sent));
            } else if (sent < 0 && errno == EAGAIN && std::chrono::steady_clock::now() < deadline) {
                pollfd writable{fd_, POLLOUT, 0};
                ::poll(&writable, 1, 10);
            } else if (sent < 0 && errno != EINTR) {
                return false;
            }
        }
        return true;
    }

    // Reads whatever has arrived, without waiting; notes the server's close.
    void pump() {
        char buffer[65536];
        while (fd_ >= 0 && !closed) {
            ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n > 0) {
                received.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0) {
                closed = true;
            } else if (errno == EAGAIN) {
                return;
            } else if (errno != EINTR) {
                closed = was_reset = true;
            }
        }
    }

    bool has_response(bool to_head = false) const { return response_length(received, to_head).has_value(); }

    // Takes the first complete response out of `received`, chunked bodies
    // decoded; or, once the server has closed, whatever came, as one response.
    std::optional<test::Response> take_response(bool to_head = false) {
        std::optional<std::size_t> length = response_length(received, to_head);
        if (!length && !(closed && !received.empty())) return std::nullopt;
        std::string raw = received.substr(0, length.value_or(received.size()));
        received.erase(0, raw.size());
        test::Response response = test::parse_response(raw);
        response.wire_bytes = raw.size();
        if (response.field("Transfer-Encoding") == "chunked") {
            std::string data;
            dechunk(raw.substr(raw.find("\r\n\r\n") + 4), &data);
            response.body = data;
        }
        return response;
    }

    // The next response, turning the server's loop in this thread meanwhile.
    std::optional<test::Response> await_response(Server& server, bool to_head = false) {
        serve_until(server, [&] {
            pump();
            return has_response(to_head) || closed;
        });
        return take_response(to_head);
    }
    // The next response, from a server another thread runs.
    std::optional<test::Response> await_response(bool to_head = false) {
        wait_for([&] { return has_response(to_head); });
        return take_response(to_head);
    }

    // Whether the server closes this connection in time (end of file or reset).
    bool await_close(Server& server) {
        return serve_until(server, [&] {
            pump();
            return closed;
        });
    }
    bool await_close() {
        wait_for([] { return false; });
        return closed;
    }

    // shutdown(SHUT_WR): a FIN; the read side stays open.
    void finish_sending() { ::shutdown(fd_, SHUT_WR); }
    // An abrupt close: SO_LINGER 0 makes close(2) send RST instead of FIN.
    void reset() {
        linger abort_on_close{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
        close();
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // This end's address as the server names its peer: "127.0.0.1:51234".
    std::string local_name() const {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        char text[INET6_ADDRSTRLEN] = "";
        if (address.ss_family == AF_INET) {
            auto& v4 = reinterpret_cast<sockaddr_in&>(address);
            ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
            return std::string(text) + ":" + std::to_string(ntohs(v4.sin_port));
        }
        auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6.sin6_port));
    }

    std::string received;    // bytes read and not yet taken as a response
    bool closed = false;     // the server closed (or reset) the connection
    bool was_reset = false;  // by a reset

private:
    Peer(int family, const sockaddr* address, socklen_t length) {
        fd_ = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        // A blocking connect to a listening loopback socket completes at once:
        // the kernel finishes the handshake before the server accepts.
        REQUIRE_MESSAGE(::connect(fd_, address, length) == 0, "connect: ", std::strerror(errno));
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }

    // Reads as bytes arrive until `done` or the server closes or time is up.
    void wait_for(const std::function<bool()>& done) {
        Deadline deadline = deadline_after();
        for (;;) {
            pump();
            if (done() || closed) return;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return;
            pollfd readable{fd_, POLLIN, 0};
            ::poll(&readable, 1, static_cast<int>(left.count()));
        }
    }

    int fd_ = -1;
};

// What connect(2) to 127.0.0.1:port says: 0 when it connects, else errno.
inline int connect_error(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int error = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

// A fresh directory under the system's temporary one (mkdtemp(3)), removed
// with everything in it when this goes out of scope, however the test ends.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "porter-library-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A minimal HTTP/1.1 request that keeps the connection open.
inline std::string request(std::string_view method, std::string_view target) {
    return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

// One request on a new connection, served from this thread.
inline std::optional<test::Response> ask(Server& server, std::string_view method, std::string_view target) {
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request(method, target)));
    return peer.await_response(server, method == "HEAD");
}

// A server's run() on a thread of its own. The destructor stops it with no
// grace if the test has not, so a failed REQUIRE can't leave it running; a
// run() that won't return even then ends the test program, not hangs it.
class Running {
public:
    explicit Running(Server& server) : server_(server), thread_([this] {
        server_.run();
        returned_ = true;
    }) {}
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    ~Running() {
        if (!returned_) server_.post([server = &server_] { server->shutdown(Duration(0)); });
        if (!has_returned()) {
            std::fprintf(stderr, "library tests: run() did not return after shutdown\n");
            std::abort();
        }
        thread_.join();
    }

    // Whether run() returns before the deadline.
    bool has_returned(Deadline deadline = deadline_after()) {
        return wait_until([this] { return returned_.load(); }, deadline);
    }

private:
    Server& server_;
    std::atomic<bool> returned_ = false;
    std::thread thread_;
};

}  // namespace porter::library_test
