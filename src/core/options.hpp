// Options: every limit, deadline and address an application can set.
//
// Layer: core, and part of the API: plain values, read by the parser and the
// connection (the core) and by the sockets (the I/O layer), set by the
// application through ServerOptions. Every default is a safe one, and
// check_options refuses the values that cannot work.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace porter {

using Duration = std::chrono::milliseconds;

// How much of a request head we accept. Every limit names its answer.
struct Limits {
    // Request line, without CRLF. Longer: 414, whichever part is long (a
    // simplification: §3 would answer a long method 501). RFC 9112 §3
    // recommends supporting at least 8000 octets.
    std::size_t max_request_line = 8 * 1024;
    // The whole head: request line, fields and the empty line. Longer: 431
    // (RFC 6585 §5). This also bounds the work one call can do.
    std::size_t max_header_bytes = 16 * 1024;
    // Field lines in the head. More: 431 (RFC 6585 §5), refused as the first
    // byte of the extra line arrives. Within max_header_bytes a client could
    // still send thousands of one-byte-name fields, each one a vector entry
    // and a step in every later lookup.
    std::size_t max_fields = 100;
};

// What a connection allows, and how long it waits. Every limit names its answer.
struct ConnectionOptions {
    Limits head = {};                             // request line (414), head (431), fields (431)
    std::uint64_t max_body_bytes = 1 << 20;       // larger: 413, before any of it is read
    std::size_t max_requests = 1000;              // per connection; the last says Connection: close
    Duration header_timeout = std::chrono::seconds(10);  // first byte to end of head: else 408
    Duration body_timeout = std::chrono::seconds(10);    // between pieces of a body: else 408
    Duration idle_timeout = std::chrono::seconds(30);    // kept alive, waiting for a request: close
    Duration write_timeout = std::chrono::seconds(30);   // output waiting with no progress: abort
    Duration linger_timeout = std::chrono::seconds(1);   // after our last response, for the peer's FIN
    // How long the application may take to give a status (0: as long as it
    // likes). Past it the client gets 503 and the response's on_close runs,
    // so the work can stop; a stream that has begun is not timed.
    Duration handler_timeout = Duration(0);
    std::size_t high_water = 1 << 20;             // output bytes: stop reading, streams congested
    std::size_t low_water = 256 << 10;            // below this again: resume, on_drain
};

// Where the server listens (socket.hpp opens it).
struct ListenOptions {
    std::string host = "127.0.0.1";  // an IPv4 or IPv6 literal: "0.0.0.0", "::1", "::"
    std::uint16_t port = 8080;       // 0: any free port
    std::string unix_path = "";      // not empty: a Unix socket at this path instead
    int listen_fd = -1;              // >= 0: this descriptor, already listening; the server owns it from then on
    bool reuse_port = false;         // SO_REUSEPORT: let other sockets bind the same port
    int backlog = 4096;              // the accept queue's length (capped by net.core.somaxconn)
};

// Throw std::invalid_argument, naming the option (as a field of
// ServerOptions: "connection.low_water") and the rule it breaks, for a value
// that cannot work: a limit no request could meet, a deadline that is
// already over, a low water mark above the high one. The Server checks its
// options as it is constructed, so a mistake stops the program at start,
// not at the first request that meets it.
void check_options(const ConnectionOptions& options);
void check_options(const ListenOptions& options);

}  // namespace porter
