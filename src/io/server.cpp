// Server: the library's front door. The application owns main() and drives this.
//
// Layer: I/O. The loop reads the clocks (the core never does), waits on
// epoll, and hands each connection its bytes, its time and its events;
// poll() below says what runs when, in one turn.
#include "server.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <exception>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "connection.hpp"
#include "date.hpp"
#include "event_loop.hpp"
#include "fd.hpp"
#include "grammar.hpp"
#include "response.hpp"
#include "response_for.hpp"
#include "router.hpp"
#include "signals.hpp"
#include "socket.hpp"
#include "static_files.hpp"
#include "system_error.hpp"
#include "writer.hpp"

namespace porter {

namespace {

constexpr std::size_t accepts_per_turn = 64;  // so a flood of connects can't starve the open ones
constexpr Duration accept_backoff = std::chrono::milliseconds(100);
constexpr std::size_t recently_closed_kept = 64;

// sendfile(2) and write(2) to a socket whose peer has gone raise SIGPIPE,
// which kills the process by default; send() has MSG_NOSIGNAL, sendfile has
// no such flag. A library shouldn't change process-wide settings lightly, so
// this changes only the default: a program that chose a SIGPIPE handler keeps it.
void ignore_sigpipe_by_default() {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
}

// noexcept: an exception from the application's logger would unwind through
// the loop in the middle of its work, so it ends the program instead.
void log_access(const std::function<void(const AccessRecord&)>& log, const AccessRecord& record) noexcept {
    log(record);
}

void report_error(const std::function<void(const ApplicationError&)>& hook, const ApplicationError& error) noexcept {
    hook(error);
}

Duration until(TimePoint when, TimePoint now) {
    return std::max(Duration(0), std::chrono::ceil<Duration>(when - now));
}

// Before the socket opens: a server whose options cannot work never listens.
ServerOptions checked(ServerOptions options) {
    check_options(options.connection);
    check_options(options.listen);
    if (options.max_connections < 1) throw std::invalid_argument("porter: max_connections must be at least 1");
    return options;
}

}  // namespace

// The server's insides: the I/O layer around the connections' core. It is
// the core's Dispatcher: the connections call it to run handlers, to be
// flushed, to close files and to log.
struct Server::Impl final : Dispatcher {
    // A connection and its socket: the I/O layer's half of it.
    struct Link {
        std::uint64_t id = 0;
        Fd socket{};
        std::string peer{};
        TimePoint opened{};
        std::unique_ptr<Connection> connection{};
        std::uint32_t events = 0;                 // what epoll watches for now
        std::optional<TimePoint> deadline{};      // as filed in `deadlines_`
        bool in_flight_at_shutdown = false;
        bool woken = false;                       // queued in `woken_`
        bool closed = false;                      // in `closed_`, waiting for the turn to end
    };

    explicit Impl(ServerOptions options);
    ~Impl();

    std::uint16_t port() const;
    void run();
    void poll(Duration timeout);
    std::optional<Duration> next_timeout() const;
    void shutdown(Duration grace);
    void stop_on_signals(Duration grace, std::function<void()> first);
    void on_stop_signal();
    Stats stats() const;
    std::vector<ConnectionInfo> connections() const;

    // Dispatcher: the core calls these.
    BodyPolicy body_policy(Connection& connection, Request& head) override;
    void dispatch(Connection& connection, Request& request, const std::shared_ptr<Exchange>& exchange) override;
    void wake(Connection& connection) override;
    void release_file(std::uint64_t file) override;
    void finished(Connection& connection, const Request& request, int status, std::uint64_t bytes,
                  Duration duration) override;
    void record(Connection& connection, const AccessRecord& record) override;
    bool keeps_records() const override { return options_.access_log != nullptr; }
    ErrorAnswer error_answer(int status, const Request& request) override;
    void failed(Connection& connection, const Request& request, std::exception_ptr error) override;
    void task_failed(std::exception_ptr error, std::function<void()>& task);

