// The smallest program built against an installed Porter, through pkg-config:
//   c++ tiny.cpp $(pkg-config --cflags --libs porter)
// It serves one request to itself and prints "ok" if the answer is right.
#include <porter/porter.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

namespace {

// A plain blocking client, on another thread, so the server's loop can run here.
std::string ask(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        std::string request = "GET /tiny HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        char buffer[4096];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return answer;
}

}  // namespace

int main() {
    porter::Server server({.listen = {.port = 0}});
    server.route("GET", "/tiny", [](porter::Request&, porter::Response& res) { res.text(200, "installed\n"); });
    std::string answer;
    std::thread client([&] {
        answer = ask(server.port());
        server.post([&] { server.shutdown(std::chrono::seconds(1)); });
    });
    server.run();
    client.join();
    bool ok = answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.ends_with("\r\n\r\ninstalled\n");
    std::puts(ok ? "ok" : answer.c_str());
    return ok ? 0 : 1;
}
