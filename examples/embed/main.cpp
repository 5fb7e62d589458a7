// embed: Porter inside the application's own event loop.
//
// The application owns the loop: one epoll(7) instance watching its own
// descriptors — a timerfd(2) that ticks once a second and a signalfd(2) for
// SIGINT and SIGTERM — and exactly one of Porter's, server.fd(). That
// descriptor is readable whenever server.poll(0) has work; Porter's deadlines
// (idle connections, slow clients, the shutdown grace) come in through
// server.next_timeout(), which bounds the epoll_wait. There is one thread, so
// a handler reads the application's state (the tick count) with no lock.
//
//   embed [PORT]    127.0.0.1 only; port 0 for any free port; the ready line once listening
//   GET /           hello, world
//   GET /ticks      how many times the application's timer has fired
//
// SIGINT or SIGTERM stop it gracefully: the loop goes on until Porter says it
// has finished (is_stopped()).
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <porter/porter.hpp>

namespace {

// What each descriptor in the application's epoll is: the tag its events carry.
enum class Source : std::uint64_t {
    timer,    // the timerfd: a second has passed
    signals,  // the signalfd: SIGINT or SIGTERM
    porter,   // server.fd(): Porter has connections or posted tasks to serve
};

// The application: its loop, its own descriptors, and its state.
struct App {
    porter::Fd epoll;
    porter::Fd timer;
    porter::Fd signals;
    std::uint64_t ticks = 0;  // written by the timer, read by a handler: same thread
};

std::optional<std::uint16_t> parse_command_line(int argc, char** argv) {
    std::uint16_t port = 8080;
    if (argc > 2) return std::nullopt;
    if (argc == 2) {
        std::string_view text = argv[1];
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    }
    return port;
}

[[noreturn]] void throw_errno(const char* call) { throw std::system_error(errno, std::generic_category(), call); }

// timerfd_create(2) on the monotonic clock, so setting the wall clock doesn't
// move it; it fires every second and counts expirations we were late to read.
porter::Fd open_timer() {
    porter::Fd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!timer.is_open()) throw_errno("timerfd_create");
    itimerspec every_second{.it_interval = {1, 0}, .it_value = {1, 0}};
    if (::timerfd_settime(timer.get(), 0, &every_second, nullptr) != 0) throw_errno("timerfd_settime");
    return timer;
}

// signalfd(2): the signals become readable data in our own loop, instead of
// a handler that interrupts it. They must be blocked first, or the default
// action (terminate) would still run.
porter::Fd open_signals() {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (::sigprocmask(SIG_BLOCK, &stop, nullptr) != 0) throw_errno("sigprocmask");
    porter::Fd signals(::signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signals.is_open()) throw_errno("signalfd");
    return signals;
}

void watch(const porter::Fd& epoll, int fd, Source source) {
    epoll_event event{EPOLLIN, {.u64 = static_cast<std::uint64_t>(source)}};
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw_errno("epoll_ctl(ADD)");
}

// The application's loop and Porter's, as one: the three descriptors in one
// epoll. Porter's epoll descriptor may be watched by another epoll (epoll(7):
// an epoll descriptor is itself pollable).
App open_app(const porter::Server& server) {
    App app{porter::Fd(::epoll_create1(EPOLL_CLOEXEC)), open_timer(), open_signals()};
    if (!app.epoll.is_open()) throw_errno("epoll_create1");
    watch(app.epoll, app.timer.get(), Source::timer);
    watch(app.epoll, app.signals.get(), Source::signals);
    watch(app.epoll, server.fd(), Source::porter);
    return app;
}

void add_routes(porter::Server& server, const App& app) {
    server.route("GET", "/", [](porter::Request&, porter::Response& res) { res.text(200, "hello, world\n"); });
    server.route("GET", "/ticks", [&app](porter::Request&, porter::Response& res) {
        res.text(200, std::to_string(app.ticks) + "\n");
    });
}

// A read of a timerfd gives the number of expirations since the last read:
// more than one if the loop was busy past a tick. EAGAIN: none after all.
void on_tick(App& app) {
    std::uint64_t expirations = 0;
    if (::read(app.timer.get(), &expirations, sizeof expirations) == sizeof expirations) app.ticks += expirations;
}

// Reading the signalfd consumes the signal. A second signal during the
// grace period finds shutdown() already under way, which ignores it.
void on_signal(App& app, porter::Server& server) {
    signalfd_siginfo info;
    while (::read(app.signals.get(), &info, sizeof info) == sizeof info)
        server.shutdown(std::chrono::seconds(5));
}

// epoll_wait's timeout: Porter's next deadline, or none (-1). The timer and
// the signals are descriptors, so they need no timeout of their own.
int timeout_ms(const porter::Server& server) {
    std::optional<porter::Duration> next = server.next_timeout();
    return next ? static_cast<int>(std::min<std::int64_t>(next->count(), 1 << 30)) : -1;
}

bool is_due(std::optional<porter::Duration> next) { return next && next->count() == 0; }

// Runs until Porter has shut down. poll(0) never blocks: it handles what is
// ready in Porter's epoll, the deadlines due, and the posted tasks.
bool run_loop(App& app, porter::Server& server) {
    std::array<epoll_event, 8> events;
    while (!server.is_stopped()) {
        int ready = ::epoll_wait(app.epoll.get(), events.data(), static_cast<int>(events.size()), timeout_ms(server));
        if (ready < 0 && errno == EINTR) continue;  // a signal we didn't route to the signalfd (SIGCONT)
        if (ready < 0) {                            // EBADF, EFAULT, EINVAL: a bug here
            std::fprintf(stderr, "embed: epoll_wait: %s\n", std::strerror(errno));
            return false;
        }
        bool porter_ready = false;
        for (int i = 0; i < ready; ++i) {
            switch (static_cast<Source>(events[static_cast<std::size_t>(i)].data.u64)) {
            case Source::timer: on_tick(app); break;
            case Source::signals: on_signal(app, server); break;
            case Source::porter: porter_ready = true; break;
            }
        }
        // server.hpp's contract: poll(0) when fd() is readable, and when
        // next_timeout() has passed — a deadline may be what ended the wait.
        if (porter_ready || is_due(server.next_timeout())) server.poll(porter::Duration(0));
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<std::uint16_t> port = parse_command_line(argc, argv);
    if (!port) {
        std::fprintf(stderr, "usage: %s [PORT]\n", argv[0]);
        return 2;
    }
    std::unique_ptr<porter::Server> server;
    std::unique_ptr<App> app;
    try {
        server = std::make_unique<porter::Server>(porter::ServerOptions{.listen = {.port = *port}});
        app = std::make_unique<App>(open_app(*server));
        add_routes(*server, *app);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "embed: cannot start on 127.0.0.1:%u: %s\n", unsigned{*port}, error.what());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{server->port()});
    std::fflush(stdout);
    return run_loop(*app, *server) ? 0 : 1;
}