    void handle_event(std::uint64_t tag, std::uint32_t events);
    void accept_clients();
    void pause_accepting(std::optional<TimePoint> until);
    void resume_accepting();
    void on_readable(Link& link, std::uint32_t events);
    void flush(Link& link);
    void settle(Link& link);
    void close_link(Link& link);
    void fire_deadlines();
    Server::TimerId add_timer(Duration delay, Duration period, std::function<void()> task);
    bool cancel_timer(Server::TimerId id);
    void fire_timer(Server::TimerId id);
    void update_clock();
    void finish_shutdown_if_done();

    ServerOptions options_;
    Clock clock_;
    std::chrono::system_clock::time_point date_second_{};  // the second clock_.date shows
    EventLoop loop_;
    Fd listener_;
    Router router_;

    std::unordered_map<std::uint64_t, std::unique_ptr<Link>> links_;
    std::set<std::pair<TimePoint, std::uint64_t>> deadlines_;  // (when, link or timer id), soonest first
    // The application's timers. Their ids come from the links' counter, so
    // one id names one thing in `deadlines_`.
    struct Timer {
        std::function<void()> task;
        Duration period{};  // 0: once
        TimePoint when{};   // as filed in `deadlines_`
    };
    std::unordered_map<std::uint64_t, Timer> timers_;
    std::vector<std::uint64_t> woken_;        // links with output from outside a read
    std::vector<std::unique_ptr<Link>> closed_;  // closed this turn, destroyed at its end
    // Every epoll event carries a tag saying what it is for: the loop's
    // wakeup, the listener, or a link, whose tag is its id.
    static constexpr std::uint64_t listener_tag = EventLoop::wakeup_tag + 1;
    static constexpr std::uint64_t first_link_id = listener_tag + 1;
    static constexpr std::uint64_t signals_tag = ~std::uint64_t{0};  // beyond any id the counter reaches
    std::uint64_t next_id_ = first_link_id;

