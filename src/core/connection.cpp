// Connection: one client's HTTP/1.1 conversation, as a state machine.
//
// Layer: core; no system calls, no clock. See connection.hpp for the life of
// a request. The rules, by where they live:
//   - one request at a time: the next (pipelined) head is not parsed until the
//     current response is finished, so answers go out in order (RFC 9112 §9.3.2);
//   - after any error answer, close: the stream can't be trusted to say where
//     the bad request ends, so we never resynchronise;
//   - output above high water stops reading; below low water, streams resume.
#include "connection.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "semantics.hpp"
#include "writer.hpp"

namespace porter {

namespace {

constexpr std::size_t read_size = 64 * 1024;  // the most one receive() is offered

CloseReason reason_for_error(int status) {
    switch (status) {
    case 413: case 414: case 431: return CloseReason::limit;
    default: return CloseReason::parse_error;
    }
}

// The application's on_close and on_drain run in the middle of the
// connection's work; noexcept makes an exception from one end the program
// rather than unwind through the loop (response.hpp says so).
void run_callback(const std::function<void()>& callback) noexcept { callback(); }

// on_close runs once: taken out first, so that it cannot run again from
// inside itself, and so that whatever it holds goes when it is done.
void run_on_close(Exchange& exchange) {
    if (!exchange.on_close) return;
    auto callback = std::move(exchange.on_close);
    run_callback(callback);
}

std::exception_ptr application_error(const char* what) { return std::make_exception_ptr(std::logic_error(what)); }

bool is_bad_request(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const BadRequest&) {
        return true;
    } catch (...) {
        return false;
    }
}

}  // namespace

std::string_view to_string(ConnectionState state) {
    switch (state) {
    case ConnectionState::waiting: return "waiting";
    case ConnectionState::reading_head: return "reading_head";
    case ConnectionState::reading_body: return "reading_body";
    case ConnectionState::handling: return "handling";
    case ConnectionState::closing: return "closing";
    case ConnectionState::lingering: return "lingering";
    case ConnectionState::closed: return "closed";
    }
    return "?";
}

std::string_view to_string(CloseReason reason) {
    switch (reason) {
    case CloseReason::none: return "none";
    case CloseReason::done: return "done";
    case CloseReason::peer_closed: return "peer_closed";
    case CloseReason::timeout: return "timeout";
    case CloseReason::parse_error: return "parse_error";
    case CloseReason::limit: return "limit";
    case CloseReason::shutdown: return "shutdown";
    case CloseReason::app_error: return "app_error";
    case CloseReason::io_error: return "io_error";
    }
    return "?";
}

Connection::Connection(std::uint64_t id, std::string_view peer, const ConnectionOptions& options, const Clock& clock,
                       Dispatcher& dispatcher)
    : id_(id), peer_(peer), options_(options), clock_(clock), dispatcher_(dispatcher),
      keeps_records_(dispatcher.keeps_records()), state_since_(clock.now), last_progress_(clock.now) {}

Connection::~Connection() {
    if (state_ != ConnectionState::closed) close(CloseReason::io_error);
}

// --- input ---------------------------------------------------------------

std::size_t Connection::input_room() const {
    if (peer_done_) return 0;
    switch (state_) {
    case ConnectionState::closed: return 0;
    case ConnectionState::closing:
    case ConnectionState::lingering: return read_size;  // read, to discard
    case ConnectionState::waiting:
    case ConnectionState::reading_head:
    case ConnectionState::reading_body:
    case ConnectionState::handling: break;
    }
    // Answers are piling up unread: take no more requests until the client
    // reads; TCP's window then pushes back on it. So too for a streamed body
    // its handler holds back.
    if (is_congested() || body_held()) return 0;
    if (state_ == ConnectionState::handling || file_) {
        // Pipelined requests wait while this answer is made or its file is
        // sent; hold at most one more head's worth of them.
        std::size_t waiting = input_.size() - start_;
        std::size_t cap = options_.head.max_header_bytes;
        return waiting >= cap ? 0 : cap - waiting;
    }
    return read_size;
}

void Connection::receive(std::string_view bytes) {
    switch (state_) {
    case ConnectionState::closing:
    case ConnectionState::lingering:
    case ConnectionState::closed: return;  // no more requests: discarded
    case ConnectionState::waiting:
    case ConnectionState::reading_head:
    case ConnectionState::reading_body:
    case ConnectionState::handling: break;
    }
    input_.append(bytes);
    advance();
}

