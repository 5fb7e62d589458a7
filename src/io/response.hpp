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
    bool write(std::string_view bytes);  // false once the client has gone
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

    // Responding later: keeps the response open after the handler returns and
    // gives back a handle to finish it with, on the loop thread.
    Response defer();
    // Whether the client has gone (closed, reset, timed out, server stopped);
    // on_close runs once when that happens before the response is finished.
    bool client_gone() const;
    // Whether the whole response has been handed over (it may not all be sent yet).
    bool is_finished() const;
    void on_close(std::function<void()> callback);

private:
    // Only the server makes Responses, one per request it dispatches; the
    // function that does (response_for.hpp) is not part of the API.
    explicit Response(std::shared_ptr<Exchange> exchange);
    friend Response response_for(std::shared_ptr<Exchange> exchange);

    std::shared_ptr<Exchange> exchange_;
};

}  // namespace porter
