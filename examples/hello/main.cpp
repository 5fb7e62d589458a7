// hello: the smallest program that imports Porter. It owns main(); the server
// is a value it makes, gives one route, and runs.
//
// Usage: hello [PORT]  (8080 by default; 0 for any free port. The demo
// example shows how a real program checks its command line.)
#include <cstdio>
#include <cstdlib>
#include <string>

#include <porter/porter.hpp>

int main(int argc, char** argv) {
    auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8080);
    porter::Server server({.listen = {.port = port}});
    server.route("GET", "/hello/:name", [](porter::Request& req, porter::Response& res) {
        res.text(200, "hello, " + std::string(req.param("name")) + "\n");
    });
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{server.port()});
    std::fflush(stdout);
    server.run();
}
