// workers: N processes serving one port, the kernel spreading the connections.
//
// Each worker is a whole Porter server in a process of its own: serve(port)
// is the function a developer would call from main() to run just one, and
// with N = 1 that is all this program does. The workers share the port with
// SO_REUSEPORT (socket(7)): each opens its own listening socket on it and the
// kernel hashes every new connection to one of them, so the workers share no
// accept queue, no lock and no memory. A worker that stops takes only its own
// connections with it; the others serve on.
//
//   workers [PORT [N]]   127.0.0.1 only; port 0 for any free port; N: the cores
//
// The parent serves nothing. It forks the workers, prints the ready line once
// every one of them listens, then `worker PID` for each (so a test can stop
// one); it forwards SIGINT and SIGTERM to them, reaps them, and exits when
// the last has gone. SIGTERM to one worker stops that one, gracefully.
//
// Every worker's routes:
//   GET  /           hello, world
//   GET  /pid        the worker's process id, to see which one answered
//   POST /echo       the request body as received (after chunked decoding)
//   GET  /count/N    the numbers 1 to N, streamed, at the client's pace
//
// Not here: restarting a worker that died, or reloading without a gap; a
// supervisor such as systemd, or a parent that forks a replacement when it
// reaps one, would do that.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <thread>

#include <porter/porter.hpp>

namespace {

// --- one worker: an ordinary Porter server ------------------------------------

// Streams "1\n" to "N\n", writing while the client keeps up and waiting for
// it (on_drain) when it doesn't: memory stays bounded however large N is.
void count_to(porter::Response response, std::uint64_t next, std::uint64_t last) {
    while (next <= last) {
        if (response.is_congested()) {
            response.on_drain([response, next, last] { count_to(response, next, last); });
            return;
        }
        if (!response.write(std::to_string(next++) + "\n")) return;  // the client has gone
    }
    response.end();
}

void add_routes(porter::Server& server) {
    server.route("GET", "/", [](porter::Request&, porter::Response& res) { res.text(200, "hello, world\n"); });
    server.route("GET", "/pid", [](porter::Request&, porter::Response& res) {
        res.text(200, std::to_string(::getpid()) + "\n");
    });
    server.route("POST", "/echo", [](porter::Request& req, porter::Response& res) {
        res.send(200, std::move(req.body), "application/octet-stream");
    });
    server.route("GET", "/count/:n", [](porter::Request& req, porter::Response& res) {
        std::uint64_t n = 0;
        std::string_view text = req.param("n");
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (error != std::errc() || end != text.data() + text.size()) return void(res.text(400, "not a number\n"));
        res.stream(200, "text/plain; charset=utf-8");
        count_to(res.defer(), 1, n);
    });
}

// The whole of one worker, and of a one-process server: listen on `port`
// beside any other worker, say so through `on_listening`, serve until a
// signal. Returns the process's exit status.
int serve(std::uint16_t port, const std::function<void()>& on_listening) {
    std::unique_ptr<porter::Server> server;
    try {
        server = std::make_unique<porter::Server>(porter::ServerOptions{.listen = {.port = port, .reuse_port = true}});
        add_routes(*server);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "worker %d: cannot start on 127.0.0.1:%u: %s\n", int{::getpid()}, unsigned{port},
                     error.what());
        return 1;
    }
    // A stop signal (the parent forwards its own) shuts the worker down on
    // its loop. Shutting down closes the listening socket first, so the
    // kernel sends new connections to the other workers, and idle keep-alive
    // connections next, so a proxy reconnects.
    server->stop_on_signals(std::chrono::seconds(5));
    on_listening();
    server->run();
    return 0;
}

// --- the parent: forks, waits for readiness, forwards signals, reaps -----------

struct Options {
    std::uint16_t port = 8080;
    unsigned workers = 1;
};

// A decimal number from `text`, if it is one and no larger than `max`.
std::optional<unsigned long> parse_number(std::string_view text, unsigned long max) {
    unsigned long number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || number > max) return std::nullopt;
    return number;
}

std::optional<Options> parse_command_line(int argc, char** argv) {
    Options options;
    // hardware_concurrency() may be 0 when it can't tell: then one worker.
    options.workers = std::max(1u, std::thread::hardware_concurrency());
    if (argc > 3) return std::nullopt;
    if (argc >= 2) {
        std::optional<unsigned long> port = parse_number(argv[1], 65535);
        if (!port) return std::nullopt;
        options.port = static_cast<std::uint16_t>(*port);
    }
    if (argc == 3) {
        std::optional<unsigned long> workers = parse_number(argv[2], 1024);
        if (!workers || *workers == 0) return std::nullopt;
        options.workers = static_cast<unsigned>(*workers);
    }
    return options;
}

[[noreturn]] void throw_errno(const char* call) { throw std::system_error(errno, std::generic_category(), call); }

