// Static files: a ready-made handler that serves the files under one directory.
//
// Layer: I/O, and part of the API: a handler like the application's own, on
// a core of pure functions (uri.hpp: decoding and dot segments; mime.hpp:
// types; conditional.hpp: validators and ranges) and one thin I/O step,
// open_beneath.hpp, the only code here that touches the file system.
#pragma once

#include <string>

#include "handler.hpp"

namespace porter {

// A handler for GET that serves the file named by the route parameter "path"
// (still percent-encoded; "" is the root itself) from under `root`, e.g.
//     server.route("GET", "/files/*path", static_files("public"));
// HEAD is the server's: it runs the same handler and drops the body. Answers
// 200 or 206 with the file, 304, 301 (a directory asked for without its
// trailing '/'), or an error: 400, 403, 404, 405, 412, 416, 503.
// A directory is served as its index.html; there are no directory listings.
// Opens `root` at once and keeps it open: throws std::system_error if it is
// not a directory we can open, so call it before the loop runs.
Handler static_files(std::string root);

// Whether `handler` is one static_files made: Server::route refuses one on a
// pattern whose last segment is not `*path`, where it would answer 404 to all.
bool is_static_files(const Handler& handler);

}  // namespace porter