    bool accepting_ = false;                  // the listener is in epoll
    std::optional<TimePoint> accept_resume_;  // paused for lack of descriptors until then
    std::optional<TimePoint> shutdown_deadline_;
    bool stopped_ = false;
    std::unique_ptr<StopSignals> stop_signals_;  // after stop_on_signals()
    Duration signal_grace_{};
    std::function<void()> before_signal_stop_;
    bool in_turn_ = false;                    // inside poll(): woken links are flushed before it returns
    bool serving_ = false;                    // poll() has run: the routes are in use
    std::exception_ptr task_error_;           // a posted task's, while what it held is destroyed
    ShutdownReport report_;
    Stats stats_;
    std::deque<ConnectionInfo> recently_closed_;
    std::vector<char> read_buffer_;           // one for all connections: reads are copied out at once
};

Server::Impl::Impl(ServerOptions options)
    : options_(checked(std::move(options))), listener_(open_listener(options_.listen)), read_buffer_(64 * 1024) {
    ignore_sigpipe_by_default();
    update_clock();
    resume_accepting();
}

// The connections end before the rest of the server: their last records and
// on_close callbacks still reach the application, and the server they call.
Server::Impl::~Impl() {
    while (!links_.empty()) {
        Link& link = *links_.begin()->second;
        link.connection->abort(CloseReason::shutdown);
        close_link(link);
    }
}

std::uint16_t Server::Impl::port() const { return listener_.is_open() ? local_port(listener_) : 0; }

void Server::Impl::run() {
    while (!stopped_) poll(Duration(-1));
}

// What runs when, in one turn:
//   1. wait: epoll_wait, for no longer than the soonest deadline;
//   2. events, in the order epoll gives them: the listener accepts, sockets
//      read and write, the wakeup eventfd runs the tasks posted so far, and
//      a stop signal (stop_on_signals) begins the shutdown;
//   3. deadlines due: the server's (accepting again, the shutdown's end),
//      then each connection's;
//   4. woken connections, whose answers came from a handler or task of this
//      turn: their output is sent now, not a turn later; waking may wake more;
//   5. the closed links of this turn are destroyed, no call of theirs being
//      on the stack any more.
void Server::Impl::poll(Duration timeout) {
    // A posted task may throw out of this turn: in_turn_ must not stay set.
    struct Turn {
        bool& flag;
        explicit Turn(bool& in_turn) : flag(in_turn) { flag = true; }
        ~Turn() { flag = false; }
    } turn(in_turn_);
    serving_ = true;
    loop_.mailbox().enter();  // this is the loop thread now (response.cpp asks)
    update_clock();
    if (std::optional<Duration> next = next_timeout(); next && (timeout.count() < 0 || *next < timeout))
        timeout = *next;
    std::span<const epoll_event> events = loop_.wait(timeout);
    update_clock();
    for (const epoll_event& event : events) handle_event(event.data.u64, event.events);
    fire_deadlines();
    // Handlers may have woken connections, which may wake others: take turns.
    while (!woken_.empty()) {
        std::vector<std::uint64_t> woken;
        woken.swap(woken_);
        for (std::uint64_t id : woken) {
            auto found = links_.find(id);
            if (found == links_.end()) continue;  // closed meanwhile
            found->second->woken = false;
            settle(*found->second);
        }
    }
    finish_shutdown_if_done();
    closed_.clear();  // nothing of theirs is on the stack any more
}

std::optional<Duration> Server::Impl::next_timeout() const {
    if (stopped_) return std::nullopt;
    std::optional<TimePoint> soonest;
    auto consider = [&](std::optional<TimePoint> when) {
        if (when && (!soonest || *when < *soonest)) soonest = when;
    };
    if (!woken_.empty()) return Duration(0);  // answers given between turns wait to be sent
    if (!deadlines_.empty()) consider(deadlines_.begin()->first);
    consider(accept_resume_);
    consider(shutdown_deadline_);
    if (!soonest) return std::nullopt;
    return until(*soonest, std::chrono::steady_clock::now());
}

void Server::Impl::update_clock() {
    clock_.now = std::chrono::steady_clock::now();
    clock_.wall = std::chrono::system_clock::now();
    auto second = std::chrono::floor<std::chrono::seconds>(clock_.wall);
    if (second != date_second_) {  // Date has one-second resolution: format it once a second
        clock_.date = format_http_date(second);
        date_second_ = second;
    }
}

void Server::Impl::handle_event(std::uint64_t tag, std::uint32_t events) {
    if (tag == EventLoop::wakeup_tag) {
        return loop_.run_posted([this](std::exception_ptr error, std::function<void()>& task) { task_failed(error, task); });
    }
    if (tag == listener_tag) return accepting_ ? accept_clients() : void();
    if (tag == signals_tag) return on_stop_signal();
    auto found = links_.find(tag);
    if (found == links_.end()) return;  // closed earlier in this turn
    Link& link = *found->second;
    // EPOLLHUP and EPOLLERR come whatever we asked for; the read or the write
    // that follows reports what happened.
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(link, events);
    settle(link);
}

void Server::Impl::accept_clients() {
    for (std::size_t i = 0; i < accepts_per_turn; ++i) {
        if (links_.size() >= options_.max_connections) return pause_accepting(std::nullopt);
        Accepted accepted = accept_client(listener_);
        switch (accepted.status) {
        case AcceptStatus::accepted: break;
        case AcceptStatus::none_waiting: return;
        case AcceptStatus::retry: continue;
        case AcceptStatus::out_of_fds:
            ++stats_.accept_pauses;
            return pause_accepting(clock_.now + accept_backoff);
        }
        std::uint64_t id = next_id_++;
        auto link = std::make_unique<Link>(Link{.id = id,
                                                .socket = std::move(accepted.client),
                                                .peer = std::move(accepted.peer),
                                                .opened = clock_.now,
                                                .events = EPOLLIN});
        link->connection =
            std::make_unique<Connection>(id, link->peer, options_.connection, clock_, static_cast<Dispatcher&>(*this));
        if (!loop_.watch(link->socket.get(), EPOLLIN, id)) {
            ++stats_.watch_failures;  // ENOMEM, ENOSPC (epoll's max_user_watches): drop this client
            continue;
        }
        Link& added = *links_.emplace(id, std::move(link)).first->second;
        ++stats_.accepted;
        settle(added);  // shutdown() accepts before it begins: these are shut down with the rest
    }
}

// Out of descriptors, or at the connection cap: stop watching the listener,
// so its readiness can't make the loop spin. Connections wait in the kernel's
// accept queue meanwhile. `until` is when to try again; none means "when a
// connection closes".
void Server::Impl::pause_accepting(std::optional<TimePoint> until) {
    if (accepting_ && !loop_.forget(listener_.get())) ++stats_.watch_failures;
    accepting_ = false;
    accept_resume_ = until;
}

void Server::Impl::resume_accepting() {
    accept_resume_.reset();
    if (accepting_ || !listener_.is_open() || shutdown_deadline_) return;
    accepting_ = loop_.watch(listener_.get(), EPOLLIN, listener_tag);
    if (!accepting_) accept_resume_ = clock_.now + accept_backoff;
}

void Server::Impl::on_readable(Link& link, std::uint32_t events) {
    Connection& connection = *link.connection;
    std::size_t room = std::min(connection.input_room(), read_buffer_.size());
    // Not reading now, yet epoll reports an error (a reset) or a hangup (both
    // directions shut). Level-triggered, it would report it again on every
    // wait: the client can receive nothing more, so give up on it now.
    if (room == 0) {
        if (events & EPOLLERR) connection.abort(CloseReason::io_error);
        else if (events & EPOLLHUP) connection.abort(CloseReason::peer_closed);
        return;
    }
    ssize_t received = ::recv(link.socket.get(), read_buffer_.data(), room, 0);
    if (received > 0) {
        connection.receive(std::string_view(read_buffer_.data(), static_cast<std::size_t>(received)));
    } else if (received == 0) {
        connection.receive_end();
    } else if (errno != EAGAIN && errno != EINTR) {
        connection.abort(CloseReason::io_error);  // ECONNRESET, ETIMEDOUT: the client is gone
    }
}

// Sends what the connection has for the client, until done or the socket is full.
void Server::Impl::flush(Link& link) {
    Connection& connection = *link.connection;
    while (!connection.is_closed()) {
        if (std::string_view bytes = connection.output(); !bytes.empty()) {
            // MSG_MORE (send(2)) before a file: hold a part-filled segment, so
            // that a file's head leaves in one packet with its first bytes
            // instead of alone (our sockets have TCP_NODELAY). The sendfile
            // that follows at once carries no such flag, and pushes it out.
            int more = connection.file_follows() ? MSG_MORE : 0;
            ssize_t sent = ::send(link.socket.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | more);
            if (sent >= 0) connection.sent(static_cast<std::size_t>(sent));
            else if (errno == EAGAIN) return;  // full: EPOLLOUT will say when there's room
            else if (errno != EINTR) connection.abort(CloseReason::io_error);  // EPIPE, ECONNRESET
        } else if (const FileSegment* file = connection.output_file()) {
            // sendfile(2) copies file to socket inside the kernel. On a
            // non-blocking socket it stops when the socket is full; reading a
            // file that is not in the page cache can still block on the disk.
            off_t offset = static_cast<off_t>(file->offset);
            std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(file->length, 1 << 20));
            ssize_t sent = ::sendfile(link.socket.get(), static_cast<int>(file->file), &offset, chunk);
            if (sent > 0) connection.sent_file(static_cast<std::uint64_t>(sent));
            else if (sent < 0 && errno == EAGAIN) return;
            else if (sent == 0 || errno != EINTR) connection.abort(CloseReason::io_error);  // 0: the file shrank
        } else {
            break;
        }
    }
    if (connection.wants_write_shutdown()) {
        ::shutdown(link.socket.get(), SHUT_WR);  // FIN after the last response; ENOTCONN if reset: harmless
        connection.write_shut_down();
    }
}

