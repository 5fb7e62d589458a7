// Sockets: listening where the application says, and accepting without blocking.
//
// Layer: I/O. The process model is the application's choice, so every way a
// listening socket can come to be is here: an address and port (IPv4 or
// IPv6), a Unix socket path, SO_REUSEPORT for several processes sharing a
// port, or a descriptor that is already listening — inherited from a parent
// or passed by systemd socket activation. Setup failures throw
// std::system_error naming the call; nothing is running yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fd.hpp"

namespace porter {

struct ListenOptions {
    std::string host = "127.0.0.1";  // an IPv4 or IPv6 literal: "0.0.0.0", "::1", "::"
    std::uint16_t port = 8080;       // 0: any free port
    std::string unix_path = "";      // not empty: a Unix socket at this path instead
    int listen_fd = -1;              // >= 0: this descriptor, already listening; the server owns it from then on
    bool reuse_port = false;         // SO_REUSEPORT: let other sockets bind the same port
    int backlog = 4096;              // the accept queue's length (capped by net.core.somaxconn)
};

// A non-blocking, close-on-exec listening socket as the options say.
Fd open_listener(const ListenOptions& options);

// The first descriptor systemd passed (LISTEN_FDS, sd_listen_fds(3)), if
// this process is the one it was meant for; else nullopt.
std::optional<int> systemd_listen_fd();

// The port a TCP socket is bound to; 0 for a Unix socket.
std::uint16_t local_port(const Fd& socket);

// The outcome of one accept: a client, nothing (yet), or a shortage.
enum class AcceptStatus {
    accepted,      // `client` holds the new connection
    none_waiting,  // EAGAIN: the queue is empty
    retry,         // the client left first (ECONNABORTED) or a signal: try again
    out_of_fds,    // EMFILE, ENFILE, ENOBUFS, ENOMEM: back off, don't spin
};

struct Accepted {
    AcceptStatus status;
    Fd client;
    std::string peer;  // "127.0.0.1:51234", "[::1]:51234" or "unix"
};

Accepted accept_client(const Fd& listener);

}  // namespace porter
