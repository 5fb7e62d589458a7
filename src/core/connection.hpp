// Connection: one client's HTTP/1.1 conversation, as a state machine.
//
// Layer: core. It makes no system calls and reads no clock. The I/O layer
// (server.cpp) feeds it bytes and the time, and takes from it the bytes to
// send, whether to read, and when its next deadline is. Every protocol rule of
// a connection — framing, keep-alive, pipelining, 100-continue, limits,
// deadlines, backpressure — lives here, so tests drive it with exact bytes and
// a fake clock.
//
// The life of a request:
//   1. receive() appends bytes to `input_`; advance() parses the head there.
//   2. A complete head is copied into `head_`, where the Request's views point
//      until its response is finished, and checked: Host, framing, Expect.
//   3. The body, if any, is read by Content-Length or chunked into request.body.
//   4. The dispatcher (the server's router) runs the handler with a Response.
//      On a route that streams its body, 4 comes before 3, and the body goes
//      to the handler's on_body a piece at a time (read_streamed_body).
//   5. The Response's calls come back here (respond, stream_write, ...) and are
//      serialised into `output_`, or a file segment for sendfile.
//   6. When the response is finished, the next request — perhaps already
//      waiting in `input_`, pipelined — is parsed; or the connection closes.
//
// What it is doing is three things at once: where the conversation is
// (ConnectionState, connection_state.hpp, drawn in src/README.md), whether
// and why it will close after the current answer (`closing_`), and what is
// due to be sent (output(), output_file()). Every way to end is close(), with
// a CloseReason.
//
// Calls that run inside other calls — the one place that says so:
//   - dispatch() runs the handler inside advance(). The handler's Response
//     calls come back in (respond, stream_start, ...); they may finish the
//     answer, but never take the next request: a handler never runs inside
//     another's call. advance() takes it once dispatch() returns, or, for an
//     answer given later, when its output moves on (sent(), sent_file()).
//   - close() runs the application's on_close; sent() runs its on_drain. Both
//     may call Response methods (after close, they do nothing) or the server.
//   - The Dispatcher's wake(), finished(), failed() and error_answer() are
//     called from inside all of these, and must not call back into the
//     connection.
//   - abandon() runs when the last handle of a deferred response is dropped,
//     which may be inside any of the application's calls above.
//   - A streamed body's on_body runs inside advance(), once per piece; it
//     may answer (finishing the exchange) or pause. resume_body() delivers
//     nothing itself: the I/O layer calls resume_input() on its next turn.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access_record.hpp"
#include "chunked.hpp"
#include "connection_state.hpp"
#include "exchange.hpp"
#include "options.hpp"
#include "parser.hpp"
#include "request.hpp"
#include "status.hpp"