// After anything happened to a link: send what is due, then make epoll and
// the deadline index agree with the connection's new state, or close it.
void Server::Impl::settle(Link& link) {
    if (link.closed) return;
    link.connection->resume_input();  // a streamed body its handler let go again
    flush(link);
    Connection& connection = *link.connection;
    if (connection.is_closed()) return close_link(link);
    std::uint32_t events = 0;
    if (connection.input_room() > 0) events |= EPOLLIN;
    if (!connection.output().empty() || connection.output_file()) events |= EPOLLOUT;
    if (events != link.events) {
        if (!loop_.change(link.socket.get(), events, link.id)) {
            connection.abort(CloseReason::io_error);
            return close_link(link);
        }
        link.events = events;
    }
    std::optional<TimePoint> deadline = connection.deadline();
    if (deadline != link.deadline) {
        if (link.deadline) deadlines_.erase({*link.deadline, link.id});
        if (deadline) deadlines_.insert({*deadline, link.id});
        link.deadline = deadline;
    }
}

void Server::Impl::close_link(Link& link) {
    if (link.closed) return;
    Connection& connection = *link.connection;
    ++stats_.closed_by_reason[static_cast<std::size_t>(connection.close_reason())];
    if (link.in_flight_at_shutdown) {
        if (connection.close_reason() == CloseReason::shutdown && clock_.now >= *shutdown_deadline_) ++report_.aborted;
        else ++report_.finished;
    }
    recently_closed_.push_front({link.id, link.peer, connection.state(), connection.close_reason(),
                                 std::chrono::duration_cast<Duration>(clock_.now - link.opened),
                                 connection.requests_served()});
    if (recently_closed_.size() > recently_closed_kept) recently_closed_.pop_back();
    if (link.deadline) deadlines_.erase({*link.deadline, link.id});
    if (!loop_.forget(link.socket.get())) ++stats_.watch_failures;
    link.closed = true;
    // Not destroyed yet: this may run inside the connection's own call stack
    // (a handler that called shutdown(), a callback), so the Link waits in
    // `closed_` until the turn is over. The socket closes now.
    link.socket.reset();
    auto found = links_.find(link.id);
    closed_.push_back(std::move(found->second));
    links_.erase(found);
    if (!accepting_ && !accept_resume_) resume_accepting();  // below the cap again
}

