// Handler: what the application gives the server for a route.
//
// Layer: core, and part of the API. The router stores handlers and never
// calls one, so it needs Response only by name; the server calls them, with a
// Response (response.hpp) whose calls come back to the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "request.hpp"

namespace porter {

class Response;

using Handler = std::function<void(Request&, Response&)>;

// What a route may set for itself: Server::route's last argument.
struct RouteOptions {
    // The largest body this route takes, in place of
    // connection.max_body_bytes: a firmware upload may take 64 MiB while
    // every other route keeps 1 MiB. Larger: 413, before a byte of the body
    // is read when Content-Length says so; for a chunked body, as soon as
    // the chunks pass it.
    std::optional<std::uint64_t> max_body_bytes = std::nullopt;
    // The body in pieces, as it arrives (Response::on_body), instead of whole
    // in req.body: the handler runs as soon as the head is in, and the
    // server reads no faster than the handler takes the pieces.
    bool stream_body = false;
};

}  // namespace porter