namespace porter {

using TimePoint = std::chrono::steady_clock::time_point;

// The time as the I/O layer last read it. The core reads only this, never a
// clock, so tests can move time by hand.
struct Clock {
    TimePoint now{};
    std::chrono::system_clock::time_point wall{};        // `now` on the wall
    std::string date = "Thu, 01 Jan 1970 00:00:00 GMT";  // `wall` to the second, for the Date field
};

// A body that is a file, as the core sees it: which bytes of which file to
// send. `file` is the I/O layer's name for a file it holds open (its
// descriptor's number); the core never opens, reads or closes it, only counts
// the bytes sent, and hands every segment back, once, through
// Dispatcher::release_file: sent, not needed (HEAD, 304, empty) or cut short.
struct FileSegment {
    std::uint64_t file = 0;
    std::uint64_t offset = 0;  // first byte to send
    std::uint64_t length = 0;  // how many
};

// What the route a head names wants done with the request's body.
struct BodyPolicy {
    bool wanted = true;           // a handler will take it (else it is answered 404 or 405 without)
    std::uint64_t max_bytes = 0;  // larger: 413
    bool streamed = false;        // to the handler in pieces as read (Response::on_body), not whole
};

// The one interface between the core and the I/O layer: the server's router,
// its sockets' wake-ups and its files.
class Dispatcher {
public:
    virtual ~Dispatcher() = default;
    // A head announced a body: what does its route want done with it, and
    // how large may it be? Asked once per body, before a byte of it is read.
    // To a client waiting with `Expect: 100-continue`, a body no handler
    // wants gets no 100 Continue: the request is dispatched without it (for
    // a 404 or 405) and the connection closes after the answer.
    virtual BodyPolicy body_policy(Connection& connection, Request& head) = 0;
    // Runs the application for a complete request, which answers through the
    // exchange (a Response made from it).
    virtual void dispatch(Connection& connection, Request& request, const std::shared_ptr<Exchange>& exchange) = 0;
    // The connection has work for the I/O layer that did not come from one of
    // its calls — output from a deferred or streamed response, or an answer
    // finished: the I/O layer should settle this connection soon.
    virtual void wake(Connection& connection) = 0;
    // The core is done with a file segment's file: close it.
    virtual void release_file(std::uint64_t file) = 0;
    // A response has been handed over in full (for the counters). `request`
    // may be half-parsed, or empty, for an error answer.
    virtual void finished(Connection& connection, const Request& request, int status,
                          std::uint64_t body_bytes, Duration duration) = 0;
    // An exchange is over, for the access log (access_record.hpp says when).
    // Only if keeps_records(): a server without an access log copies no
    // method and target for one.
    virtual void record(Connection&, const AccessRecord&) {}
    virtual bool keeps_records() const { return true; }
    // An answer the server makes itself, an error: what its body says.
    // `request` may be half-parsed, or empty.
    virtual ErrorAnswer error_answer(int status, const Request&) { return default_error_answer(status); }
    // The application failed this exchange: a handler threw (`error` is its
    // exception), dropped a deferred response unanswered, gave no answer, or
    // ran past handler_timeout (`error` says which). The client has been, or
    // is about to be, answered 500 or 503, or cut off if a stream had begun.
    virtual void failed(Connection&, const Request&, std::exception_ptr) {}
};

class Connection {
public:
    // `id` is the I/O layer's name for this connection, and `peer` the
    // client's address, which must outlive it; the core only passes them on,
    // to each Request and AccessRecord.
    Connection(std::uint64_t id, std::string_view peer, const ConnectionOptions& options, const Clock& clock,
               Dispatcher& dispatcher);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // --- input: the I/O layer reads at most input_room() bytes, then calls receive.
    std::size_t input_room() const;
    void receive(std::string_view bytes);
    void receive_end();  // the peer will send nothing more (read returned 0)

    // --- output: bytes first; when they are all sent, perhaps a file segment.
    std::string_view output() const;
    void sent(std::size_t bytes);
    const FileSegment* output_file() const;  // non-null while a file's bytes are due (and output() is empty)
    bool file_follows() const { return file_.has_value(); }  // a file's bytes come after output()
    void sent_file(std::uint64_t bytes);
    // The last response is all sent: the I/O layer should shutdown(SHUT_WR),
    // so the client sees our FIN, and then call write_shut_down().
    bool wants_write_shutdown() const;
    void write_shut_down();

    // --- time
    std::optional<TimePoint> deadline() const;
    void expire();  // the deadline has passed

    // --- the end
    void abort(CloseReason reason);  // a socket error, or the server gives up on it
    void begin_shutdown();           // close if between requests; else answer what is in flight, then close
    bool is_closed() const { return state_ == ConnectionState::closed; }
    std::uint64_t id() const { return id_; }
    ConnectionState state() const { return state_; }
    CloseReason close_reason() const { return close_reason_; }
    std::size_t requests_served() const { return requests_served_; }