void Server::Impl::fire_deadlines() {
    if (accept_resume_ && *accept_resume_ <= clock_.now) resume_accepting();
    if (shutdown_deadline_ && *shutdown_deadline_ <= clock_.now) {
        // close_link takes each out of links_, and no link is added now.
        while (!links_.empty()) {
            Link& link = *links_.begin()->second;
            link.connection->abort(CloseReason::shutdown);
            close_link(link);
        }
    }
    while (!deadlines_.empty() && deadlines_.begin()->first <= clock_.now) {
        std::uint64_t id = deadlines_.begin()->second;
        deadlines_.erase(deadlines_.begin());
        if (timers_.contains(id)) {
            fire_timer(id);
            continue;
        }
        auto found = links_.find(id);
        if (found == links_.end()) continue;  // close_link erased a closed one's deadline; never throw from poll()
        Link& link = *found->second;
        link.deadline.reset();
        link.connection->expire();
        settle(link);
    }
}

// --- timers ------------------------------------------------------------------

Server::TimerId Server::Impl::add_timer(Duration delay, Duration period, std::function<void()> task) {
    std::uint64_t id = next_id_++;
    TimePoint when = std::chrono::steady_clock::now() + std::max(delay, Duration(0));
    timers_.emplace(id, Timer{std::move(task), period, when});
    deadlines_.insert({when, id});
    if (!in_turn_) loop_.wake();  // a loop asleep in epoll_wait recomputes its timeout
    return id;
}

bool Server::Impl::cancel_timer(Server::TimerId id) {
    auto found = timers_.find(id);
    if (found == timers_.end()) return false;
    deadlines_.erase({found->second.when, id});  // none while its own task runs: it was taken out to fire
    timers_.erase(found);
    return true;
}

// The task runs out of the table, so that cancelling (or adding) timers
// inside it cannot destroy or move the function that is running.
void Server::Impl::fire_timer(Server::TimerId id) {
    auto found = timers_.find(id);
    std::function<void()> task = std::move(found->second.task);
    if (found->second.period == Duration(0)) timers_.erase(found);
    try {
        task();
    } catch (...) {
        timers_.erase(id);
        task_failed(std::current_exception(), task);
        return;
    }
    auto again = timers_.find(id);
    if (again == timers_.end()) return;  // once, or cancelled by its own task
    Timer& timer = again->second;
    timer.task = std::move(task);
    timer.when += timer.period;
    if (timer.when <= clock_.now) timer.when = clock_.now + timer.period;  // fell behind: skip, never spin
    deadlines_.insert({timer.when, id});
}

