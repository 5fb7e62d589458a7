// Server: the library's front door. The application owns main() and drives this.
//
// Layer: I/O, and the API's heart. A Server owns a listening socket, one epoll
// loop and the connections; the protocol itself is the Connection core's.
// The application adds routes, then either lets run() loop until shutdown, or
// drives the loop itself: one turn at a time with poll(), or from its own
// epoll by watching fd() and honouring next_timeout().
//
//   porter::Server server({.listen = {.port = 8080}});
//   server.route("GET", "/hello/:name", [](porter::Request& req, porter::Response& res) {
//       res.text(200, "hello " + std::string(req.param("name")) + "\n");
//   });
//   server.run();
//
// Every method is for the thread that drives the loop, except post(), which
// any thread may call, and which is how other threads reach everything else.
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access_record.hpp"
#include "connection_state.hpp"
#include "handler.hpp"
#include "options.hpp"
#include "status.hpp"

namespace porter {

// What the application got wrong, for the on_error hook: a handler or a
// posted task threw, a deferred response was dropped unanswered, a handler
// returned without answering, or handler_timeout passed. The views are
// valid during the call only.
struct ApplicationError {
    std::string_view method{};      // of the request it failed; empty for a task that held no response
    std::string_view target{};
    std::uint64_t connection = 0;   // 0 for a task that held no response
    std::exception_ptr error{};     // what went wrong: std::rethrow_exception to see it
};

struct ServerOptions {
    ListenOptions listen = {};            // where: address and port, Unix path, or a descriptor
    ConnectionOptions connection = {};    // limits and deadlines for each connection
    std::size_t max_connections = 10000;  // beyond: stop accepting until one closes
    // Hooks, each called on the loop thread, in the middle of its work: they
    // must not throw (an exception from one ends the program), nor call back
    // into a Response.
    //
    // access_log: one record for every exchange, once it is over
    // (access_record.hpp says what "over" means, and what is in a record).
    std::function<void(const AccessRecord&)> access_log = nullptr;
    // on_error: the application's failures. The client has its answer
    // already (500, or 503 past handler_timeout; cut off if a stream had
    // begun). Without it, an exception from a posted task comes out of
    // poll() or run(), as any exception from your own code would.
    std::function<void(const ApplicationError&)> on_error = nullptr;
    // error_answer: the body and content type of the answers the server
    // makes itself (400, 404, 405, 408, 413, 414, 431, 500, 501, 503, 505,
    // ...). `request` may be half-parsed or empty (a 400). An exception from
    // it, or a content type with a control character, gets the server's own
    // words (default_error_answer, status.hpp) instead.
    std::function<ErrorAnswer(int status, const Request& request)> error_answer = nullptr;
};

// The first descriptor systemd passed (LISTEN_FDS, sd_listen_fds(3)), if
// this process is the one it was meant for; else nullopt. For socket
// activation: {.listen = {.listen_fd = *fd}}.
std::optional<int> systemd_listen_fd();

// What shutdown() did, once it has finished.
struct ShutdownReport {
    std::size_t closed_idle = 0;     // idle connections, closed at once
    std::size_t finished = 0;        // in flight at the start, closed after their answer
    std::size_t aborted = 0;         // still open at the deadline, closed without ceremony
};

// Counters since the server started.
struct Stats {
    std::uint64_t accepted = 0;
    std::uint64_t responses = 0;                      // answers handed over, error answers included
    std::size_t open = 0;
    std::array<std::uint64_t, close_reason_count> closed_by_reason{};  // indexed by CloseReason
    std::uint64_t accept_pauses = 0;   // times accepting paused: out of descriptors
    std::uint64_t watch_failures = 0;  // epoll_ctl failed: a client dropped, or a descriptor not forgotten

