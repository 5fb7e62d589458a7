// microhttpd: libmicrohttpd as a bench peer — the same two answers as Porter's demo.
//
// GET / answers the 13-byte "hello, world\n"; GET /files/PATH sends the file
// PATH under ROOT with sendfile (MHD_create_response_from_fd). It keeps the
// stage contract: `microhttpd PORT [ROOT]`, 127.0.0.1 only, the ready line once
// listening. libmicrohttpd runs in its fastest single-threaded shape — one
// internal thread on epoll, "turbo" (read, write and accept before asking
// epoll) — with its connection limit raised from FD_SETSIZE-4 to 20,000 so it
// can hold the bench's 10,000 idle connections, and no idle timeout.
// A bench tool only: never a dependency of Porter.
#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {

std::string root = ".";
MHD_Response* hello = nullptr;  // built once, queued for every GET /: libmicrohttpd reference-counts it

MHD_Response* open_file_response(std::string_view path) {
    if (path.empty() || path.find("..") != std::string_view::npos) return nullptr;  // crude, but a bench peer
    int fd = open((root + "/" + std::string(path)).c_str(), O_RDONLY | O_CLOEXEC);
    struct stat status {};
    if (fd < 0 || fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        if (fd >= 0) close(fd);
        return nullptr;
    }
    return MHD_create_response_from_fd(static_cast<size_t>(status.st_size), fd);  // owns fd from here
}

// libmicrohttpd calls this once when the head has arrived and again when the
// (empty) body has: a response queued on the first call would count as an
// early answer to an unread request, and the connection would be closed.
MHD_Result answer(void*, MHD_Connection* connection, const char* url, const char* method, const char*,
                  const char*, size_t*, void** request_state) {
    static int head_seen;
    if (*request_state == nullptr) return *request_state = &head_seen, MHD_YES;
    if (std::strcmp(method, "GET") != 0 && std::strcmp(method, "HEAD") != 0) return MHD_NO;
    std::string_view target = url;
    if (target == "/") return MHD_queue_response(connection, MHD_HTTP_OK, hello);
    MHD_Response* file = target.starts_with("/files/") ? open_file_response(target.substr(7)) : nullptr;
    if (!file) return MHD_queue_response(connection, MHD_HTTP_NOT_FOUND, hello);
    MHD_Result queued = MHD_queue_response(connection, MHD_HTTP_OK, file);
    MHD_destroy_response(file);
    return queued;
}

MHD_Daemon* start(std::uint16_t port) {
    sockaddr_in address{.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {}, .sin_zero = {}};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO, port, nullptr, nullptr, &answer, nullptr,
                            MHD_OPTION_SOCK_ADDR, &address, MHD_OPTION_CONNECTION_LIMIT, 20000u,
                            MHD_OPTION_CONNECTION_TIMEOUT, 0u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
                            MHD_OPTION_END);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) return std::fprintf(stderr, "usage: %s PORT [ROOT]\n", argv[0]), 2;
    if (argc == 3) root = argv[2];
    // Blocked before the daemon's thread starts, so that thread inherits the
    // mask and this one alone takes SIGTERM or SIGINT, with sigwait(3).
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    static const char body[] = "hello, world\n";
    hello = MHD_create_response_from_buffer(sizeof body - 1, const_cast<char*>(body), MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(hello, "Content-Type", "text/plain; charset=utf-8");
    MHD_Daemon* daemon = start(static_cast<std::uint16_t>(std::atoi(argv[1])));
    if (!daemon) return std::fprintf(stderr, "microhttpd: cannot start on port %s\n", argv[1]), 1;
    unsigned port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    std::printf("listening on http://127.0.0.1:%u\n", port);
    std::fflush(stdout);
    // The daemon's own thread does all the work; this one only waits.
    int signal = 0;
    sigwait(&stop, &signal);
    MHD_stop_daemon(daemon);
}