void Server::Impl::stop_on_signals(Duration grace, std::function<void()> first) {
    signal_grace_ = grace;
    before_signal_stop_ = std::move(first);
    if (stop_signals_) return;
    auto signals = std::make_unique<StopSignals>();
    if (!loop_.watch(signals->fd(), EPOLLIN, signals_tag)) throw_errno("epoll_ctl(ADD)");
    stop_signals_ = std::move(signals);
}

// The first signal asks for a graceful stop; one more, while that is under
// way, is someone who will not wait: the deadline becomes now.
void Server::Impl::on_stop_signal() {
    while (stop_signals_->take() != 0) {
        if (shutdown_deadline_) {
            shutdown_deadline_ = std::min(*shutdown_deadline_, clock_.now);
            continue;
        }
        if (before_signal_stop_) before_signal_stop_();
        shutdown(signal_grace_);
    }
}

void Server::Impl::shutdown(Duration grace) {
    if (shutdown_deadline_ || stopped_) return;
    update_clock();
    // Connections the kernel has completed but we have not accepted would be
    // reset when the listener closes (with SO_REUSEPORT, lost from the
    // group): take them first, and answer them with Connection: close.
    if (accepting_) accept_clients();
    shutdown_deadline_ = clock_.now + grace;
    pause_accepting(std::nullopt);
    listener_.reset();
    std::vector<std::uint64_t> ids;
    for (const auto& [id, link] : links_) ids.push_back(id);
    for (std::uint64_t id : ids) {
        auto found = links_.find(id);
        if (found == links_.end()) continue;  // closed by the callbacks of one before it
        Link& link = *found->second;
        link.connection->begin_shutdown();
        if (link.connection->is_closed()) {
            ++report_.closed_idle;
        } else {
            link.in_flight_at_shutdown = true;
        }
        settle(link);
    }
    finish_shutdown_if_done();
}

void Server::Impl::finish_shutdown_if_done() {
    if (shutdown_deadline_ && links_.empty()) stopped_ = true;
}

// --- Dispatcher: the core's calls into the application ----------------------

// The route decides: its own limit, if it set one, and whether it streams.
BodyPolicy Server::Impl::body_policy(Connection&, Request& head) {
    Router::Match match = router_.find(head);
    std::uint64_t limit = options_.connection.max_body_bytes;
    if (!match.handler) return {.wanted = false, .max_bytes = limit};
    return {.wanted = true,
            .max_bytes = match.options->max_body_bytes.value_or(limit),
            .streamed = match.options->stream_body};
}

void Server::Impl::dispatch(Connection& connection, Request& request, const std::shared_ptr<Exchange>& exchange) {
    Response response = response_for(exchange, &loop_.mailbox());
    Router::Match match = router_.find(request);
    if (!match.handler) {
        if (match.status == 405) response.set_field("Allow", match.allow);
        ErrorAnswer answer = error_answer(match.status, request);
        response.send(match.status, std::move(answer.body), answer.content_type);
        return;
    }
    // The one call into application code. An exception ends this exchange
    // only: 500 if nothing was sent yet; if a response had begun, its framing
    // can't be trusted any more, so the connection is cut. Either way the
    // on_error hook hears of it — except for BadRequest, the client's
    // mistake, which is answered 400 (request.hpp).
    try {
        (*match.handler)(request, response);
    } catch (...) {
        connection.fail_exchange(std::current_exception());
    }
}

void Server::Impl::wake(Connection& connection) {
    auto found = links_.find(connection.id());
    if (found == links_.end() || found->second->woken) return;
    found->second->woken = true;
    woken_.push_back(connection.id());
    // Output made between turns (an app's own callback answering a kept
    // response): make fd() readable, so a loop waiting on it comes round.
    if (!in_turn_) loop_.wake();
}

// A file segment's number is its descriptor's (Response::file): close it.
void Server::Impl::release_file(std::uint64_t file) { Fd(static_cast<int>(file)).reset(); }

void Server::Impl::finished(Connection&, const Request&, int, std::uint64_t, Duration) { ++stats_.responses; }

