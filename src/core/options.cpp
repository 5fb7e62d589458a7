// Options: the values that cannot work, refused before the server starts.
//
// Layer: core; no system calls. Each rule says what would go wrong: a server
// that answers every request 414, or closes every connection at once, has
// not been configured, it has been broken, and the place to say so is the
// start, in a message that names the option.
#include "options.hpp"

#include <stdexcept>
#include <string>

namespace porter {

namespace {

void require(bool holds, const char* option, const char* rule) {
    if (!holds) throw std::invalid_argument(std::string("porter: ") + option + " " + rule);
}

}  // namespace

void check_options(const ConnectionOptions& options) {
    const Limits& head = options.head;
    // "GET / HTTP/1.1" is the shortest request line a client can send.
    require(head.max_request_line >= 14, "connection.head.max_request_line",
            "must be at least 14, the length of \"GET / HTTP/1.1\"");
    require(head.max_header_bytes > head.max_request_line, "connection.head.max_header_bytes",
            "must be more than connection.head.max_request_line: the head holds the request line and more");
    require(head.max_fields >= 1, "connection.head.max_fields", "must be at least 1: HTTP/1.1 requires Host");
    require(options.max_requests >= 1, "connection.max_requests", "must be at least 1");
    require(options.header_timeout > Duration(0), "connection.header_timeout", "must be above 0");
    require(options.body_timeout > Duration(0), "connection.body_timeout", "must be above 0");
    require(options.idle_timeout > Duration(0), "connection.idle_timeout", "must be above 0");
    require(options.write_timeout > Duration(0), "connection.write_timeout", "must be above 0");
    require(options.linger_timeout >= Duration(0), "connection.linger_timeout", "must not be negative");
    require(options.handler_timeout >= Duration(0), "connection.handler_timeout",
            "must not be negative (0 turns it off)");
    require(options.high_water >= 1, "connection.high_water", "must be at least 1");
    // Reading resumes below low_water; one above high_water would resume a
    // connection that is still congested, and stop it again at once.
    require(options.low_water <= options.high_water, "connection.low_water",
            "must not be above connection.high_water");
}

void check_options(const ListenOptions& options) {
    require(options.backlog >= 1, "listen.backlog", "must be at least 1");
    require(options.listen_fd < 0 || options.unix_path.empty(), "listen.listen_fd",
            "and listen.unix_path cannot both be given: one socket is listened on");
    require(options.listen_fd >= 0 || !options.unix_path.empty() || !options.host.empty(), "listen.host",
            "must not be empty (\"127.0.0.1\", \"::1\", \"0.0.0.0\")");
}

}  // namespace porter