void Connection::receive_end() {
    // A client may half-close after sending its requests: it still reads the
    // answers. Serve what has arrived, then close (see finish_input).
    peer_done_ = true;
    if (state_ == ConnectionState::lingering) return close(closing_.value_or(CloseReason::peer_closed));
    // TCP cannot say whether a FIN means "I have left" or "I have sent all
    // I will, and I am reading": both are common. So the application hears it
    // (client_gone(), on_close) and may stop slow work, and an answer it
    // gives anyway is still sent, for the client that reads.
    if (exchange_ && !exchange_->finished) {
        exchange_->input_ended = true;
        run_on_close(*exchange_);
    }
    advance();
}

// The peer has finished sending and every request it sent is answered: send
// what is due, then close.
void Connection::finish_input() {
    close_after(CloseReason::peer_closed);
    if (!output_pending()) return close(*closing_);
    enter(ConnectionState::closing);
}

// Moves the conversation forward as far as the bytes at hand allow: parses
// heads and bodies and dispatches requests until it must wait — for bytes,
// for the application, or for the end.
void Connection::advance() {
    for (;;) {
        ConnectionState before = state_;
        switch (state_) {
        case ConnectionState::waiting: start_request(); break;
        case ConnectionState::reading_head: read_head(); break;
        case ConnectionState::reading_body: read_body(); break;
        case ConnectionState::handling:
        case ConnectionState::closing:
        case ConnectionState::lingering:
        case ConnectionState::closed: break;
        }
        if (state_ == before) break;
    }
    compact_input();
    if (state_ == ConnectionState::waiting && peer_done_ && start_ == input_.size()) finish_input();
    else if (state_ == ConnectionState::waiting) release_buffers();
}

void Connection::start_request() {
    if (start_ == input_.size()) return;
    // Not while a file is still due (its bytes must come before the next
    // answer's), nor while answers are piling up unread.
    if (file_ || sent_ + options_.high_water < output_.size()) return;
    enter(ConnectionState::reading_head);
    request_started_ = clock_.now;
    answer_ = {};  // not head_only until a head says HEAD: a 400 or 408 before that has a body
}

// Whether parsing the unparsed bytes again could say more than last time:
// the parser starts from the first byte each call, so a client trickling a
// head a byte at a time would otherwise cost a parse of up to 16 KiB per
// byte. Only a new line end, or crossing a limit, can change the verdict;
// a bad byte is still refused, at the latest when its line ends.
bool Connection::worth_parsing(std::string_view unparsed) const {
    auto crosses = [&](std::size_t limit) { return head_scanned_ <= limit && unparsed.size() > limit; };
    return head_scanned_ == 0 || peer_done_ || unparsed.find('\n', head_scanned_) != std::string_view::npos ||
           crosses(options_.head.max_request_line + 1) || crosses(options_.head.max_header_bytes);
}

void Connection::read_head() {
    std::string_view unparsed(input_.data() + start_, input_.size() - start_);
    if (!worth_parsing(unparsed)) return;
    ParseResult result = parse_request(unparsed, options_.head, request_);
    switch (result.status) {
    case ParseStatus::incomplete:
        head_scanned_ = unparsed.size();
        request_ = Request{};  // its views point into input_, which may move
        if (peer_done_) fail(400, CloseReason::parse_error);  // cut short by the client's FIN
        return;
    case ParseStatus::invalid:
        fail(result.error, reason_for_error(result.error));
        return;
    case ParseStatus::complete:
        // Move the head out of the input buffer, which pipelined bytes may
        // grow (and move) while the request lives, and parse it again there,
        // so the Request's views point at bytes that stay put.
        head_.assign(unparsed.substr(0, result.consumed));
        start_ += result.consumed;
        head_scanned_ = 0;
        parse_request(head_, options_.head, request_);
        accept_head();
        return;
    }
}

