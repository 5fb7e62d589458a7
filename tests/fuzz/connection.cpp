// Fuzzing the connection: random bytes, random reads and random time against the whole state machine.
//
// Test code (libFuzzer, built by `make fuzz`). A Connection is driven as
// tests/unit/connection_driver.hpp drives it — a fake clock, a fake
// application, the wire as strings — but every step is chosen by the input.
// FuzzedDataProvider hands out the wire bytes from the input's front and the
// script (options, steps, handler choices, clock advances) from its back;
// script.hpp says how, and seeds.cpp writes seeds in that shape.
//
// Beyond "no crash, no sanitizer report", every run checks:
//   1. one verdict per request: each request dispatched to the application
//      gets exactly one finished() or, if the connection closes first, one
//      on_close; requests are dispatched one at a time and at most
//      max_requests of them; the connection answers at most one request on
//      its own (an error status), after which nothing is dispatched;
//   2. the wire agrees: the bytes read parse as HTTP/1.1 responses, in the
//      order and with the statuses and body sizes finished() reported;
//      a 100 Continue only for a body a handler wanted; nothing follows a
//      response that says Connection: close, nothing is sent after our FIN,
//      and nothing is written once the connection is closed;
//   3. memory stays bounded by the options: the heap the connection holds
//      (ASan's count of live bytes) never exceeds a bound computed from
//      max_header_bytes, max_body_bytes and high_water; input_room() never
//      offers more than a head's worth while a request is being handled;
//   4. no hang: an open connection that is not waiting on the application
//      always has a deadline, and once the application has answered
//      everything, the connection closes within a few deadlines whether the
//      client half-closes, goes quiet, or stops reading.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <sanitizer/allocator_interface.h>

#include "check.hpp"
#include "connection.hpp"
#include "fd.hpp"
#include "response.hpp"
#include "response_for.hpp"
#include "script.hpp"
#include "semantics.hpp"

namespace {

using porter::fuzz::check;
using namespace porter;
using namespace porter::fuzz;

constexpr std::size_t max_head_out = 1024;  // a response head we write: status line, Date, fields

bool may_have_body(int status) { return status >= 200 && status != 204 && status != 304; }

// The statuses the connection answers with on its own, for a request it refuses.
bool is_error_answer(int status) {
    for (int error : {400, 408, 413, 414, 417, 431, 501, 505})
        if (status == error) return true;
    return false;
}

// --- what the application and the connection said, in order -------------

// One finished() call: a response handed over in full.
struct Finished {
    int status = 0;
    std::uint64_t body_bytes = 0;
    bool dispatched = false;  // the answer to a dispatched request; else the connection's own error answer
    bool head = false;        // to a HEAD: its body is not sent
};

// What happened to one dispatched request.
// fin_heard: on_close ran for the client's FIN, with the connection still
// open; the answer given after it still goes out, and is its finished().
enum class Verdict { none, finished, client_gone, fin_heard };

// --- the client: reads responses off the wire -----------------------------

// Reads the bytes the connection sends as a client would, and checks each
// response against the finished() it should match. A streamed response is on
// the wire before its finished(); its chunks are counted as they arrive, so
// the reader holds at most one chunk or one whole small response.
class ResponseReader {
public:
    explicit ResponseReader(const std::vector<Finished>& finished) : finished_(finished) { buffer_.reserve(1 << 16); }

    void take(std::string_view bytes) {
        check(!after_close_ || bytes.empty(), "nothing is sent after a response that says Connection: close");
        buffer_.append(bytes);
        while (read_some()) {}
    }
    // The connection has closed: a body delimited by closing ends here.
    void take_end() {
        if (current_ && current_->framing == Framing::until_close) end_response();
    }
    std::size_t finals() const { return finals_; }
    std::size_t continues() const { return continues_; }
    bool is_between_responses() const { return buffer_.empty() && !current_; }

private:
    enum class Framing { none, length, chunked, until_close };
    struct Head {
        int status = 0;
        Framing framing = Framing::none;
        std::uint64_t length = 0;  // Framing::length: of the body
        bool closing = false;      // says Connection: close
    };

    bool read_some() { return current_ ? read_body() : read_head(); }
    bool read_head();
    bool read_body();
    bool read_chunk();
    void end_response();

