// Porter: a small HTTP/1.1 server to import. The one header an application includes.
//
//   #include "porter.hpp"
//
//   int main() {
//       porter::Server server({.listen = {.port = 8080}});
//       server.route("GET", "/", [](porter::Request&, porter::Response& res) {
//           res.text(200, "hello, world\n");
//       });
//       server.run();
//   }
//
// server.hpp has the Server and its options; request.hpp and response.hpp
// what a handler gets; router.hpp the route patterns; static_files.hpp the
// ready-made handler for a directory of files.
#pragma once

#include "request.hpp"
#include "response.hpp"
#include "router.hpp"
#include "server.hpp"
#include "static_files.hpp"
