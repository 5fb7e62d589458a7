// Porter: a small HTTP/1.1 server to import. The one header an application includes.
//
//   #include <porter/porter.hpp>
//
//   int main() {
//       porter::Server server({.listen = {.port = 8080}});
//       server.route("GET", "/", [](porter::Request&, porter::Response& res) {
//           res.text(200, "hello, world\n");
//       });
//       server.run();
//   }
//
// server.hpp has the Server and its options (options.hpp); request.hpp and
// response.hpp what a handler gets; static_files.hpp the ready-made handler
// for a directory of files. These, and the few small headers they include,
// are the API: `make install` puts them in include/porter/. The rest of src/
// (core/, the protocol; io/, the sockets and the loop) is internal.
#pragma once

// The API is C++20: a program compiled as C++17 hears it here, in one line,
// rather than in a page of errors from deep inside a header.
#if __cplusplus < 202002L
#error "Porter needs C++20 or later: compile with -std=c++20 (pkg-config gives no -std; CMake's Porter::porter does)"
#endif

#include "request.hpp"
#include "response.hpp"
#include "server.hpp"
#include "static_files.hpp"