    // --- called by Response (loop thread)
    bool respond(int status, std::string body, std::string_view content_type);
    bool respond_file(int status, FileSegment body, std::string_view content_type);
    bool stream_start(int status, std::string_view content_type);
    bool stream_write(std::string_view bytes);
    bool stream_end();
    bool is_congested() const;
    // An error answer in the handler's place (it threw, or forgot to
    // answer): without the fields it set for its own answer, such as a
    // Cache-Control that would let a cache keep the error. False if the
    // handler had already answered.
    bool respond_instead(int status);
    // The application has failed the exchange (`error` says how; see
    // Dispatcher::failed): 500 if it had not answered, the connection cut if
    // a stream had begun. abandon() is this for a deferred response whose
    // every handle was dropped unfinished (response.cpp).
    void fail_exchange(std::exception_ptr error);
    void abandon();
    // A streamed body (Response::on_body, pause_body, resume_body). After
    // resume_body the I/O layer calls resume_input, at the top of its turn,
    // so that the pieces waiting are delivered outside the caller's call.
    bool take_body(std::function<void(std::string_view piece, bool done)> callback);
    void pause_body();
    void resume_body();
    void resume_input();

private:
    void advance();
    void start_request();
    void read_head();
    void accept_head();
    void read_body();
    std::shared_ptr<Exchange> open_exchange();
    void dispatch();
    void begin_streamed_body(bool continue_expected);
    void read_streamed_body();
    bool deliver_body(std::string_view piece, bool done);
    void end_streamed_body();
    void finish_unkept(const Exchange& exchange);
    void answer_then_tell(int status, CloseReason if_cut);
    void fail_streamed_body(int status, CloseReason reason);
    bool body_held() const;
    void fail(int status, CloseReason reason);
    void time_out_handler();
    void report_failure(std::exception_ptr error);
    std::optional<TimePoint> handler_deadline() const;
    std::optional<TimePoint> application_deadline() const;
    void expire_application_wait();
    void write_head(int status, std::string_view content_type, std::optional<std::uint64_t> length);
    void finish_response();
    void close(CloseReason reason);
    void close_after(CloseReason reason);
    void notify_drained();
    void finish_input();
    bool worth_parsing(std::string_view unparsed) const;
    bool may_answer(int status) const;
    bool streaming() const;
    void enter(ConnectionState state);
    void append_output(std::string_view bytes);
    bool output_pending() const { return sent_ < output_.size() || file_.has_value(); }
    void compact_input();
    void release_buffers();
    void drop_file();
    void begin_record();
    void end_record();
    void emit_sent_records();
    void emit_record(std::size_t index, CloseReason reason);

    const std::uint64_t id_;
    const std::string_view peer_;
    const ConnectionOptions& options_;
    const Clock& clock_;
    Dispatcher& dispatcher_;

    // What the connection is doing is these three, and the output due:
    ConnectionState state_ = ConnectionState::waiting;
    std::optional<CloseReason> closing_;  // set: it closes after the current answer, for this reason
    bool peer_done_ = false;              // the peer's FIN came: nothing more will arrive
    // A streamed body, being read while its handler runs: pieces go to the
    // exchange's on_body (one decoded from chunks waits in request_.body,
    // which such a body does not otherwise use). Here, beside peer_done_,
    // they fill padding: an idle connection is no larger for them.
    bool streaming_body_ = false;
    bool continue_due_ = false;  // the client waits for 100 Continue until the handler asks for the body
    bool resume_due_ = false;    // resume_body() came: deliver what waits, at resume_input()
    CloseReason close_reason_ = CloseReason::none;  // once closed: why
    std::size_t requests_served_ = 0;

    // Input. `input_[start_, size)` is unparsed; consumed bytes before `start_`
    // are dropped in one move when they are more than half the buffer, so
    // pipelined requests cost no quadratic copying.
    std::string input_;
    std::size_t start_ = 0;
    std::size_t head_scanned_ = 0;  // unparsed bytes the last incomplete parse saw

    // The request being read or handled. Its views point into `head_`.
    std::string head_;
    Request request_;
    std::uint64_t body_left_ = 0;               // Content-Length bytes still due
    std::optional<ChunkedDecoder> chunked_;     // set while reading a chunked body
    std::shared_ptr<Exchange> exchange_;        // shared with the handler's Response handles
    TimePoint request_started_{};               // when the head's first byte came

    // The answer being written, for the writer and the access log.
    struct Answer {
        bool head_only = false;      // to a HEAD whose head parsed: the head alone (RFC 9110 §9.3.2)
        int status = 0;
        std::uint64_t body_bytes = 0;  // handed over so far
    };
    Answer answer_;

    // Output: `output_[sent_, size)` is due, then `file_`.
    std::string output_;
    std::size_t sent_ = 0;
    std::optional<FileSegment> file_;

    // For the access log: the exchanges whose answers are not all sent yet,
    // oldest first, as positions in the stream of output bytes. The last may
    // still be unanswered (`ends` not known). Pipelining can put several here.
    struct Record {
        std::string method;
        std::string target;
        int status = 0;
        std::uint64_t begins = 0;     // its head's first byte
        std::uint64_t ends = 0;       // one past its last byte, once answered
        bool answered = false;
        TimePoint started{};
    };
    const bool keeps_records_;
    std::vector<Record> records_;
    std::uint64_t appended_ = 0;      // output bytes since the connection began, file bytes included
    std::uint64_t sent_total_ = 0;    // ... and how many of them the socket has taken

    // Deadlines are computed from these.
    TimePoint state_since_;                     // when the current state began
    TimePoint last_progress_;                   // last body byte in, or output byte out
};

}  // namespace porter
