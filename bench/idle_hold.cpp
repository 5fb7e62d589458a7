// idle_hold: opens N keep-alive connections, has each answered once, then holds them all idle.
//
// The bench's idle-connection test: `idle_hold PORT N`. Each connection sends
// one GET / and reads its whole answer, so the server has really taken the
// connection in (accepted, read, answered) and now keeps it between requests,
// as a browser's or a proxy's idle connections are kept. It connects at most
// 256 at a time, so a listen backlog is never the limit, and gives up after
// 30 s. Then it prints `held K` (connections answered and still open) and
// waits for a line on standard input; at that line it sends one more request
// on the oldest connection, prints `probe_us T` (its latency, or -1 if no
// answer came within 5 s), and waits for end of input to close everything.
// Traffic goes to 127.0.0.1 only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// One connection: its socket and what has come back of its answer so far.
struct Connection {
    int fd = -1;
    std::string answer;     // bytes read so far
    bool answered = false;  // a whole response (head and Content-Length body) has arrived
};

// True once `bytes` hold a whole response head and the body its Content-Length announces.
bool is_whole_response(std::string_view bytes) {
    size_t head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return false;
    size_t length = 0;
    for (std::string_view name : {"Content-Length:", "content-length:"}) {
        size_t at = bytes.substr(0, head_end).find(name);
        if (at != std::string_view::npos) length = std::strtoul(bytes.data() + at + name.size(), nullptr, 10);
    }
    return bytes.size() >= head_end + 4 + length;
}

int connect_nonblocking(std::uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {}, .sin_zero = {}};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS)
        close(fd), fd = -1;
    return fd;
}

// Reads what is there; true when the connection has its whole answer. A
// refused or reset connection is closed and marked with fd -1.
bool read_answer(Connection& c) {
    char buffer[4096];
    for (;;) {
        ssize_t n = read(c.fd, buffer, sizeof buffer);
        if (n > 0) { c.answer.append(buffer, static_cast<size_t>(n)); continue; }
        if (n < 0 && errno == EAGAIN) return c.answered = is_whole_response(c.answer);
        close(c.fd), c.fd = -1;  // EOF, ECONNREFUSED, ECONNRESET: the server did not keep it
        return false;
    }
}

// Opens n connections, 256 in flight at a time, each sending one request and
// reading its answer; stops early at the deadline. Returns them all.
std::vector<Connection> open_and_answer(std::uint16_t port, int n, Clock::time_point deadline) {
    std::vector<Connection> connections(static_cast<size_t>(n));
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC), started = 0, in_flight = 0;
    while ((started < n || in_flight > 0) && Clock::now() < deadline) {
        for (; started < n && in_flight < 256; ++started) {
            Connection& c = connections[static_cast<size_t>(started)];
            if ((c.fd = connect_nonblocking(port)) < 0) continue;
            epoll_event event{.events = EPOLLOUT, .data = {.u32 = static_cast<std::uint32_t>(started)}};
            epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &event), ++in_flight;
        }
        epoll_event ready[256];
        int count = epoll_wait(epoll_fd, ready, 256, 100);
        for (int i = 0; i < count; ++i) {
            Connection& c = connections[ready[i].data.u32];
            if (ready[i].events & EPOLLOUT) {  // connected (or failed: the read below says which)
                if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) { close(c.fd), c.fd = -1, --in_flight; continue; }
                epoll_event event{.events = EPOLLIN, .data = ready[i].data};
                epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &event);
                continue;
            }
            int fd = c.fd;
            if (read_answer(c) || c.fd < 0) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr), --in_flight;
        }
    }
    close(epoll_fd);
    return connections;
}

// One more request on a held connection: its latency in µs, or -1 without an answer within 5 s.
long probe(Connection& c) {
    c.answer.clear(), c.answered = false;
    Clock::time_point start = Clock::now();
    if (send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) return -1;
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{.events = EPOLLIN, .data = {.u32 = 0}};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &event);
    while (!c.answered && c.fd >= 0 && Clock::now() - start < std::chrono::seconds(5))
        if (epoll_wait(epoll_fd, &event, 1, 100) == 1) read_answer(c);
    close(epoll_fd);
    if (!c.answered) return -1;
    return static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return std::fprintf(stderr, "usage: %s PORT N\n", argv[0]), 2;
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;  // 10,000 sockets need more than the usual soft limit of 1024
    setrlimit(RLIMIT_NOFILE, &files);
    std::vector<Connection> connections = open_and_answer(static_cast<std::uint16_t>(std::atoi(argv[1])),
                                                          std::atoi(argv[2]), Clock::now() + std::chrono::seconds(30));
    std::vector<Connection*> held;
    for (Connection& c : connections)
        if (c.fd >= 0 && c.answered) held.push_back(&c);
    std::printf("held %zu\n", held.size());
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) return 0;
    std::printf("probe_us %ld\n", held.empty() ? -1L : probe(*held.front()));
    std::fflush(stdout);
    while (std::getline(std::cin, line)) {}
}
