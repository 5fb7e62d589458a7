// What a connection is doing, and why it ended: the core's words for them.
//
// Layer: core, and part of the API: a status page (Server::connections())
// and the counters (Stats) report them.
#pragma once

#include <cstddef>
#include <string_view>

namespace porter {

// Where a connection is in its conversation: one request at a time, then the
// end. Answers already given may still be going out in any state but closed:
// what is due to be sent is the output's business (Connection::output()),
// not a state. src/README.md draws the machine.
enum class ConnectionState {
    // For a request's first byte: the connection is new, or kept alive.
    // Entered at the start, and when an answer is finished and the connection
    // stays open. Left for reading_head when a byte is there to parse — at
    // once, or for a pipelined request when the answer before it has moved on
    // (sent(), sent_file()); for closing, or closed if nothing is due, by the
    // peer's FIN once every request it sent is answered, or by the server
    // stopping; for closed by the deadline.
    waiting,
    // Part of a head has arrived. Left when it parses (reading_body, or
    // handling when there is no body) or fails: an error answer (closing).
    reading_head,
    // The head is accepted and its body is arriving. Left when the body is
    // complete (handling) or fails (closing). On a route that streams its
    // body, the handler already has the request, and an answer it gives
    // before the last piece leaves for closing.
    reading_body,
    // The application has the request. Left when its answer is finished
    // (waiting; closing if the connection is not kept alive), or when the
    // client goes first (closed).
    handling,
    // No more requests: what is due goes out, then our FIN (lingering; or
    // closed, if the peer's FIN came already). Entered after an error answer,
    // after the last answer (Connection: close, HTTP/1.0, the request cap,
    // the server stopping), or when the peer's FIN came with answers still due.
    closing,
    // Our FIN is sent. Input is read and dropped until the peer's FIN or the
    // linger deadline (closed): closing at once could make the kernel reset
    // the connection, destroying an answer the client has not read yet.
    lingering,
    // Finished, with a CloseReason: the I/O layer closes the socket. Entered
    // from any state; never left.
    closed,
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
    app_error,    // the application failed an answer it had begun (threw, or dropped a stream unended): cut
    io_error,     // a reset or another socket error
};
// How many reasons there are, for tables indexed by them: io_error stays last.
inline constexpr std::size_t close_reason_count = static_cast<std::size_t>(CloseReason::io_error) + 1;

std::string_view to_string(ConnectionState state);
std::string_view to_string(CloseReason reason);

}  // namespace porter