// A head has parsed: decide what it means for the body and the connection.
void Connection::accept_head() {
    request_.received = clock_.wall;
    request_.peer = peer_;
    request_.connection_id = id_;
    begin_record();
    answer_.head_only = request_.method == "HEAD";
    if (int status = check_target(request_)) return fail(status, CloseReason::parse_error);
    if (int status = check_host(request_)) return fail(status, CloseReason::parse_error);
    // The framing first, with no limit: the limit is the route's, and the
    // route is asked only about a body that is there.
    Framing framing = decide_body_framing(request_, std::numeric_limits<std::uint64_t>::max());
    if (framing.error) return fail(framing.error, reason_for_error(framing.error));
    BodyPolicy body;
    if (framing.kind != BodyFraming::none) {
        body = dispatcher_.body_policy(*this, request_);
        // Refused before a byte of the body is read: the client may be
        // waiting for 100 Continue, and even if not, reading 64 MiB to refuse it helps nobody.
        if (framing.kind == BodyFraming::length && framing.length > body.max_bytes) return fail(413, CloseReason::limit);
    }
    Expectation expected = classify_expectation(request_);
    if (expected == Expectation::unsupported) return fail(417, CloseReason::parse_error);

    if (!wants_keep_alive(request_) || requests_served_ + 1 >= options_.max_requests) close_after(CloseReason::done);
    if (framing.kind == BodyFraming::none) return dispatch();

    bool continue_expected = expected == Expectation::continue_100;
    // RFC 9110 §10.1.1: the client waits for 100 before sending the body.
    // If no handler wants it, let the router answer (404, 405 with Allow)
    // without it, and close: the body may come anyway, unread.
    if (continue_expected && !body.wanted) {
        close_after(CloseReason::done);
        return dispatch();
    }
    if (framing.kind == BodyFraming::chunked) chunked_.emplace(ChunkedLimits{.max_body_bytes = body.max_bytes});
    body_left_ = framing.length;
    last_progress_ = clock_.now;
    if (body.streamed) return begin_streamed_body(continue_expected);
    if (continue_expected) append_output("HTTP/1.1 100 Continue\r\n\r\n");
    // The declared length, up to a megabyte: a larger one is allowed only by
    // its route, and is reserved as it arrives, not on the client's word.
    request_.body.reserve(std::min<std::uint64_t>(framing.length, 1 << 20));
    enter(ConnectionState::reading_body);
}

void Connection::read_body() {
    if (streaming_body_) return read_streamed_body();
    std::string_view available(input_.data() + start_, input_.size() - start_);
    if (!available.empty()) last_progress_ = clock_.now;
    if (chunked_) {
        ParseResult result = chunked_->decode(available, request_.body);
        start_ += result.consumed;
        if (result.status == ParseStatus::invalid) return fail(result.error, reason_for_error(result.error));
        if (result.status == ParseStatus::complete) {
            chunked_.reset();
            return dispatch();
        }
    } else {
        std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, available.size()));
        request_.body.append(available.substr(0, take));
        start_ += take;
        body_left_ -= take;
        if (body_left_ == 0) return dispatch();
    }
    if (peer_done_) fail(400, CloseReason::parse_error);  // the body can't be completed now
}

// Returned as well as kept: the handler may finish it, and reset ours.
std::shared_ptr<Exchange> Connection::open_exchange() {
    exchange_ = std::make_shared<Exchange>();
    exchange_->connection = this;
    exchange_->input_ended = peer_done_;  // a pipelined request after the client's FIN
    return exchange_;
}

void Connection::dispatch() {
    enter(ConnectionState::handling);
    std::shared_ptr<Exchange> exchange = open_exchange();
    dispatcher_.dispatch(*this, request_, exchange);
    finish_unkept(*exchange);
}

// The handler is done with the request (returned, or took the last piece of
// its body). One that neither answered nor kept the response for later has
// forgotten the client: say so rather than leave it waiting.
void Connection::finish_unkept(const Exchange& exchange) {
    if (exchange.connection != this || exchange.deferred) return;
    if (!exchange.decided) fail_exchange(application_error("the handler returned without an answer"));
    else stream_end();  // decided and not finished: a stream, without defer(), that nobody else can end
}

// --- a streamed body ------------------------------------------------------
//
// A route with stream_body: the handler runs with the head alone, and the
// body goes to its on_body callback a piece at a time, as it is read. The
// body is "held" — nothing more is read, and TCP pushes back on the client —
// until the handler asks for it, while it pauses, and while a piece's call
// runs. A client that sent Expect: 100-continue is told to go on only when
// the handler asks, so a handler that refuses (401, 413) spares the upload.

void Connection::begin_streamed_body(bool continue_expected) {
    streaming_body_ = true;
    continue_due_ = continue_expected;
    enter(ConnectionState::reading_body);
    std::shared_ptr<Exchange> exchange = open_exchange();
    exchange->body_streamed = true;
    dispatcher_.dispatch(*this, request_, exchange);
    if (!exchange->on_body) finish_unkept(*exchange);  // else: the last piece's call decides
}

