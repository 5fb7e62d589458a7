// Response: the handler's side of one request, and how it reaches the wire.
//
// Layer: I/O, and part of the API. A Response is a cheap handle: copies refer
// to the same answer, so a handler can keep one (defer()) and finish it later,
// after it returned. Every method is for the loop thread only; from another
// thread, go through Server::post(). Nothing here writes to a socket: each
// call goes to the connection, which turns what the handler says into bytes
// (connection.cpp), and the server sends them. It is on this side of the
// line only because file() takes an open file, which the core may not hold.
//
// A response is one of: complete (text, send, file, empty), or streamed
// (stream, then write as often as needed, then end). The first of these calls
// decides; later ones are ignored and return false.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fd.hpp"
#include "handler.hpp"
#include "status.hpp"  // reason_phrase, for answers in the server's words

namespace porter {

struct Exchange;  // exchange.hpp: internal
struct Keeper;    // response.cpp: what keeps a deferred response open
class Mailbox;    // event_loop.hpp: the loop's door for other threads

// A body that is a file: sent with sendfile(2), never read into memory.
struct FileBody {
    Fd file;                     // open for reading; the server closes it when done
    std::uint64_t offset = 0;    // first byte to send
    std::uint64_t length = 0;    // how many
};

class Response {
public:

    // A field to send with the response, such as Cache-Control; call before
    // the status is given. Date, Content-Length, Transfer-Encoding and
    // Connection are the server's to write, and Content-Type is the body's
    // (an argument of send, file, stream): those are refused here.
    // False, and nothing set, for a name that is not a token, a value with a
    // control character (CR LF would let a value inject fields), or too late.
    bool set_field(std::string_view name, std::string_view value);

    // Complete responses. text() is text/plain; charset=utf-8.
    bool text(int status, std::string body);
    bool send(int status, std::string body, std::string_view content_type);
    bool file(int status, FileBody body, std::string_view content_type);
    bool empty(int status);  // no body: 204, 304, or a redirect with Location

    // Streamed responses: the head at once, the body as it comes. Chunked in
    // HTTP/1.1 (RFC 9112 §7.1); to an HTTP/1.0 client, ended by closing.
    bool stream(int status, std::string_view content_type);
    bool write(std::string_view bytes);  // false once the connection is closed (or the stream ended)
    bool end();
    // Backpressure: while congested, more write()s only grow memory. on_drain
    // runs `callback` once, when the client has caught up (output below the
    // low-water mark); if the response is not congested, at once, before
    // on_drain returns. Never once the client has gone: on_close says that.
    // Callbacks here (on_drain, on_close) run on the loop thread in the middle
    // of its work and must not throw: an exception from one ends the program.
    // One run at once (on_drain when not congested, on_close when the client
    // has already gone) runs inside that call, and throws out of it.
    bool is_congested() const;
    void on_drain(std::function<void()> callback);

    // The request's body in pieces, on a route with RouteOptions::stream_body,
    // whose handler runs when the head is in, with req.body empty (and not
    // the body: the pieces are).
    // `callback(piece, done)` runs for each piece as it is read (a view,
    // valid during the call), and once with done true (that piece perhaps
    // empty) when the body is complete; then the response is answered like
    // any other. Nothing is read until on_body is called — a client that sent
    // `Expect: 100-continue` is told to go on only then, so a handler may
    // refuse first — nor while the callback runs, nor after pause_body()
    // until resume_body(): TCP holds the client back meanwhile, so an upload
    // larger than memory goes to a file or another thread at the pace it
    // can be taken. An answer given before the body is all read closes the
    // connection after it. A body that breaks off, passes the route's limit
    // or stops coming is answered 400, 413 or 408, and on_close runs. An
    // exception from the callback is the handler's. On another route,
    // on_body calls back at once with the whole body (req.body) and done
    // true. False once the response is finished, or the body all delivered.
    bool on_body(std::function<void(std::string_view piece, bool done)> callback);
    void pause_body();
    void resume_body();

    // Responding later: keeps the response open after the handler returns and
    // gives back a handle to finish it with, on the loop thread. The handles
    // defer() returns, and their copies, keep it open: when the last of them
    // is dropped with the response unfinished — forgotten, or destroyed by
    // an exception, on any thread — nobody can finish it, and the server
    // answers 500 at once (a stream that had begun is cut instead) and tells
    // the on_error hook. Copies made before defer() do not keep it open.
    Response defer();
    // Whether the client has gone, or may have: it closed its side (its
    // FIN), reset, timed out, or the server stopped. on_close runs once when
    // that happens before the response is finished: the moment to stop slow
    // work. A FIN may also come from a client that only half-closed and
    // still reads, so an answer given after it is still sent; after a reset
    // or a timeout, calls do nothing and return false.
    bool client_gone() const;
    // Whether the whole response has been handed over (it may not all be sent yet).
    bool is_finished() const;
    void on_close(std::function<void()> callback);

private:
    // Only the server makes Responses, one per request it dispatches; the
    // function that does (response_for.hpp) is not part of the API.
    Response(std::shared_ptr<Exchange> exchange, Mailbox* mailbox);
    friend Response response_for(std::shared_ptr<Exchange> exchange, Mailbox* mailbox);

    std::shared_ptr<Exchange> exchange_;
    std::shared_ptr<Keeper> keeper_;  // set by defer(): shared by the handles that keep the response open
    Mailbox* mailbox_ = nullptr;      // the server's loop, while the exchange is open; none on a test bench
};

}  // namespace porter