    std::uint64_t closed(CloseReason reason) const { return closed_by_reason[static_cast<std::size_t>(reason)]; }
};

// A connection as seen from outside, for a status page.
struct ConnectionInfo {
    std::uint64_t id = 0;
    std::string peer;
    ConnectionState state = ConnectionState::waiting;
    CloseReason reason = CloseReason::none;  // for recently closed ones
    Duration age{};
    std::size_t requests = 0;
};

class Server {
public:
    // Checks the options, throwing std::invalid_argument that names one
    // that cannot work (check_options, options.hpp), then opens the
    // listening socket: throws std::system_error if it can't.
    explicit Server(ServerOptions options = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Routes, tried in the order added; add them before serving (after the
    // first poll() or run(), route() throws std::logic_error). A pattern's
    // segments are literal, `:name` (one segment, percent-decoded, for
    // req.param("name")) or, last, `*name` (the rest of the path, still
    // encoded). No match: 404, 405 with Allow, or 501 (router.hpp says why).
    // A route that cannot match as meant throws std::invalid_argument: a
    // method that is not an upper-case token, a pattern not starting with
    // '/', an empty or repeated parameter name, `*name` before the end, an
    // empty handler, static_files on a pattern without a last `*path`.
    // `options` may give the route its own body limit, or have its body
    // streamed to the handler (RouteOptions, handler.hpp; Response::on_body).
    void route(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options = {});

    std::uint16_t port() const;  // the bound port (what port 0 became); 0 for a Unix socket

    // Loops until shutdown() has finished.
    void run();
    // One turn: waits up to `timeout` for events (negative: until one comes),
    // then handles them, the deadlines due, and the tasks posted. Throws
    // std::system_error if epoll_wait fails for anything but a signal.
    void poll(Duration timeout);
    // For an outside event loop: fd() is readable when poll(0) has work, and
    // poll(0) must also be called when next_timeout() has passed.
    int fd() const;
    std::optional<Duration> next_timeout() const;

    // Any thread: runs `task` on the loop thread soon after. A task that
    // throws: the on_error hook gets its exception, with the request of a
    // response it held unanswered (answered 500, as a dropped response is);
    // without the hook, the exception comes out of poll() or run(), and the
    // tasks posted after it run on the next turn.
    void post(std::function<void()> task);

    // Timers on the loop thread: after(delay, task) runs `task` once,
    // every(period, task) each period until cancelled (one that falls behind
    // skips the runs it missed rather than catch up). For the thread that
    // drives the loop: from another, post() the call. They wait in the same
    // ordered index as the connections' deadlines, cost nothing meanwhile,
    // and keep nothing running: once shutdown() has finished, none fires. A
    // task that throws is treated as a posted one (on_error, else out of
    // poll()), and its timer ends. cancel() says whether the timer was still
    // to run; an every() task may cancel its own timer.
    using TimerId = std::uint64_t;
    TimerId after(Duration delay, std::function<void()> task);
    TimerId every(Duration period, std::function<void()> task);  // throws std::invalid_argument unless period > 0
    bool cancel(TimerId timer);

    // Stops: no new connections; idle ones close now; requests in flight are
    // answered with Connection: close; whatever remains at now + `grace` is
    // closed. Safe before run(), from a handler, or via post(). Once done,
    // run() returns and is_stopped() is true.
    void shutdown(Duration grace);
    // shutdown(grace) when SIGINT or SIGTERM comes, and a second one closes
    // what is left at once (Ctrl-C twice). The signals are read in the loop,
    // from a signalfd, not taken by a handler. Call it from main() before
    // starting any thread: it blocks the two signals in the calling thread,
    // threads started afterwards inherit that, and one started before could
    // still receive them and die of them. The thread's mask is restored when
    // the Server is destroyed. `first`, if given, runs on the loop just
    // before the shutdown begins: to end streams that never end by
    // themselves, which the grace would otherwise wait out. Throws
    // std::system_error if the descriptor can't be had; a second call
    // replaces the grace and `first`.
    void stop_on_signals(Duration grace = std::chrono::seconds(5), std::function<void()> first = nullptr);
    bool is_stopped() const;
    const ShutdownReport& shutdown_report() const;

    Stats stats() const;
    std::vector<ConnectionInfo> connections() const;         // open now
    std::vector<ConnectionInfo> recently_closed() const;     // the last 64

private:
    // Everything else — the loop, the sockets, the connections, the router —
    // is the implementation's (server.cpp), so an application compiles
    // against this much alone.
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace porter