bool Connection::body_held() const {
    return streaming_body_ && (!exchange_->on_body || exchange_->body_paused);
}

bool Connection::take_body(std::function<void(std::string_view piece, bool done)> callback) {
    if (!exchange_ || (exchange_->body_streamed && !streaming_body_)) return false;  // over, or taken to the end
    if (!exchange_->body_streamed) {
        callback(request_.body, true);  // no body, or one read whole: all of it, at once
        return true;
    }
    exchange_->on_body = std::move(callback);
    if (std::exchange(continue_due_, false) && !exchange_->decided) {
        append_output("HTTP/1.1 100 Continue\r\n\r\n");
        last_progress_ = clock_.now;  // the client's body timeout starts now
    }
    resume_body();  // bytes may be waiting already
    return true;
}

void Connection::pause_body() {
    if (streaming_body_) exchange_->body_paused = true;
}

// Not delivered here: resume_body may be called from inside another
// connection's handler, or this one's callbacks. The I/O layer comes back
// (wake) and calls resume_input at the top of its turn.
void Connection::resume_body() {
    if (!streaming_body_) return;
    exchange_->body_paused = false;
    resume_due_ = true;
    dispatcher_.wake(*this);
}

void Connection::resume_input() {
    if (std::exchange(resume_due_, false)) advance();
}

void Connection::read_streamed_body() {
    while (streaming_body_ && !body_held()) {
        std::string_view available(input_.data() + start_, input_.size() - start_);
        std::string_view piece;
        bool done = false;
        if (chunked_) {
            request_.body.clear();
            ParseResult result = chunked_->decode(available, request_.body);
            start_ += result.consumed;
            if (result.status == ParseStatus::invalid) return fail_streamed_body(result.error, reason_for_error(result.error));
            done = result.status == ParseStatus::complete;
            piece = request_.body;
        } else {
            std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(body_left_, available.size()));
            piece = available.substr(0, take);  // a view into input_, which nothing changes during the call
            start_ += take;
            body_left_ -= take;
            done = body_left_ == 0;
        }
        if (piece.empty() && !done) break;  // wait for more
        last_progress_ = clock_.now;
        if (!deliver_body(piece, done)) return;  // answered, or failed: the body is no longer anyone's
        if (done) return end_streamed_body();
    }
    if (streaming_body_ && !body_held() && peer_done_) fail_streamed_body(400, CloseReason::parse_error);  // cut short
}

// The callback runs out of the exchange, so that it may replace itself, and
// is put back unless it did. True if the body still goes to the handler.
bool Connection::deliver_body(std::string_view piece, bool done) {
    std::shared_ptr<Exchange> exchange = exchange_;
    if (done) streaming_body_ = false;  // an answer given in the last call finds the body whole
    auto callback = std::move(exchange->on_body);
    exchange->on_body = nullptr;
    try {
        callback(piece, done);
    } catch (...) {
        fail_exchange(std::current_exception());
        return false;
    }
    // The last call made, what it holds goes: a handle kept for no one is
    // an answer nobody can give, and abandon() answers it 500 now.
    if (done) callback = nullptr;
    if (exchange->connection != this) return false;
    if (!done && !exchange->on_body) exchange->on_body = std::move(callback);
    return true;
}

// The whole body has reached the handler: from here its exchange waits for
// the answer like any other.
void Connection::end_streamed_body() {
    std::string().swap(request_.body);  // the chunks' scratch: req.body stays empty for this route
    chunked_.reset();
    enter(ConnectionState::handling);
    finish_unkept(*exchange_);
}

// The body will not be whole: it broke off (a bad chunk, the client's FIN),
// grew past the route's limit, or stopped coming (408). The client gets
// `status` (or is cut off, if a stream had begun), and the handler hears it
// through on_close, after the answer, as for handler_timeout.
void Connection::fail_streamed_body(int status, CloseReason reason) {
    exchange_->on_body = nullptr;
    closing_ = reason;
    answer_then_tell(status, reason);
}

// --- the application's failures ---------------------------------------------

// The application's error goes to the server (its error hook) while the
// request is still there to name it.
void Connection::report_failure(std::exception_ptr error) { dispatcher_.failed(*this, request_, std::move(error)); }

