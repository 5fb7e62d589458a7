// Response: the handler's side of one request, and how it reaches the wire.
//
// Layer: I/O. Each call forwards to the connection serving the exchange, if
// it is still there; after the client has gone or the response is finished,
// calls do nothing and report false.
#include "response.hpp"

#include "connection.hpp"
#include "event_loop.hpp"
#include "exchange.hpp"
#include "grammar.hpp"
#include "response_for.hpp"

namespace porter {

namespace {

// On the loop thread: if the exchange is still open, nobody can finish it now.
void abandon_if_open(const std::shared_ptr<Exchange>& exchange) {
    if (exchange->connection) exchange->connection->abandon();
}

}  // namespace

// Shared by the handles defer() made: its destructor runs when the last of
// them goes. That may be on another thread (a worker that dropped its handle,
// or threw); the connection is then reached through the loop's mailbox.
struct Keeper {
    std::shared_ptr<Exchange> exchange;
    std::shared_ptr<Mailbox> mailbox;  // none on a test bench: every thread is the loop's

    Keeper(std::shared_ptr<Exchange> kept, std::shared_ptr<Mailbox> loop)
        : exchange(std::move(kept)), mailbox(std::move(loop)) {}
    Keeper(const Keeper&) = delete;
    Keeper& operator=(const Keeper&) = delete;
    ~Keeper() {
        if (!mailbox || mailbox->on_loop_thread()) abandon_if_open(exchange);
        else mailbox->post([exchange = std::move(exchange)] { abandon_if_open(exchange); });
    }
};

Response::Response(std::shared_ptr<Exchange> exchange, Mailbox* mailbox)
    : exchange_(std::move(exchange)), mailbox_(mailbox) {}

Response response_for(std::shared_ptr<Exchange> exchange, Mailbox* mailbox) {
    return Response(std::move(exchange), mailbox);
}

// A field value with CR or LF would start a new field of the caller's (or an
// attacker's) choosing: response splitting. is_field_value refuses both.
bool Response::set_field(std::string_view name, std::string_view value) {
    if (exchange_->decided || !is_token(name) || !is_field_value(value)) return false;
    // Content-Type goes with the body (send, file, stream); a second one here
    // would make two, which RFC 9110 §5.3 forbids for a singleton field.
    for (std::string_view reserved : {"Date", "Content-Length", "Transfer-Encoding", "Connection", "Content-Type"})
        if (equals_ignoring_case(name, reserved)) return false;
    exchange_->fields.emplace_back(name, value);
    return true;
}

bool Response::text(int status, std::string body) {
    return send(status, std::move(body), "text/plain; charset=utf-8");
}

// The content type goes on the wire as a field value, so it is held to
// set_field's rule: no CR LF smuggled in with it.
bool Response::send(int status, std::string body, std::string_view content_type) {
    Connection* connection = exchange_->connection;
    return connection && is_field_value(content_type) && connection->respond(status, std::move(body), content_type);
}

// The core holds no descriptors: the file goes to it as a segment named by
// the descriptor's number, and the server closes it when the connection
// hands the segment back (Server's release_file).
bool Response::file(int status, FileBody body, std::string_view content_type) {
    Connection* connection = exchange_->connection;
    if (!connection || !is_field_value(content_type)) return false;  // body.file closes here
    FileSegment segment{.file = static_cast<std::uint64_t>(body.file.release()), .offset = body.offset, .length = body.length};
    return connection->respond_file(status, segment, content_type);
}

bool Response::empty(int status) { return send(status, "", ""); }

bool Response::stream(int status, std::string_view content_type) {
    Connection* connection = exchange_->connection;
    return connection && is_field_value(content_type) && connection->stream_start(status, content_type);
}

bool Response::write(std::string_view bytes) {
    Connection* connection = exchange_->connection;
    return connection && connection->stream_write(bytes);
}

bool Response::end() {
    Connection* connection = exchange_->connection;
    return connection && connection->stream_end();
}

bool Response::is_congested() const {
    Connection* connection = exchange_->connection;
    return connection && connection->is_congested();
}

void Response::on_drain(std::function<void()> callback) {
    if (!exchange_->connection) return;
    if (!exchange_->connection->is_congested()) {
        callback();  // not congested: no reason to wait
        return;
    }
    exchange_->on_drain = std::move(callback);
}

bool Response::on_body(std::function<void(std::string_view piece, bool done)> callback) {
    Connection* connection = exchange_->connection;
    return connection && connection->take_body(std::move(callback));
}

void Response::pause_body() {
    if (Connection* connection = exchange_->connection) connection->pause_body();
}

void Response::resume_body() {
    if (Connection* connection = exchange_->connection) connection->resume_body();
}

// The first defer() makes the keeper; later ones, from any handle, share it.
Response Response::defer() {
    exchange_->deferred = true;
    if (keeper_ || !exchange_->connection) return *this;  // kept already, or over: nothing to keep open
    if (std::shared_ptr<void> kept = exchange_->keeper.lock()) {
        keeper_ = std::static_pointer_cast<Keeper>(kept);
    } else {
        keeper_ = std::make_shared<Keeper>(exchange_, mailbox_ ? mailbox_->shared_from_this() : nullptr);
        exchange_->keeper = keeper_;
    }
    return *this;
}

bool Response::is_finished() const { return exchange_->finished; }

bool Response::client_gone() const { return !exchange_->finished && (!exchange_->connection || exchange_->input_ended); }

void Response::on_close(std::function<void()> callback) {
    if (client_gone()) callback();
    else if (!exchange_->finished) exchange_->on_close = std::move(callback);
}

}  // namespace porter
