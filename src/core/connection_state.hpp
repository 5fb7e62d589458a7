// What a connection is doing, and why it ended: the core's words for them.
//
// Layer: core, and part of the API: a status page (Server::connections())
// and the counters (Stats) report them.
#pragma once

#include <cstddef>
#include <string_view>

namespace porter {

enum class ConnectionState {
    idle,          // no request yet: new, or kept alive. Left by a request's first byte
    reading_head,  // part of a head has arrived. Left when it parses or fails
    reading_body,  // head accepted, body arriving. Left when the body is complete or fails
    handling,      // the application has the request and has not finished answering
    draining,      // last response sent and FIN sent: discarding input until the peer's FIN
    closed,        // finished: the I/O layer closes the socket
};

// Why a connection ended: the counters and the connection snapshot report it.
enum class CloseReason {
    none,         // still open
    done,         // we closed by design: Connection: close, HTTP/1.0, the request cap
    peer_closed,  // the client closed first
    timeout,      // a deadline passed
    parse_error,  // an invalid request: 400, 501, 505
    limit,        // a limit was exceeded: 413, 414, 431
    shutdown,     // the server is stopping
    io_error,     // a reset or another socket error
};
// How many reasons there are, for tables indexed by them: io_error stays last.
inline constexpr std::size_t close_reason_count = static_cast<std::size_t>(CloseReason::io_error) + 1;

std::string_view to_string(ConnectionState state);
std::string_view to_string(CloseReason reason);

}  // namespace porter