// Reported even when the answer is already given (a handler that answered,
// then threw) or the client gone: the failure is the application's either way.
void Connection::fail_exchange(std::exception_ptr error) {
    if (is_bad_request(error) && respond_instead(400)) return;  // the client's mistake, not the application's
    report_failure(std::move(error));
    if (!exchange_) return;
    if (respond_instead(500)) return;
    // A stream had begun: its framing says nothing about what went wrong, and
    // ending it would look like success. Cutting it is the one honest answer.
    abort(CloseReason::app_error);
}

// The last handle of a deferred response is gone, and it is not finished:
// no one can finish it now.
void Connection::abandon() { fail_exchange(application_error("the response was dropped unanswered")); }

// handler_timeout passed with no status given: 503 (RFC 9110 §15.6.4), a
// condition that may pass — the application is slow, not broken, and a
// client may try again later. on_close runs after the answer, so the
// application's handles already say the response is finished.
void Connection::time_out_handler() {
    report_failure(std::make_exception_ptr(std::runtime_error("handler_timeout passed with no answer")));
    answer_then_tell(503, CloseReason::timeout);
}

// The connection answers `status` in the handler's place (or cuts the
// connection, if a stream had begun), then runs on_close: the handler hears
// that its work is over with its handles already saying so.
void Connection::answer_then_tell(int status, CloseReason if_cut) {
    auto callback = std::move(exchange_->on_close);
    if (!respond_instead(status)) abort(if_cut);
    if (callback) run_callback(callback);
}

// --- answers --------------------------------------------------------------

// An answer the connection gives on its own — a protocol error, a timeout, a
// refused body — always followed by closing. To a HEAD whose head parsed, it
// is a head alone, like any answer to HEAD.
void Connection::fail(int status, CloseReason reason) {
    closing_ = reason;  // an error outranks any reason given before
    if (records_.empty() || records_.back().answered) begin_record();  // no head parsed: no method or target
    ErrorAnswer answer = dispatcher_.error_answer(status, request_);
    write_head(status, answer.content_type, answer.body.size());
    std::uint64_t body_bytes = answer_.head_only ? 0 : answer.body.size();
    append_output(std::string_view(answer.body).substr(0, body_bytes));
    dispatcher_.finished(*this, request_, status, body_bytes, std::chrono::duration_cast<Duration>(clock_.now - request_started_));
    end_record();
    enter(ConnectionState::closing);
}

// The head (writer.cpp), once the connection knows whether it closes after
// it. `length` empty means a streamed body: chunked for 1.1, ended by
// closing for 1.0.
void Connection::write_head(int status, std::string_view content_type, std::optional<std::uint64_t> length) {
    if (peer_done_ && start_ == input_.size()) close_after(CloseReason::peer_closed);  // the client's last request
    if (ends_by_closing(status, request_.version, length)) close_after(CloseReason::done);
    // Answered before its streamed body was all read: what is left of the
    // body is not worth reading, and must not be taken for a request.
    if (streaming_body_) close_after(CloseReason::done);
    const ResponseHead described{.status = status,
                                 .version = request_.version,
                                 .date = clock_.date,
                                 .fields = exchange_ ? &exchange_->fields : nullptr,
                                 .content_type = content_type,
                                 .length = length,
                                 .closing = closing_.has_value()};
    std::string head;
    head.reserve(128);  // most heads fit: one allocation
    if (!records_.empty() && !records_.back().answered) {  // this exchange's record (fail() makes one if needed)
        records_.back().status = status;
        records_.back().begins = appended_;
    }
    append_head(head, described);
    append_output(head);
    answer_.status = status;
    answer_.body_bytes = 0;
}

// A handler gives a final status, 200 to 599: a 1xx is not an answer (the
// next response would be taken for this request's), and anything else is not
// a status line.
bool Connection::may_answer(int status) const {
    return exchange_ && !exchange_->decided && status >= 200 && status <= 599;
}

bool Connection::respond(int status, std::string body, std::string_view content_type) {
    if (!may_answer(status)) return false;
    exchange_->decided = true;
    write_head(status, content_type, body.size());
    bool sends_body = !answer_.head_only && may_have_body(status);  // HEAD: the length, not the bytes
    if (sends_body) append_output(body);
    answer_.body_bytes = sends_body ? body.size() : 0;  // what was sent, for the counters
    finish_response();
    return true;
}

