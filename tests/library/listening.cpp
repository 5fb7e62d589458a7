// Where a server listens: IPv4, IPv6, a Unix socket, a descriptor handed in, a shared port.
//
// ListenOptions covers every way a listening socket comes to be (socket.hpp);
// setup failures throw std::system_error before anything runs. Each socket
// the server opens is close-on-exec, so a program that runs a child process
// does not leak its listener or its clients into it (open(2), O_CLOEXEC).
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

namespace {

void add_hello(Server& server) {
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "hello\n"); });
}

bool has_ipv6_loopback() {
    Fd probe(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    return probe.is_open() && ::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// The errno of the std::system_error that constructing a Server with `options` throws; 0 if none.
int construction_error(ServerOptions options) {
    try {
        Server server(std::move(options));
    } catch (const std::system_error& error) {
        return error.code().value();
    }
    return 0;
}

// A TCP socket bound to 127.0.0.1 on a free port, plain: blocking and
// inheritable. A bare descriptor, because whoever adopts it will own it.
int plain_socket_on_loopback() {
    int socket = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(socket >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return socket;
}

bool is_close_on_exec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }
bool is_non_blocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

// This process's TCP sockets whose local port is `port`, found through
// /proc/self/fd: the server does not hand out its listener or its clients.
std::vector<int> sockets_on_port(std::uint16_t port) {
    std::vector<int> found;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        int fd = std::atoi(entry.path().filename().c_str());
        struct stat status {};
        if (::fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) continue;
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
        if (address.ss_family == AF_INET && ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port) == port)
            found.push_back(fd);
    }
    return found;
}

bool is_listening(int fd) {
    int listening = 0;
    socklen_t length = sizeof listening;
    return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening;
}

}  // namespace

TEST_CASE("a server on ::1 takes IPv6 clients, and names them [::1]:port") {
    if (!has_ipv6_loopback()) {
        MESSAGE("skipped: this machine has no IPv6 loopback");
        return;
    }
    Server server({.listen = {.host = "::1", .port = 0}});
    add_hello(server);
    REQUIRE(server.port() != 0);
    Peer peer = Peer::tcp6(server.port());
    REQUIRE(peer.send(request("GET", "/")));
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->body == "hello\n");
    REQUIRE(server.connections().size() == 1);
    CHECK(server.connections().front().peer == peer.local_name());
    CHECK(peer.local_name().starts_with("[::1]:"));
}

