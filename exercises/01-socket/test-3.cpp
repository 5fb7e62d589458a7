// Exercise 01-3: the body names the client's own address and port, taken from
// what accept4(2) fills in.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

// The port our end of a connection has: getsockname(2).
std::uint16_t own_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    return ntohs(address.sin_port);
}

bool is_digits(std::string_view text) { return !text.empty() && text.find_first_not_of("0123456789") == text.npos; }

// The PORT of a body "hello, 127.0.0.1:PORT\n" or, with exercise 2 done too,
// "hello, 127.0.0.1:PORT #N\n"; nothing for any other body.
std::optional<std::string> greeted_port(std::string_view body) {
    constexpr std::string_view prefix = "hello, 127.0.0.1:";
    if (!body.starts_with(prefix) || !body.ends_with("\n")) return std::nullopt;
    std::string_view rest = body.substr(prefix.size(), body.size() - prefix.size() - 1);
    std::size_t hash = rest.find(" #");
    if (hash != rest.npos && !is_digits(rest.substr(hash + 2))) return std::nullopt;
    std::string_view port = rest.substr(0, hash);
    if (!is_digits(port)) return std::nullopt;
    return std::string(port);
}

// Checks that `response` is a well-formed 200 whose body greets 127.0.0.1:port.
void check_greets(const Response& response, std::uint16_t port) {
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    std::optional<std::string> greeted = greeted_port(response.body);
    REQUIRE_MESSAGE(greeted.has_value(), "body: ", response.body);
    CHECK(*greeted == std::to_string(port));
}

// A connection from a port of our choosing: Client gets whatever port the
// kernel picks, five digits in Linux's default range (32768-60999). Binds each
// four-digit port from a starting point until one is free and connects. The
// descriptor, or -1 if no port would do.
int connect_from_four_digit_port(std::uint16_t server_port) {
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(server_port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto first = static_cast<std::uint16_t>(2000 + ::getpid() % 7000);  // parallel runs start apart
    for (std::uint16_t port = first; port < first + 500 && port <= 9999; ++port) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd >= 0);
        sockaddr_in local = server;
        local.sin_port = htons(port);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
            ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0)
            return fd;
        ::close(fd);  // EADDRINUSE and kin: that port is taken, try the next
    }
    return -1;
}

// Sends `request` on `fd`, reads until the server closes (within `patience`),
// closes `fd`. Client's send and read_until_close, for a socket it didn't open.
std::string ask(int fd, std::string_view request) {
    while (!request.empty()) {
        ssize_t sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) break;
        request.remove_prefix(static_cast<std::size_t>(sent));
    }
    std::string received;
    char buffer[4096];
    for (;;) {
        pollfd readable{fd, POLLIN, 0};
        if (::poll(&readable, 1, static_cast<int>(patience.count())) <= 0) break;
        ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        received.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return received;
}

}  // namespace

TEST_CASE("the body names the client by the address and port it connected from, as accept4(2) reports them") {
    Server server;
    for (int i = 0; i < 3; ++i) {  // three clients, three ports
        Client client(server.port());
        std::uint16_t port = own_port(client.fd());
        CAPTURE(port);
        REQUIRE(client.send(get("/")));
        Response response = parse_response(client.read_until_close());
        CHECK(client.saw_close());
        check_greets(response, port);
    }
}

TEST_CASE("a client on a four-digit port gets a body one byte shorter, and a Content-Length to match") {
    Server server;
    int fd = connect_from_four_digit_port(server.port());
    REQUIRE_MESSAGE(fd >= 0, "no free four-digit port to connect from");
    std::uint16_t port = own_port(fd);
    CAPTURE(port);
    check_greets(parse_response(ask(fd, get("/"))), port);
}