bool Connection::respond_instead(int status) {
    if (!may_answer(status)) return false;
    exchange_->fields.clear();
    ErrorAnswer answer = dispatcher_.error_answer(status, request_);
    return respond(status, std::move(answer.body), answer.content_type);
}

// From here the segment is the connection's: whatever happens, it goes back
// to the I/O layer once (release_file), when sent or not needed.
bool Connection::respond_file(int status, FileSegment body, std::string_view content_type) {
    if (!may_answer(status)) {
        dispatcher_.release_file(body.file);
        return false;
    }
    exchange_->decided = true;
    write_head(status, content_type, body.length);
    bool sends_body = !answer_.head_only && may_have_body(status);
    answer_.body_bytes = sends_body ? body.length : 0;
    if (sends_body && body.length > 0) {
        file_ = body;
        appended_ += body.length;
    } else dispatcher_.release_file(body.file);  // HEAD, 304, an empty file: nothing to send
    finish_response();
    return true;
}

// The segment is sent, or will never be: its file goes back to the I/O layer.
void Connection::drop_file() {
    if (!file_) return;
    std::uint64_t file = file_->file;
    file_.reset();
    dispatcher_.release_file(file);
}

bool Connection::stream_start(int status, std::string_view content_type) {
    if (!may_answer(status)) return false;
    exchange_->decided = true;
    write_head(status, content_type, std::nullopt);
    // HEAD, 204, 304: the head is the whole answer. Finishing now means later
    // writes report false, so a producer stops instead of holding the connection.
    if (answer_.head_only || !may_have_body(status)) finish_response();
    return true;
}

// A whole answer is finished the moment it is given, so an exchange that has
// a status and is not finished yet is a stream.
bool Connection::streaming() const { return exchange_ && exchange_->decided; }

bool Connection::stream_write(std::string_view bytes) {
    if (!streaming()) return false;
    // No HEAD here: stream_start finished that response, so writes never reach it.
    if (bytes.empty()) return true;  // an empty chunk would end the body
    answer_.body_bytes += bytes.size();
    if (request_.version == Version::http_1_1) {
        append_output(chunk_size_line(bytes.size()));
        append_output(bytes);
        append_output(chunk_end);
    } else {
        append_output(bytes);
    }
    return true;
}

bool Connection::stream_end() {
    if (!streaming()) return false;
    if (request_.version == Version::http_1_1) append_output(last_chunk);
    finish_response();
    return true;
}

bool Connection::is_congested() const { return sent_ + options_.high_water < output_.size(); }

// The handler has handed over the whole response (it may not all be sent yet).
void Connection::finish_response() {
    exchange_->finished = true;
    exchange_->connection = nullptr;  // later calls on kept handles do nothing
    // A callback may hold a Response, which holds the exchange: a cycle of
    // shared_ptrs that would never be freed. Nothing can call them now.
    exchange_->on_drain = nullptr;
    exchange_->on_close = nullptr;
    exchange_->on_body = nullptr;
    exchange_.reset();
    streaming_body_ = false;  // what is left of a streamed body is discarded, closing
    ++requests_served_;
    dispatcher_.finished(*this, request_, answer_.status, answer_.body_bytes,
                         std::chrono::duration_cast<Duration>(clock_.now - request_started_));
    end_record();
    // A pipelined request may be waiting. It is not parsed here, inside the
    // Response call that finished this one (a handler running inside another
    // handler's call): advance() takes it when the output moves on (sent(),
    // sent_file()), or, for an answer given inside dispatch(), when dispatch
    // returns.
    enter(closing_ ? ConnectionState::closing : ConnectionState::waiting);
    // Output still due brings the I/O layer back by itself: it was woken when
    // the bytes were added, or waits for the socket to take more. With none
    // due — an HTTP/1.0 stream's end is our FIN, no bytes — wake it for that.
    if (!output_pending()) dispatcher_.wake(*this);
}

// --- output ---------------------------------------------------------------

std::string_view Connection::output() const {
    return std::string_view(output_).substr(sent_);
}

void Connection::sent(std::size_t bytes) {
    sent_ += bytes;
    sent_total_ += bytes;
    emit_sent_records();
    last_progress_ = clock_.now;
    if (sent_ == output_.size()) {
        output_.clear();
        sent_ = 0;
    }
    notify_drained();
    if (state_ == ConnectionState::waiting) advance();  // pipelined requests waited for room, or for the answer
}