void Server::Impl::record(Connection&, const AccessRecord& record) {
    if (options_.access_log) log_access(options_.access_log, record);
}

// The application's words for an error answer, if it has any, and if they
// can go on the wire: a content type is a field value, held to set_field's rule.
ErrorAnswer Server::Impl::error_answer(int status, const Request& request) {
    if (!options_.error_answer) return default_error_answer(status);
    try {
        ErrorAnswer answer = options_.error_answer(status, request);
        if (is_field_value(answer.content_type)) return answer;
    } catch (...) {
        // An error page that fails is no reason to send no error at all.
    }
    return default_error_answer(status);
}

// A posted task's exception is blamed on the request of a response the task
// held (and dropped, being destroyed now), if there is one.
void Server::Impl::failed(Connection& connection, const Request& request, std::exception_ptr error) {
    if (task_error_) error = std::exchange(task_error_, nullptr);
    if (options_.on_error) report_error(options_.on_error, {request.method, request.target, connection.id(), error});
}

void Server::Impl::task_failed(std::exception_ptr error, std::function<void()>& task) {
    task_error_ = error;
    task = nullptr;  // what it held goes now: a response it kept is answered 500, and blames this error
    bool blamed = task_error_ == nullptr;
    task_error_ = nullptr;
    if (!options_.on_error) std::rethrow_exception(error);
    if (!blamed) report_error(options_.on_error, {.error = error});
}

// --- seeing inside -------------------------------------------------------

Stats Server::Impl::stats() const {
    Stats stats = stats_;
    stats.open = links_.size();
    return stats;
}

std::vector<ConnectionInfo> Server::Impl::connections() const {
    std::vector<ConnectionInfo> open;
    for (const auto& [id, link] : links_)
        open.push_back({id, link->peer, link->connection->state(), CloseReason::none,
                        std::chrono::duration_cast<Duration>(clock_.now - link->opened),
                        link->connection->requests_served()});
    std::sort(open.begin(), open.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return open;
}

// --- Server: the API, in front of Impl --------------------------------------

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

// The router is read by every request: changing it while requests are
// served could free a handler that is running.
void Server::route(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options) {
    if (impl_->serving_)
        throw std::logic_error("porter: route() after the server began serving: add every route before run() or the first poll()");
    if (is_static_files(handler) && !pattern.ends_with("/*path"))
        throw std::invalid_argument("porter: route " + std::string(method) + " " + std::string(pattern) +
                                    " serves static_files, which needs the pattern to end in /*path");
    impl_->router_.add(method, pattern, std::move(handler), options);
}

std::uint16_t Server::port() const { return impl_->port(); }
void Server::run() { impl_->run(); }
void Server::poll(Duration timeout) { impl_->poll(timeout); }
int Server::fd() const { return impl_->loop_.fd(); }
std::optional<Duration> Server::next_timeout() const { return impl_->next_timeout(); }
void Server::post(std::function<void()> task) { impl_->loop_.post(std::move(task)); }
void Server::shutdown(Duration grace) { impl_->shutdown(grace); }
void Server::stop_on_signals(Duration grace, std::function<void()> first) {
    impl_->stop_on_signals(grace, std::move(first));
}

Server::TimerId Server::after(Duration delay, std::function<void()> task) {
    return impl_->add_timer(delay, Duration(0), std::move(task));
}

Server::TimerId Server::every(Duration period, std::function<void()> task) {
    if (period <= Duration(0)) throw std::invalid_argument("porter: every() needs a period above 0");
    return impl_->add_timer(period, period, std::move(task));
}

bool Server::cancel(TimerId timer) { return impl_->cancel_timer(timer); }
bool Server::is_stopped() const { return impl_->stopped_; }
const ShutdownReport& Server::shutdown_report() const { return impl_->report_; }
Stats Server::stats() const { return impl_->stats(); }
std::vector<ConnectionInfo> Server::connections() const { return impl_->connections(); }

std::vector<ConnectionInfo> Server::recently_closed() const {
    return {impl_->recently_closed_.begin(), impl_->recently_closed_.end()};
}

}  // namespace porter