    const std::vector<Finished>& finished_;
    std::string buffer_;            // read, not yet parsed
    std::optional<Head> current_;   // the response whose body is being read
    std::uint64_t data_ = 0;        // its body bytes so far (chunk data, not framing)
    std::size_t finals_ = 0;        // final responses read whole
    std::size_t continues_ = 0;     // 100 Continue interim responses read
    bool after_close_ = false;      // a response said Connection: close, and has ended
};

// A status line and fields, up to the empty line; decides how the body is framed.
bool ResponseReader::read_head() {
    std::size_t end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::string_view head(buffer_.data(), end + 2);
    check(head.starts_with("HTTP/1.1 ") && head.size() > 13 && head[12] == ' ', "a status line starts every response");
    Head parsed{.status = std::atoi(std::string(head.substr(9, 3)).c_str())};
    bool has_length = false, chunked = false;
    for (std::size_t at = head.find("\r\n") + 2; at < head.size();) {
        std::size_t line_end = head.find("\r\n", at);
        std::string_view line = head.substr(at, line_end - at);
        if (line.starts_with("Content-Length: ")) has_length = true, parsed.length = std::strtoull(std::string(line.substr(16)).c_str(), nullptr, 10);
        if (line == "Transfer-Encoding: chunked") chunked = true;
        if (line == "Connection: close") parsed.closing = true;
        at = line_end + 2;
    }
    if (parsed.status == 100) check(head == "HTTP/1.1 100 Continue\r\n", "100 Continue is a bare status line");
    if (!may_have_body(parsed.status)) check(!has_length && !chunked, "a 1xx, 204 or 304 has no framing fields");
    // Only a stream is on the wire before its finished(), and a stream to HEAD finishes at once.
    bool head_only = finals_ < finished_.size() && finished_[finals_].head;
    if (may_have_body(parsed.status) && !head_only)
        parsed.framing = has_length ? Framing::length : chunked ? Framing::chunked : Framing::until_close;
    if (parsed.framing == Framing::until_close) check(parsed.closing, "a body with neither length nor chunks says Connection: close");
    buffer_.erase(0, end + 4);
    if (parsed.status == 100) return ++continues_, true;
    current_ = parsed;
    data_ = 0;
    if (parsed.framing == Framing::none) end_response();
    return true;
}

bool ResponseReader::read_body() {
    switch (current_->framing) {
    case Framing::none: return false;  // not reached: ended in read_head
    case Framing::length:
        if (buffer_.size() < current_->length) return false;
        data_ = current_->length;
        buffer_.erase(0, current_->length);
        end_response();
        return true;
    case Framing::chunked: return read_chunk();
    case Framing::until_close:
        data_ += buffer_.size();
        buffer_.clear();
        return false;
    }
    return false;
}

// One chunk of our own making, if it is all here: hex size, CRLF, data, CRLF;
// or the last chunk, "0" CRLF CRLF, which ends the response.
bool ResponseReader::read_chunk() {
    std::size_t line_end = buffer_.find("\r\n");
    if (line_end == std::string::npos) return false;
    std::uint64_t size = std::strtoull(buffer_.substr(0, line_end).c_str(), nullptr, 16);
    std::size_t whole = line_end + 2 + size + 2;
    if (buffer_.size() < whole) return false;
    check(buffer_.compare(whole - 2, 2, "\r\n") == 0, "chunk data ends with CRLF");
    data_ += size;
    buffer_.erase(0, whole);
    if (size == 0) end_response();
    return true;
}

void ResponseReader::end_response() {
    check(finals_ < finished_.size(), "every response on the wire was reported to finished()");
    const Finished& expected = finished_[finals_];
    check(current_->status == expected.status, "responses go out in the order finished() reported them, with its status");
    check(data_ == expected.body_bytes, "the body sent has the size finished() reported");
    after_close_ = current_->closing;
    current_.reset();
    ++finals_;
    check(!after_close_ || buffer_.empty(), "nothing is sent after a response that says Connection: close");
}

// --- the fake application and the I/O layer ------------------------------

// A response the application keeps and finishes later (defer()).
struct Deferred {
    Response response;
    Request* request;   // valid until the response is finished or the client goes
    bool streaming;
};

class Harness : public Dispatcher {
public:
    Harness(FuzzedDataProvider& script) : script_(script), options_(read_options(script)), reader_(finished_) {
        finished_.reserve(options_.max_requests + 2);
        verdicts_.reserve(options_.max_requests + 1);
        connection_ = std::make_unique<Connection>(1, "fuzz", options_, clock_, *this);
    }
    void run();