const FileSegment* Connection::output_file() const { return sent_ == output_.size() && file_ ? &*file_ : nullptr; }

void Connection::sent_file(std::uint64_t bytes) {
    file_->offset += bytes;
    file_->length -= bytes;
    sent_total_ += bytes;
    emit_sent_records();
    last_progress_ = clock_.now;
    if (file_->length == 0) drop_file();
    if (!file_ && state_ == ConnectionState::waiting) advance();
}

bool Connection::wants_write_shutdown() const {
    return state_ == ConnectionState::closing && !output_pending();
}

void Connection::write_shut_down() {
    if (peer_done_) return close(*closing_);
    enter(ConnectionState::lingering);  // the linger deadline counts from here
    release_buffers();
}

void Connection::append_output(std::string_view bytes) {
    if (!output_pending()) last_progress_ = clock_.now;  // the write deadline starts now
    output_.append(bytes);
    appended_ += bytes.size();
    dispatcher_.wake(*this);  // output may come from a posted task, outside any read
}

void Connection::notify_drained() {
    if (output_.size() - sent_ < options_.low_water && exchange_ && exchange_->on_drain) {
        auto callback = std::move(exchange_->on_drain);  // once; the writer may set it again
        run_callback(callback);
    }
}

// --- time -----------------------------------------------------------------

std::optional<TimePoint> Connection::deadline() const {
    switch (state_) {
    case ConnectionState::waiting:
        if (output_pending()) return last_progress_ + options_.write_timeout;
        // A new connection gets as long as a head may take; a kept-alive one, the idle timeout.
        return state_since_ + (requests_served_ == 0 ? options_.header_timeout : options_.idle_timeout);
    case ConnectionState::reading_head: return state_since_ + options_.header_timeout;  // the whole head, not per read
    case ConnectionState::reading_body:
        // A streamed body the handler holds back waits on the application,
        // not the client: handler_timeout, if set, rather than body_timeout.
        if (body_held()) return application_deadline();
        return last_progress_ + options_.body_timeout;  // progress, not the whole body
    case ConnectionState::handling: return application_deadline();
    case ConnectionState::closing:
        // Nothing due: the I/O layer sends our FIN at once; a driver that
        // does not gets the linger deadline anyway.
        return last_progress_ + (output_pending() ? options_.write_timeout : options_.linger_timeout);
    case ConnectionState::lingering: return state_since_ + options_.linger_timeout;
    case ConnectionState::closed: return std::nullopt;
    }
    return std::nullopt;
}

void Connection::expire() {
    switch (state_) {
    case ConnectionState::waiting:
        close(CloseReason::timeout);
        break;
    case ConnectionState::reading_head:
        fail(408, CloseReason::timeout);  // RFC 9110 §15.5.9
        break;
    case ConnectionState::reading_body:
        if (body_held()) expire_application_wait();
        else if (streaming_body_) fail_streamed_body(408, CloseReason::timeout);
        else fail(408, CloseReason::timeout);
        break;
    case ConnectionState::handling: expire_application_wait(); break;
    case ConnectionState::closing:
        close(output_pending() ? CloseReason::timeout : *closing_);
        break;
    case ConnectionState::lingering: close(*closing_); break;  // the peer never sent its FIN: done all the same
    case ConnectionState::closed: break;
    }
}

// Waiting on the application — handling, or holding a streamed body back:
// its time is its own, unless handler_timeout says otherwise; and an answer
// before this one may still be going out, to a client that may not read it.
std::optional<TimePoint> Connection::application_deadline() const {
    std::optional<TimePoint> soonest = handler_deadline();
    if (output_pending()) {
        TimePoint stuck = last_progress_ + options_.write_timeout;
        if (!soonest || stuck < *soonest) soonest = stuck;
    }
    return soonest;
}

void Connection::expire_application_wait() {
    if (std::optional<TimePoint> overdue = handler_deadline(); overdue && *overdue <= clock_.now) time_out_handler();
    else close(CloseReason::timeout);  // output stuck
}

// When handler_timeout runs out, if it is set and no status has been given.
std::optional<TimePoint> Connection::handler_deadline() const {
    if (options_.handler_timeout <= Duration(0) || !exchange_ || exchange_->decided) return std::nullopt;
    return state_since_ + options_.handler_timeout;
}

// --- the access log ----------------------------------------------------------

