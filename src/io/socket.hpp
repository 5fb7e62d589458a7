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
#include "options.hpp"

namespace porter {

// A non-blocking, close-on-exec listening socket as the options say.
Fd open_listener(const ListenOptions& options);

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
