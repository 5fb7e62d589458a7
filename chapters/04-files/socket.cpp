// Sockets: the handful of calls between a port number and a connected client.
//
// Layer: I/O. Each function cites its man page and says what it does with
// each error the kernel can hand back.
#include "socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>

namespace porter {

namespace {

[[noreturn]] void throw_errno(const char* call) {
    throw std::system_error(errno, std::generic_category(), call);
}

// #region loopback_address
// The address to bind: IPv4 127.0.0.1 and `port`. The numbers go in "network
// byte order", big-endian, whatever this machine's order is: htons and htonl
// convert (byteorder(3)).
sockaddr_in loopback_address(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}
// #endregion loopback_address

}  // namespace

// #region listen
Fd listen_on_loopback(std::uint16_t port) {
    // socket(2): a TCP endpoint, not yet attached to any address. CLOEXEC keeps
    // it from leaking into programs we might exec.
    Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener.is_open()) throw_errno("socket");

    // Without SO_REUSEADDR, restarting the server fails with EADDRINUSE for
    // about a minute: connections we closed linger in TIME_WAIT (tcp(7)) and
    // still hold the port. The option lets us bind over them, never over a
    // socket that is still listening.
    int yes = 1;
    if (::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0)
        throw_errno("setsockopt(SO_REUSEADDR)");

    // bind(2) takes a generic `sockaddr*`: each address family has its own
    // struct, told apart by its first field, hence the cast. EADDRINUSE when
    // another program listens on the port, EACCES for ports below 1024
    // without privilege. Both end the program: see main().
    sockaddr_in address = loopback_address(port);
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw_errno("bind");

    // listen(2): from here the kernel completes TCP handshakes on its own and
    // queues the connections until we accept() them. SOMAXCONN is a constant
    // from <sys/socket.h> (4096 in current glibc); the kernel silently caps
    // any queue length at /proc/sys/net/core/somaxconn.
    if (::listen(listener.get(), SOMAXCONN) != 0) throw_errno("listen");
    return listener;
}
// #endregion listen

// #region local_port
// getsockname(2): the address the kernel gave the socket. After a bind to port
// 0, that is where the port it picked shows up.
std::uint16_t local_port(const Fd& socket) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw_errno("getsockname");
    return ntohs(address.sin_port);
}
// #endregion local_port

// #region accept
Fd accept_client(const Fd& listener) {
    for (;;) {
        // accept4(2) takes the oldest finished handshake off the queue and
        // gives it a descriptor of its own; the listener keeps listening.
        int client = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) return Fd(client);
        // EINTR: a signal arrived while we slept; nothing happened, so retry.
        // (This program installs no signal handlers, so it is defensive.)
        if (errno == EINTR) continue;
        std::perror("porter: accept");
        // EMFILE, ENFILE: out of descriptors, this process's (ulimit -n) or
        // the whole system's. The connection stays queued, so accepting again
        // at once fails again: without a pause the loop would spin. Chapter
        // 09 does better than sleeping.
        if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        // ECONNABORTED: the client gave up before we got to it. Go on.
        return Fd();
    }
}
// #endregion accept

// #region send_all
bool send_all(const Fd& client, std::string_view bytes) {
    while (!bytes.empty()) {
        // send(2) may take fewer bytes than asked: on this blocking socket,
        // when a signal interrupts it partway (chapter 05's non-blocking
        // sockets, whenever the kernel's buffer fills).
        // MSG_NOSIGNAL: writing to a connection the peer has closed would
        // otherwise raise SIGPIPE, whose default action kills the whole server.
        ssize_t sent = ::send(client.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0) return false;  // EPIPE, ECONNRESET: the client is gone
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}
// #endregion send_all

// #region send_file
bool send_file(const Fd& client, const Fd& file, std::uint64_t offset, std::uint64_t length) {
    off_t position = static_cast<off_t>(offset);  // sendfile(2) advances it
    while (length > 0) {
        // sendfile(2) copies from the file to the socket inside the kernel:
        // the bytes never pass through our memory. Like send(2) it may move
        // fewer bytes than asked, when a signal interrupts it partway, and
        // Linux moves at most 0x7ffff000 bytes a call, whatever the count.
        // EAGAIN cannot happen: this socket blocks, and has no SO_SNDTIMEO.
        std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(length, 0x7ffff000));
        ssize_t sent = ::sendfile(client.get(), file.get(), &position, chunk);
        if (sent < 0 && errno == EINTR) continue;  // defensive: no handlers are installed
        // EPIPE, ECONNRESET: the client is gone. There is no MSG_NOSIGNAL for
        // sendfile, so EPIPE comes back only because main() ignores SIGPIPE.
        // EIO: the disk failed us partway.
        if (sent < 0) return false;
        // 0 before `length` is the end of the file: someone truncated it
        // after fstat(2) gave us its size. The Content-Length already sent
        // promised more bytes than there are, and no byte we could add would
        // be the file's: the caller can only close.
        if (sent == 0) return false;
        length -= static_cast<std::uint64_t>(sent);
    }
    return true;
}
// #endregion send_file

// #region close_gracefully
// close(2) on a socket whose receive buffer still holds unread bytes makes
// Linux send RST instead of FIN (RFC 1122 §4.2.2.13). The client then sees
// "connection reset" where it expected the end of our answer: a client still
// sending has its write fail, and some TCP stacks throw away received data on
// RST, answer and all. So: shutdown(2) our side, which sends FIN after the
// answer; drain what the client still sends until it closes too (recv returns
// 0); then close. Bounded in time and bytes, because a client may never stop.
void close_gracefully(Fd client) {
    using namespace std::chrono;
    ::shutdown(client.get(), SHUT_WR);  // ENOTCONN if the client reset: harmless
    steady_clock::time_point deadline = steady_clock::now() + seconds(1);
    char discard[4096];
    for (std::size_t drained = 0; drained < 256 * 1024;) {
        auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
        pollfd readable{client.get(), POLLIN, 0};
        // poll(2) returns 0 at the deadline, or -1 with EINTR: give up either way.
        if (left <= 0 || ::poll(&readable, 1, static_cast<int>(left)) <= 0) return;
        ssize_t received = ::recv(client.get(), discard, sizeof discard, MSG_DONTWAIT);
        if (received <= 0) return;  // 0: the client closed, the usual way out
        drained += static_cast<std::size_t>(received);
    }
}   // `client` closes here
// #endregion close_gracefully

}  // namespace porter