// A record begins with a request's head, or with an error answer to bytes
// that never became one.
void Connection::begin_record() {
    if (!keeps_records_) return;
    Record& record = records_.emplace_back();
    record.method = request_.method;
    record.target = request_.target;
    record.started = request_started_;
}

// The answer is all handed over: its last byte is known.
void Connection::end_record() {
    if (!keeps_records_) return;
    if (records_.empty() || records_.back().answered) return;
    records_.back().ends = appended_;
    records_.back().answered = true;
    emit_sent_records();  // a HEAD's answer, or a stream's end, may be sent already
}

// The socket took more: the answers whose last byte it took are over.
void Connection::emit_sent_records() {
    while (!records_.empty() && records_.front().answered && records_.front().ends <= sent_total_) {
        // The last answer of a connection that closes after it says why it closes.
        bool last = records_.size() == 1 && closing_ && (state_ == ConnectionState::closing || state_ == ConnectionState::lingering);
        emit_record(0, last ? *closing_ : CloseReason::none);
        records_.erase(records_.begin());
    }
}

void Connection::emit_record(std::size_t index, CloseReason reason) {
    const Record& record = records_[index];
    // A stream cut short ends where the output got to; no status, no bytes.
    std::uint64_t ends = record.answered ? record.ends : appended_;
    std::uint64_t sent = record.status == 0 ? 0 : std::min(sent_total_, ends) - std::min(sent_total_, record.begins);
    dispatcher_.record(*this, {.connection = id_,
                                 .peer = peer_,
                                 .method = record.method,
                                 .target = record.target,
                                 .status = record.status,
                                 .bytes_sent = sent,
                                 .close_reason = reason,
                                 .duration = std::chrono::duration_cast<std::chrono::microseconds>(clock_.now - record.started)});
}

// --- the end --------------------------------------------------------------

void Connection::abort(CloseReason reason) { close(reason); }

void Connection::begin_shutdown() {
    // Between requests: nothing is lost by closing now. A connection that has
    // not sent its first request yet may have it on the way (or queued in the
    // kernel, unread): it gets until its header deadline.
    bool between_requests = requests_served_ > 0 && start_ == input_.size() && !output_pending();
    if (state_ == ConnectionState::waiting && between_requests) return close(CloseReason::shutdown);
    // In flight: its answer says Connection: close, unless already written.
    // A pipelined request already here is still answered (with close): the
    // connection keeps waiting until the answer before it has moved on.
    close_after(CloseReason::shutdown);
    if (state_ == ConnectionState::waiting && output_pending() && start_ == input_.size())
        enter(ConnectionState::closing);
}

// Decides that the connection closes after the current answer. The first
// reason stands — it is why the connection would have closed anyway — but an
// error answer (fail) sets its own.
void Connection::close_after(CloseReason reason) {
    if (!closing_) closing_ = reason;
}

// The one way a connection ends, from any state, with its reason.
void Connection::close(CloseReason reason) {
    if (state_ == ConnectionState::closed) return;
    enter(ConnectionState::closed);
    close_reason_ = reason;
    if (exchange_) {
        std::shared_ptr<Exchange> exchange = std::move(exchange_);
        exchange->connection = nullptr;
        exchange->on_drain = nullptr;  // see finish_response: break the cycle
        exchange->on_body = nullptr;
        streaming_body_ = false;
        if (!exchange->finished) run_on_close(*exchange);
    }
    for (std::size_t i = 0; i < records_.size(); ++i) emit_record(i, reason);  // ended early
    records_.clear();
    drop_file();
    release_buffers();
}

void Connection::enter(ConnectionState state) {
    state_ = state;
    state_since_ = clock_.now;
    if (state == ConnectionState::waiting && start_ == input_.size() && !output_pending()) release_buffers();
}

void Connection::compact_input() {
    if (start_ == input_.size()) {
        input_.clear();
        start_ = 0;
    } else if (start_ > input_.size() / 2) {
        input_.erase(0, start_);  // moves at most as much as it frees: linear overall
        start_ = 0;
    }
}

// An idle connection holds no buffers, so ten thousand of them cost little
// more than their sockets.
void Connection::release_buffers() {
    if (start_ == input_.size()) {
        std::string().swap(input_);
        start_ = 0;
    }
    if (!output_pending()) std::string().swap(output_), sent_ = 0;
    if (state_ == ConnectionState::handling) return;  // the handler may still read its request
    std::string().swap(head_);
    request_ = Request{};
}

}  // namespace porter