// The port, chosen before any worker starts, so that all of them bind the
// same one even when the command line says 0. The parent binds a socket with
// SO_REUSEPORT and never listens on it: a socket that isn't listening is given
// no connections, but it holds the port (bind(2) picks one for port 0, which
// getsockname(2) reads back) until every worker has bound beside it. The
// alternatives each lose something: a listening socket in the parent would be
// handed connections no one accepts, and letting the first worker pick the
// port would make the workers start one after another. (SO_REUSEPORT's
// price, as socket.hpp warns: a second copy of this program given the same
// port would join the group silently instead of failing to bind.)
struct Reservation {
    porter::Fd socket;
    std::uint16_t port = 0;  // what bind chose, for port 0
};

Reservation reserve_port(std::uint16_t port) {
    porter::Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket.is_open()) throw_errno("socket");
    int yes = 1;
    if (::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEPORT, &yes, sizeof yes) != 0)
        throw_errno("setsockopt(SO_REUSEPORT)");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    // EADDRINUSE: a program without SO_REUSEPORT (or another user's) has the port.
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) throw_errno("bind");
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) throw_errno("getsockname");
    return {std::move(socket), ntohs(address.sin_port)};
}

// The signals the parent handles, blocked before the first fork: the parent
// takes them with sigwaitinfo(2) in its loop, and each worker inherits the
// mask, so a SIGTERM that comes before its server watches for one waits for it.
sigset_t parent_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGCHLD);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

// fork(2) one worker. It reports readiness by writing one byte to
// `ready_write` and closing it, so the parent sees end of file once every
// worker has either reported or died. Returns the worker's pid; nullopt if
// fork failed (EAGAIN: the process limit; ENOMEM).
std::optional<pid_t> start_worker(Reservation& reservation, porter::Fd& ready_read, int ready_write) {
    pid_t pid = ::fork();
    if (pid < 0) return std::nullopt;
    if (pid > 0) return pid;
    std::uint16_t port = reservation.port;
    reservation.socket.reset();  // the parent's to let go of; a worker's copy would hold the port
    ready_read.reset();
    int status = serve(port, [ready_write] {
        [[maybe_unused]] ssize_t written = ::write(ready_write, "r", 1);
        ::close(ready_write);
    });
    std::exit(status);  // the parent printed nothing before forking, so no stdio buffer is flushed twice
}

// Reads until every worker has closed the readiness pipe: how many said ready.
unsigned count_ready(const porter::Fd& ready_read) {
    unsigned ready = 0;
    char bytes[64];
    for (;;) {
        ssize_t n = ::read(ready_read.get(), bytes, sizeof bytes);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return ready;  // end of file: every write end is closed
        ready += static_cast<unsigned>(n);
    }
}

void signal_all(const std::set<pid_t>& workers, int signal) {
    for (pid_t pid : workers) ::kill(pid, signal);
}

// waitpid(2) with WNOHANG until none is left to reap: one SIGCHLD may stand
// for several exits, since signals of one kind don't queue.
void reap(std::set<pid_t>& workers) {
    int status = 0;
    for (pid_t pid; (pid = ::waitpid(-1, &status, WNOHANG)) > 0;) workers.erase(pid);
}

// Until the last worker has gone: forward a stop signal, reap the exits.
// Ctrl-C in a terminal reaches the workers too (they share the process
// group), and they stop by themselves; the forwarded SIGTERM is then no news.
void supervise(std::set<pid_t>& workers, const sigset_t& signals) {
    while (!workers.empty()) {
        int signal = ::sigwaitinfo(&signals, nullptr);
        if (signal == SIGINT || signal == SIGTERM) signal_all(workers, SIGTERM);
        reap(workers);  // SIGCHLD; and after EINTR (a stop and continue), harmless
    }
}

// Forks every worker and waits until each has said it listens (or died).
// False, with the started ones stopped and reaped, if any could not.
bool start_workers(const Options& options, Reservation& reservation, std::set<pid_t>& workers,
                   const sigset_t& signals) {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) return false;
    porter::Fd ready_read(ready[0]);
    for (unsigned i = 0; i < options.workers; ++i) {
        std::optional<pid_t> pid = start_worker(reservation, ready_read, ready[1]);
        if (!pid) break;
        workers.insert(*pid);
    }
    ::close(ready[1]);
    if (count_ready(ready_read) == options.workers) return true;
    signal_all(workers, SIGTERM);
    supervise(workers, signals);
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<Options> options = parse_command_line(argc, argv);
    if (!options) {
        std::fprintf(stderr, "usage: %s [PORT [N]]   (N: 1 to 1024 workers; default, the number of cores)\n", argv[0]);
        return 2;
    }
    Reservation reservation;
    try {
        reservation = reserve_port(options->port);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "workers: cannot start on 127.0.0.1:%u: %s\n", unsigned{options->port}, error.what());
        return 1;
    }
    sigset_t signals = parent_signals();
    std::set<pid_t> workers;
    if (!start_workers(*options, reservation, workers, signals)) {
        std::fprintf(stderr, "workers: not every worker started\n");
        return 1;
    }
    reservation.socket.reset();  // every worker has bound the port now
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{reservation.port});
    for (pid_t pid : workers) std::printf("worker %d\n", int{pid});
    std::fflush(stdout);
    supervise(workers, signals);
}