    // The script decides only for a client waiting on 100 Continue, where
    // wanting the body is what decides whether it is sent.
    // A target with "stream" in it names a route that streams its body.
    BodyPolicy body_policy(Connection&, Request& head) override {
        bool wanted = true;
        if (classify_expectation(head) == Expectation::continue_100) {
            wanted = script_.ConsumeBool();
            bodies_wanted_ += wanted;
        }
        bool streamed = wanted && head.target.find("stream") != std::string_view::npos;
        return {.wanted = wanted, .max_bytes = options_.max_body_bytes, .streamed = streamed};
    }
    void dispatch(Connection&, Request& request, const std::shared_ptr<Exchange>& exchange) override;
    void wake(Connection& connection) override { check(!connection.is_closed(), "nothing is written once the connection is closed"); }
    void release_file(std::uint64_t) override {
        ++files_released_;
        check(files_released_ <= files_handed_, "a file segment goes back to the I/O layer once, not twice");
    }
    void finished(Connection&, const Request& request, int status, std::uint64_t body_bytes, Duration) override;

private:
    void step(Step step);
    void trace(Step step) const;
    void receive();
    void read(std::size_t most);
    void wait(Duration duration);
    void reply(Request& request, Response response, ReplyChoice choice);
    void take_streamed_body(Request& request, Response response);
    bool resume_paused();
    void answer_deferred(bool final_answer);
    void touch(const Request& request);
    void check_invariants();
    void check_memory();
    void check_liveness();
    void check_verdicts();
    std::size_t memory_bound() const;

    FuzzedDataProvider& script_;
    Clock clock_;
    ConnectionOptions options_;

