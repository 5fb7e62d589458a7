// hello: the smallest program that imports Porter. It owns main(); the server
// is a value it makes, gives one route, and runs.
#include "porter.hpp"

int main() {
    porter::Server server({.listen = {.port = 8080}});
    server.route("GET", "/hello/:name", [](porter::Request& req, porter::Response& res) {
        res.text(200, "hello, " + std::string(req.param("name")) + "\n");
    });
    server.run();
}
