// Sockets: listening where the application says, and accepting without blocking.
//
// Layer: I/O. Each call cites its man page and names the errors it handles.
#include "socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "server.hpp"  // systemd_listen_fd, declared with the options it serves
#include "system_error.hpp"

namespace porter {

namespace {

void set_option(const Fd& socket, int level, int option, const char* name) {
    int yes = 1;
    if (::setsockopt(socket.get(), level, option, &yes, sizeof yes) != 0) throw_errno(name);
}

// An address for `host` (an IPv4 or IPv6 literal) and `port`.
sockaddr_storage resolve(const std::string& host, std::uint16_t port, socklen_t& length) {
    sockaddr_storage storage{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof *v6;
    } else {
        // No name lookup: resolving "localhost" would block and could give
        // several addresses. The application passes the literal it means.
        throw std::system_error(EINVAL, std::generic_category(), "not an IP address: " + host);
    }
    return storage;
}

Fd listen_tcp(const ListenOptions& options) {
    socklen_t length = 0;
    sockaddr_storage address = resolve(options.host, options.port, length);
    Fd listener(::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!listener.is_open()) throw_errno("socket");
    // SO_REUSEADDR: bind over connections lingering in TIME_WAIT (tcp(7)).
    set_option(listener, SOL_SOCKET, SO_REUSEADDR, "setsockopt(SO_REUSEADDR)");
    // SO_REUSEPORT (socket(7)): only when asked. It lets every socket of the
    // same user bind the port, and the kernel spreads connections over them:
    // the way N worker processes share one port. Left on by accident, a
    // second copy of the server would silently share a port it should refuse.
    if (options.reuse_port) set_option(listener, SOL_SOCKET, SO_REUSEPORT, "setsockopt(SO_REUSEPORT)");
    // "::" would also take IPv4 connections, as mapped addresses, unless
    // IPV6_V6ONLY; keep the two apart, so "::" means IPv6 only.
    if (address.ss_family == AF_INET6) set_option(listener, IPPROTO_IPV6, IPV6_V6ONLY, "setsockopt(IPV6_V6ONLY)");
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) throw_errno("bind");
    if (::listen(listener.get(), options.backlog) != 0) throw_errno("listen");
    return listener;
}

// A socket file left by a previous run makes bind fail with EADDRINUSE, and
// only its owner may remove it. It is stale if nobody accepts on it: connect(2)
// gives ECONNREFUSED. A live server's socket, or a file that is not a socket
// at all, is never removed: both are refused.
void remove_stale_socket(const std::string& path, const sockaddr_un& address) {
    struct stat status {};
    if (::lstat(path.c_str(), &status) != 0) return;  // ENOENT: nothing in the way
    if (!S_ISSOCK(status.st_mode)) throw std::system_error(EEXIST, std::generic_category(), "not a socket: " + path);
    Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!probe.is_open()) throw_errno("socket");
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
        throw std::system_error(EADDRINUSE, std::generic_category(), "a server is listening on " + path);
    if (errno == ECONNREFUSED) ::unlink(path.c_str());
}

Fd listen_unix(const ListenOptions& options) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (options.unix_path.size() >= sizeof address.sun_path)
        throw std::system_error(ENAMETOOLONG, std::generic_category(), "unix socket path");
    std::memcpy(address.sun_path, options.unix_path.c_str(), options.unix_path.size() + 1);
    Fd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!listener.is_open()) throw_errno("socket");
    remove_stale_socket(options.unix_path, address);
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw_errno("bind");
    if (::listen(listener.get(), options.backlog) != 0) throw_errno("listen");
    return listener;
}

// A descriptor handed to us: check it is a listening socket, then make it
// ours (non-blocking, close-on-exec).
Fd adopt_listener(int fd) {
    int listening = 0;
    socklen_t length = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0) throw_errno("getsockopt(SO_ACCEPTCONN)");
    if (!listening) throw std::system_error(EINVAL, std::generic_category(), "descriptor is not listening");
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl(O_NONBLOCK)");
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) throw_errno("fcntl(FD_CLOEXEC)");
    return Fd(fd);
}

std::string describe_peer(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = "";
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        return std::string(text) + ":" + std::to_string(ntohs(v4.sin_port));
    }
    if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6.sin6_port));
    }
    return "unix";
}

}  // namespace

Fd open_listener(const ListenOptions& options) {
    if (options.listen_fd >= 0) return adopt_listener(options.listen_fd);
    if (!options.unix_path.empty()) return listen_unix(options);
    return listen_tcp(options);
}

std::optional<int> systemd_listen_fd() {
    // sd_listen_fds(3): systemd sets LISTEN_PID to the pid it meant, and
    // LISTEN_FDS to how many descriptors it passed, starting at 3.
    const char* pid = std::getenv("LISTEN_PID");
    const char* count = std::getenv("LISTEN_FDS");
    if (!pid || !count || std::atol(pid) != static_cast<long>(::getpid()) || std::atoi(count) < 1) return std::nullopt;
    return 3;
}

std::uint16_t local_port(const Fd& socket) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) throw_errno("getsockname");
    if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port);
    if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port);
    return 0;
}

Accepted accept_client(const Fd& listener) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    // accept4(2) with SOCK_NONBLOCK: the new socket never blocks the loop.
    int fd = ::accept4(listener.get(), reinterpret_cast<sockaddr*>(&address), &length,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
        Fd client(fd);
        // Responses are written whole; Nagle's algorithm would hold back the
        // tail of one until the previous segment is acknowledged (tcp(7)).
        if (address.ss_family != AF_UNIX) {
            int yes = 1;
            ::setsockopt(client.get(), IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        }
        return {AcceptStatus::accepted, std::move(client), describe_peer(address)};
    }
    switch (errno) {
    case EAGAIN: return {AcceptStatus::none_waiting, Fd(), ""};
    // EMFILE/ENFILE: out of descriptors; ENOBUFS/ENOMEM: out of memory.
    // The connection stays queued and the listener stays readable: trying
    // again at once would spin. The caller pauses accepting instead.
    case EMFILE: case ENFILE: case ENOBUFS: case ENOMEM: return {AcceptStatus::out_of_fds, Fd(), ""};
    // ECONNABORTED: the client left before we took it. EINTR: a signal.
    // Linux also passes on pending network errors of the new socket here
    // (accept(2), "Error handling"), to be treated like EAGAIN: try again.
    default: return {AcceptStatus::retry, Fd(), ""};
    }
}

}  // namespace porter