    std::vector<Finished> finished_;
    std::vector<Verdict> verdicts_;     // one per dispatched request
    std::shared_ptr<std::size_t> gone_ = std::make_shared<std::size_t>(0);  // on_close calls
    std::deque<Deferred> deferred_;
    std::deque<Response> paused_;       // streamed bodies the application paused, oldest first
    ResponseReader reader_;
    std::size_t bodies_wanted_ = 0;     // body_policy() said yes to a 100-continue client: each gets a 100 Continue
    std::size_t files_handed_ = 0;      // Response::file calls that reached the connection
    std::size_t files_released_ = 0;    // release_file calls
    bool peer_fin_ = false;             // receive_end() was called
    bool our_fin_ = false;              // write_shut_down() was called
    bool answer_at_once_ = false;       // the end: new requests are answered in dispatch
    std::size_t heap_before_ = 0;
    std::optional<std::size_t> output_at_close_;  // output() size when it closed
    volatile std::uint8_t sink_ = 0;    // where touch() sends the bytes it reads
    // Last, so it is destroyed first: its destructor may call on_close, which uses the members above.
    std::unique_ptr<Connection> connection_;
};

void Harness::run() {
    heap_before_ = __sanitizer_get_current_allocated_bytes();
    for (int steps = 0; steps < 10000 && script_.remaining_bytes() > 0 && !connection_->is_closed(); ++steps) {
        Step next = read_step(script_);
        if (next == Step::finish) break;
        step(next);
        if (!connection_->is_closed()) connection_->resume_input();  // as the server does, settling after each event
        trace(next);
        check_invariants();
    }
    check_liveness();
    check_verdicts();
    if (connection_->is_closed())
        check(files_released_ == files_handed_, "every file segment has gone back to the I/O layer once closed");
}

// PORTER_FUZZ_TRACE=1 in the environment: a line per step, to read a reproducer by.
void Harness::trace(Step step) const {
    static const bool enabled = std::getenv("PORTER_FUZZ_TRACE") != nullptr;
    if (!enabled) return;
    std::fprintf(stderr, "step %d: state %s, %zu dispatched, %zu finished, %zu responses read, output due %zu\n",
                 static_cast<int>(step), std::string(to_string(connection_->state())).c_str(), verdicts_.size(),
                 finished_.size(), reader_.finals(), connection_->output().size());
}

void Harness::step(Step step) {
    switch (step) {
    case Step::receive: return receive();
    case Step::read_some: return read(script_.ConsumeIntegralInRange<std::size_t>(0, max_read));
    case Step::read_all: return read(SIZE_MAX);
    case Step::wait: return wait(Duration(script_.ConsumeIntegralInRange<int>(0, max_wait_ms)));
    case Step::peer_fin:
        if (!peer_fin_) connection_->receive_end();
        peer_fin_ = true;
        return;
    case Step::answer_deferred: return answer_deferred(false);
    case Step::shutdown: return connection_->begin_shutdown();
    case Step::abort: return connection_->abort(CloseReason::io_error);
    case Step::finish: return;  // run() ends the loop
    }
}

// The client sends up to a random number of bytes, as many as the
// connection has room for (the I/O layer never reads more).
void Harness::receive() {
    std::size_t wanted = script_.ConsumeIntegralInRange<std::size_t>(1, max_receive);
    std::size_t room = connection_->input_room();
    if (peer_fin_ || room == 0) return;
    std::string bytes = script_.ConsumeBytesAsString(std::min(wanted, room));
    if (!bytes.empty()) connection_->receive(bytes);
}

// The client reads up to `most` bytes of what is due; then, as the I/O
// layer does, our FIN goes out if the connection asks for it.
void Harness::read(std::size_t most) {
    if (connection_->is_closed()) return;  // the socket is gone
    while (most > 0) {
        std::string_view due = connection_->output();
        if (!due.empty()) {
            std::size_t taken = std::min(most, due.size());
            reader_.take(due.substr(0, taken));
            connection_->sent(taken);
            most -= taken;
        } else if (const FileSegment* file = connection_->output_file()) {
            std::size_t taken = static_cast<std::size_t>(std::min<std::uint64_t>(most, file->length));
            reader_.take(std::string(taken, 'F'));
            connection_->sent_file(taken);
            most -= taken;
        } else {
            break;
        }
    }
    if (connection_->wants_write_shutdown()) {
        connection_->write_shut_down();
        our_fin_ = true;
    }
}

void Harness::wait(Duration duration) {
    clock_.now += duration;
    std::optional<TimePoint> deadline = connection_->deadline();
    if (deadline && *deadline <= clock_.now) connection_->expire();
}

void Harness::dispatch(Connection&, Request& request, const std::shared_ptr<Exchange>& exchange) {
    Response response = response_for(exchange);
    check(std::find(verdicts_.begin(), verdicts_.end(), Verdict::none) == verdicts_.end(),
          "one request at a time: none is dispatched while another awaits its verdict");
    check(verdicts_.size() < options_.max_requests, "at most max_requests requests per connection");
    check(finished_.empty() || finished_.back().dispatched, "nothing is dispatched after the connection's own error answer");
    check(request.body.size() <= options_.max_body_bytes && request.fields.size() <= options_.head.max_fields,
          "a dispatched request is within the limits");
    std::size_t index = verdicts_.size();
    verdicts_.push_back(Verdict::none);
    response.on_close([this, index, gone = gone_] {
        ++*gone;
        // A streamed body that broke off is answered by the connection (400,
        // 408, 413), and on_close then tells the application, whose
        // response is already finished.
        if (verdicts_[index] == Verdict::finished && !finished_.empty() && is_error_answer(finished_.back().status)) return;
        check(verdicts_[index] == Verdict::none, "on_close only for a request with no verdict yet");
        verdicts_[index] = connection_->is_closed() ? Verdict::client_gone : Verdict::fin_heard;
    });
    touch(request);
    if (exchange->body_streamed) return take_streamed_body(request, response);
    ReplyChoice choice = read_reply(script_);
    if (answer_at_once_) choice.kind = ReplyKind::text;
    reply(request, response, choice);
}

// A streamed body: each piece read and perhaps paused on; the reply once the
// last has come, as a handler would (answering, deferring, or forgetting).
void Harness::take_streamed_body(Request& request, Response response) {
    check(request.body.empty(), "a streamed body's handler runs with the head alone");
    response.on_body([this, &request, response, total = std::size_t{0}](std::string_view piece, bool done) mutable {
        total += piece.size();
        check(total <= options_.max_body_bytes, "a streamed body stays within its limit");
        std::uint8_t sum = 0;
        for (char c : piece) sum += c;
        sink_ = sum;
        if (!done) {
            if (!answer_at_once_ && script_.ConsumeBool()) response.pause_body(), paused_.push_back(response);
            return;
        }
        ReplyChoice choice = read_reply(script_);
        if (answer_at_once_) choice.kind = ReplyKind::text;
        reply(request, response, choice);
    });
}

// The application lets the oldest paused body go again.
bool Harness::resume_paused() {
    if (paused_.empty()) return false;
    Response paused = std::move(paused_.front());
    paused_.pop_front();
    paused.resume_body();
    return true;
}

void Harness::finished(Connection&, const Request& request, int status, std::uint64_t body_bytes, Duration) {
    check(finished_.empty() || finished_.back().dispatched, "the connection's own error answer is its last");
    auto waiting = std::find_if(verdicts_.begin(), verdicts_.end(),
                                [](Verdict verdict) { return verdict == Verdict::none || verdict == Verdict::fin_heard; });
    bool dispatched = waiting != verdicts_.end();
    if (dispatched) *waiting = Verdict::finished;
    else check(is_error_answer(status), "the connection's own answer is one of its error statuses");
    // An error answer to a HEAD whose head parsed is a head alone, and says
    // so by reporting no body bytes (its bodies are never empty otherwise);
    // a half-parsed head that starts "HEAD" gets the body.
    bool head_only = dispatched ? request.method == "HEAD" : body_bytes == 0;
    finished_.push_back({status, body_bytes, dispatched, head_only});
}

// Reads every byte a handler may read: ASan catches a view into freed input.
void Harness::touch(const Request& request) {
    std::uint8_t sum = 0;
    for (char c : request.method) sum += c;
    for (char c : request.target) sum += c;
    for (const Field& field : request.fields) {
        for (char c : field.name) sum += c;
        for (char c : field.value) sum += c;
    }
    for (char c : request.body) sum += c;
    sink_ = sum;
}

void Harness::reply(Request& request, Response response, ReplyChoice choice) {
    int status = reply_statuses[choice.status % std::size(reply_statuses)];
    std::string body(choice.size, 'b');
    switch (choice.kind) {
    case ReplyKind::text: response.text(status, body); break;
    case ReplyKind::empty: response.empty(status); break;
    case ReplyKind::informational: check(!response.text(100 + choice.size % 100, body), "a 1xx from a handler is refused"); break;
    case ReplyKind::none: break;  // the connection answers 500
    case ReplyKind::stream:
        response.stream(status, "text/plain");
        for (std::size_t i = 0; i < choice.size % 4; ++i) response.write(body);
        response.end();
        break;
    case ReplyKind::stream_unended: response.stream(status, "text/plain"), response.write(body); break;
    case ReplyKind::defer: deferred_.push_back({response.defer(), &request, false}); break;
    case ReplyKind::defer_stream:
        response.stream(status, "text/plain");
        deferred_.push_back({response.defer(), &request, true});
        break;
    case ReplyKind::file:
        files_handed_ += !response.is_finished() && !connection_->is_closed();  // the connection will take it
        response.file(status, FileBody{Fd(), 0, choice.size}, "application/octet-stream");
        break;
    case ReplyKind::field_then_text:
        response.set_field("X-Fuzz", "1");
        response.text(status, body);
        check(!response.text(status, body), "a second answer is refused");
        break;
    }
}

// The application comes back to the oldest response it kept: another piece
// of a stream, or the end of it, or a whole answer.
void Harness::answer_deferred(bool final_answer) {
    if (!final_answer && resume_paused()) return;
    if (deferred_.empty()) return;
    std::uint8_t action = final_answer ? 0 : script_.ConsumeIntegral<std::uint8_t>();
    Deferred& kept = deferred_.front();
    if (connection_->is_closed()) {  // gone for good: a FIN alone still takes the answer
        check(!kept.response.text(200, "late"), "a response to a client that has gone is refused");
        deferred_.pop_front();
        return;
    }
    touch(*kept.request);
    bool write_more = action % 2 == 1 && kept.streaming;
    if (write_more && !kept.response.is_congested()) kept.response.write(std::string(action, 's'));
    if (write_more) return;
    Deferred done = std::move(deferred_.front());  // answering may dispatch the next request
    deferred_.pop_front();
    if (done.streaming) done.response.end();
    else done.response.text(200, std::string(action, 'd'));
}

void Harness::check_invariants() {
    // Handling, or reading a streamed body the application holds back (its
    // input_room is 0 then, with nothing due to go out).
    bool nothing_due = connection_->output().empty() && !connection_->output_file();
    bool waits_on_app = nothing_due && (connection_->state() == ConnectionState::handling ||
                                        (connection_->state() == ConnectionState::reading_body && connection_->input_room() == 0));
    if (!connection_->is_closed() && !waits_on_app)
        check(connection_->deadline().has_value(), "an open connection not waiting on the application has a deadline");
    if (connection_->state() == ConnectionState::handling)
        check(connection_->input_room() <= options_.head.max_header_bytes, "while handling, input waits in at most a head's worth");
    if (our_fin_) check(connection_->output().empty() && !connection_->output_file(), "nothing is sent after our FIN");
    if (connection_->is_closed()) {
        if (!output_at_close_) output_at_close_ = connection_->output().size();
        check(connection_->output().size() == *output_at_close_ && connection_->input_room() == 0,
              "a closed connection takes nothing and writes nothing");
    }
    check(connection_->requests_served() == static_cast<std::size_t>(std::count(verdicts_.begin(), verdicts_.end(), Verdict::finished)),
          "requests_served() counts the dispatched requests answered");
    check_memory();
}

// The bytes a connection may hold, from its options: its unparsed input
// (a head's worth and a read, doubled as a string grows, doubled again while
// waiting to be compacted), the head kept for the handler, the body, the
// chunked decoder's line, and unsent output (high water plus one answer).
std::size_t Harness::memory_bound() const {
    std::size_t head = options_.head.max_header_bytes;
    std::size_t input = 4 * (head + max_receive);
    std::size_t request = 2 * head + 2 * options_.head.max_fields * sizeof(Field);
    std::size_t body = 2 * options_.max_body_bytes + 2 * (ChunkedLimits{}.max_line_bytes + ChunkedLimits{}.max_trailer_bytes);
    std::size_t output = 2 * (options_.high_water + 4 * (max_head_out + max_reply_body));
    return input + request + body + output + 8 * 1024;  // and bookkeeping: the exchange, callbacks
}

void Harness::check_memory() {
    std::size_t now = __sanitizer_get_current_allocated_bytes();
    std::size_t held = now > heap_before_ ? now - heap_before_ : 0;
    if (held > memory_bound()) std::fprintf(stderr, "fuzz: heap held %zu > bound %zu\n", held, memory_bound());
    check(held <= memory_bound(), "the heap a connection holds stays within a bound set by its options");
}

// The application answers everything it kept; then, whatever the client
// does, the connection must close within a few of its own deadlines.
void Harness::check_liveness() {
    answer_at_once_ = true;
    for (;;) {
        while (resume_paused()) connection_->resume_input();
        if (deferred_.empty()) break;
        answer_deferred(true);
    }
    Ending ending = read_ending(script_);
    if (ending == Ending::half_close && !peer_fin_ && !connection_->is_closed()) connection_->receive_end(), peer_fin_ = true;
    for (int deadlines = 0; deadlines < 8 && !connection_->is_closed(); ++deadlines) {
        if (ending != Ending::stop_reading) read(SIZE_MAX);
        check_invariants();
        if (connection_->is_closed()) break;
        std::optional<TimePoint> deadline = connection_->deadline();
        check(deadline.has_value(), "once the application has answered, an open connection has a deadline");
        clock_.now = std::max(clock_.now, *deadline);
        connection_->expire();
    }
    check(connection_->is_closed(), "once the application has answered, the connection closes within a few deadlines");
    check_invariants();
}

void Harness::check_verdicts() {
    check(std::find(verdicts_.begin(), verdicts_.end(), Verdict::none) == verdicts_.end(),
          "every dispatched request has its verdict: finished, or the client gone");
    check(reader_.finals() <= finished_.size(), "no more responses on the wire than finished() reported");
    check(reader_.continues() <= bodies_wanted_, "a 100 Continue only for a body a handler wanted");
    CloseReason reason = connection_->close_reason();
    if (reason == CloseReason::timeout || reason == CloseReason::io_error) return;  // unsent output is lost
    reader_.take_end();
    check(reader_.finals() == finished_.size() && reader_.is_between_responses(),
          "a connection closed on purpose delivered every response in full");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider script(data, size);
    Harness(script).run();
    return 0;
}