TEST_CASE("a server on a Unix socket path takes AF_UNIX clients, port() is 0, and a stale socket file is replaced") {
    TempDir directory;
    std::string path = (directory.path() / "porter.sock").string();
    {
        // What a crashed earlier run leaves: a socket file nobody listens on.
        Fd stale(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
        REQUIRE(::bind(stale.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    REQUIRE(std::filesystem::is_socket(path));
    {
        Server server({.listen = {.unix_path = path}});
        add_hello(server);
        CHECK(server.port() == 0);
        Peer peer = Peer::unix_socket(path);
        REQUIRE(peer.send(request("GET", "/")));
        std::optional<test::Response> answer = peer.await_response(server);
        REQUIRE(answer);
        CHECK(answer->body == "hello\n");
        REQUIRE(server.connections().size() == 1);
        CHECK(server.connections().front().peer == "unix");
    }
}

TEST_CASE("a Unix socket path where a server is listening is refused (EADDRINUSE), not taken from it") {
    // As with a TCP port without reuse_port: a second copy of a server must
    // fail loudly, not leave the first one running where nobody can reach it.
    TempDir directory;
    std::string path = (directory.path() / "porter.sock").string();
    Server first({.listen = {.unix_path = path}});
    add_hello(first);
    CHECK(construction_error({.listen = {.unix_path = path}}) == EADDRINUSE);
    Peer peer = Peer::unix_socket(path);
    REQUIRE(peer.send(request("GET", "/")));
    std::optional<test::Response> answer = peer.await_response(first);
    CHECK(answer);
}

TEST_CASE("a Unix socket path that names a file which is not a socket is refused, and the file is kept") {
    TempDir directory;
    std::filesystem::path precious = directory.path() / "data.txt";
    std::ofstream(precious) << "keep me\n";
    CHECK(construction_error({.listen = {.unix_path = precious.string()}}) != 0);
    CHECK(std::filesystem::is_regular_file(precious));
}

TEST_CASE("a Unix socket path longer than sockaddr_un holds is refused (ENAMETOOLONG), not cut short") {
    // sun_path is 108 bytes with its NUL: a longer path, silently truncated,
    // would be a socket at a different name than the one asked for.
    constexpr std::size_t room = sizeof(sockaddr_un{}.sun_path);
    TempDir directory;
    std::string prefix = directory.path().string() + "/";
    REQUIRE(prefix.size() < room - 1);
    std::string too_long = prefix + std::string(room - prefix.size(), 'p');  // no room left for the NUL
    CHECK(construction_error({.listen = {.unix_path = too_long}}) == ENAMETOOLONG);
    std::string longest = prefix + std::string(room - 1 - prefix.size(), 'p');
    CHECK(construction_error({.listen = {.unix_path = longest}}) == 0);
}

TEST_CASE("systemd_listen_fd() is descriptor 3 only when LISTEN_PID names this process and LISTEN_FDS is 1 or more") {
    // sd_listen_fds(3): the variables may have been inherited from a parent
    // that systemd started, so a LISTEN_PID of another process means "not you".
    auto set = [](const char* name, const char* value) { value ? ::setenv(name, value, 1) : ::unsetenv(name); };
    auto saved = [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        return value ? std::optional<std::string>(value) : std::nullopt;
    };
    const std::optional<std::string> inherited_pid = saved("LISTEN_PID"), inherited_fds = saved("LISTEN_FDS");
    auto with = [&](const char* pid, const char* count) {
        set("LISTEN_PID", pid);
        set("LISTEN_FDS", count);
        std::optional<int> found = systemd_listen_fd();
        set("LISTEN_PID", inherited_pid ? inherited_pid->c_str() : nullptr);
        set("LISTEN_FDS", inherited_fds ? inherited_fds->c_str() : nullptr);
        return found;
    };
    const std::string me = std::to_string(::getpid());
    CHECK(with(me.c_str(), "1") == 3);
    CHECK(with(me.c_str(), "2") == 3);
    CHECK(with(me.c_str(), "0") == std::nullopt);
    CHECK(with(std::to_string(::getpid() + 1).c_str(), "1") == std::nullopt);
    CHECK(with(nullptr, "1") == std::nullopt);
    CHECK(with(me.c_str(), nullptr) == std::nullopt);
}

TEST_CASE("a descriptor already listening is adopted: served, made non-blocking and close-on-exec, and closed with the server") {
    int fd = plain_socket_on_loopback();
    REQUIRE(::listen(fd, 16) == 0);
    REQUIRE_FALSE(is_close_on_exec(fd));
    REQUIRE_FALSE(is_non_blocking(fd));
    {
        Server server({.listen = {.listen_fd = fd}});  // the server owns it from here
        add_hello(server);
        CHECK(is_close_on_exec(fd));
        CHECK(is_non_blocking(fd));
        REQUIRE(server.port() != 0);
        std::optional<test::Response> answer = ask(server, "GET", "/");
        REQUIRE(answer);
        CHECK(answer->body == "hello\n");
    }
    errno = 0;
    CHECK(::fcntl(fd, F_GETFD) == -1);
    CHECK(errno == EBADF);
}

TEST_CASE("a descriptor that is not listening is refused with std::system_error (EINVAL)") {
    int fd = plain_socket_on_loopback();
    CHECK(construction_error({.listen = {.listen_fd = fd}}) == EINVAL);
    ::close(fd);  // refused, so still ours
}

TEST_CASE("reuse_port lets two servers bind one port when both ask, and both serve") {
    Server first({.listen = {.port = 0, .reuse_port = true}});
    Server second({.listen = {.port = first.port(), .reuse_port = true}});
    CHECK(second.port() == first.port());
    add_hello(first);
    add_hello(second);
    // The kernel spreads connections over the two; each is answered by one.
    for (int i = 0; i < 8; ++i) {
        Peer peer = Peer::tcp(first.port());
        REQUIRE(peer.send(request("GET", "/")));
        REQUIRE(serve_until(first, [&] {
            second.poll(Duration(0));
            peer.pump();
            return peer.has_response();
        }));
    }
    CHECK(first.stats().accepted + second.stats().accepted == 8);
}

TEST_CASE("a second server on a port in use throws std::system_error (EADDRINUSE) unless both ask for reuse_port") {
    SUBCASE("neither asks") {
        Server first({.listen = {.port = 0}});
        CHECK(construction_error({.listen = {.port = first.port()}}) == EADDRINUSE);
    }
    SUBCASE("only the second asks") {
        Server first({.listen = {.port = 0}});
        CHECK(construction_error({.listen = {.port = first.port(), .reuse_port = true}}) == EADDRINUSE);
    }
    SUBCASE("only the first asks") {
        Server first({.listen = {.port = 0, .reuse_port = true}});
        CHECK(construction_error({.listen = {.port = first.port()}}) == EADDRINUSE);
    }
}

TEST_CASE("a host that is not an IP literal is refused with std::system_error (EINVAL): no name lookups") {
    for (std::string host : {"localhost", "256.0.0.1", "::g"}) {
        CAPTURE(host);
        CHECK(construction_error({.listen = {.host = host, .port = 0}}) == EINVAL);
    }
    // No host at all is a mistake in the options, caught before any socket (checks.cpp).
    CHECK_THROWS_AS(Server({.listen = {.host = "", .port = 0}}), std::invalid_argument);
}

TEST_CASE("the listening socket, each accepted connection and the epoll descriptor are close-on-exec and non-blocking") {
    Server server({.listen = {.port = 0}});
    add_hello(server);
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/")));
    REQUIRE(peer.await_response(server));

    std::vector<int> sockets = sockets_on_port(server.port());
    REQUIRE(sockets.size() == 2);  // the listener and the accepted connection; the peer's port differs
    int listeners = 0;
    for (int fd : sockets) {
        CAPTURE(fd);
        listeners += is_listening(fd);
        CHECK(is_close_on_exec(fd));
        CHECK(is_non_blocking(fd));
    }
    CHECK(listeners == 1);
    CHECK(is_close_on_exec(server.fd()));
}
