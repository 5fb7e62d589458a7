// speed_of_light: the least work a server on epoll can do per request — the ceiling, never a model.
//
// It finds where each request ends ("\r\n\r\n") and answers every complete one
// with the same canned response, all answers to one read in a single write.
// It parses nothing, validates nothing, ignores bodies, assumes every write is
// whole and closes after a request that says "Connection: close" anywhere.
// That makes it wrong as HTTP and useless as a server; it exists only so the
// bench can say how close Porter comes to the cost of the system calls alone.
// It keeps the stage contract: `speed_of_light PORT`, 127.0.0.1, ready line.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view canned = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n";
constexpr std::string_view canned_close =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nhello, world\n";

// How much of "\r\n\r\n" each connection has seen, by fd: requests split
// across reads still end where they end.
std::vector<unsigned char> matched(65536);

// Counts the request ends in `bytes`, carrying the partial match in `state`.
int count_request_ends(std::string_view bytes, unsigned char& state) {
    int ends = 0;
    for (char c : bytes) {
        char want = (state % 2 == 0) ? '\r' : '\n';
        state = (c == want) ? state + 1 : (c == '\r' ? 1 : 0);
        if (state == 4) ++ends, state = 0;
    }
    return ends;
}

void serve(int epoll_fd, int fd) {
    static char input[65536];
    ssize_t n = read(fd, input, sizeof input);
    if (n <= 0) return void(close(fd));  // EOF, reset, or EAGAIN on a spurious wakeup: the ceiling may be rude
    std::string_view bytes(input, static_cast<size_t>(n));
    int ends = count_request_ends(bytes, matched[static_cast<size_t>(fd)]);
    bool closing = bytes.find("Connection: close") != std::string_view::npos;
    std::string output;
    for (int i = 0; i < ends; ++i) output += (closing && i == ends - 1) ? canned_close : canned;
    if (!output.empty() && write(fd, output.data(), output.size()) < 0) closing = true;
    if (closing) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr), close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    sockaddr_in address{.sin_family = AF_INET, .sin_port = htons(argc > 1 ? std::atoi(argv[1]) : 8080), .sin_addr = {}, .sin_zero = {}};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, SOMAXCONN) != 0)
        return std::perror("speed_of_light: bind"), 1;
    socklen_t length = sizeof address;
    getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    int epoll_fd = epoll_create1(0);
    epoll_event event{.events = EPOLLIN, .data = {.fd = listener}};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &event);
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{ntohs(address.sin_port)});
    std::fflush(stdout);
    for (epoll_event ready[256];;) {
        int count = epoll_wait(epoll_fd, ready, 256, -1);
        for (int i = 0; i < count; ++i) {
            if (ready[i].data.fd != listener) { serve(epoll_fd, ready[i].data.fd); continue; }
            for (int fd; (fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                if (fd >= static_cast<int>(matched.size())) { close(fd); continue; }
                matched[static_cast<size_t>(fd)] = 0;
                epoll_event client{.events = EPOLLIN, .data = {.fd = fd}};
                epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &client);
            }
        }
    }
}
