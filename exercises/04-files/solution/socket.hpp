// Sockets: the handful of calls between a port number and a connected client.
//
// Layer: I/O. These are thin wrappers, each named after the job it does, so the
// server reads as a story instead of a wall of system calls. Setup failures
// (a port in use) throw, because nothing is running yet; once clients arrive,
// failures are return values the caller looks at.
#pragma once

#include <cstdint>
#include <string_view>

#include "fd.hpp"

namespace porter {

// A TCP socket bound to 127.0.0.1:port and listening; port 0 asks the kernel to
// pick a free one. Throws std::system_error naming the call that failed.
Fd listen_on_loopback(std::uint16_t port);

// The port a bound socket ended up with: how we learn what port 0 became.
std::uint16_t local_port(const Fd& socket);

// Blocks until a client connects and returns its socket, or an empty Fd when
// none could be taken this time (the client left first, or we are out of
// descriptors): the caller just tries again.
Fd accept_client(const Fd& listener);

// Writes all of `bytes`, however many send(2) calls that takes. False when the
// client has gone away.
bool send_all(const Fd& client, std::string_view bytes);

// Sends `length` bytes of `file` from `offset` with sendfile(2), however many
// calls that takes. False when the client has gone away, or when the file
// ended before `length` bytes: it was shortened after we measured it.
bool send_file(const Fd& client, const Fd& file, std::uint64_t offset, std::uint64_t length);

// Ends a connection after our answer without losing it: sends FIN, reads and
// discards what the client is still sending for at most a second, then closes.
void close_gracefully(Fd client);

}  // namespace porter
