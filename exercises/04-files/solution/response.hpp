// Response: what a handler answers, and the bytes that carry it to the client.
//
// Layer: core. A handler says what to answer: a status, a body and its type,
// perhaps a field or two of its own. The first of text, send, file or empty
// decides; later ones are ignored and return false. serialize() then writes
// the bytes of RFC 9112 §4 (the status line), the fields every response
// carries, and a body held in memory; a file body is the caller's to send
// after those bytes, with send_file (socket.hpp). Nothing here reads a clock
// or touches a socket: the caller passes the date in and sends the bytes out.
//
// Not yet: a connection kept open after the response — chapter 06; streamed
// bodies — chapter 08; a response that outlives the handler — chapter 10.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fd.hpp"

namespace porter {

// A body that is a file: sent with sendfile(2), never read into memory.
struct FileBody {
    Fd file;                     // open for reading
    std::uint64_t offset = 0;    // first byte to send
    std::uint64_t length = 0;    // how many
};

class Response {
public:
    // A field to send with the response, such as Cache-Control; call before
    // the status is given. Date, Content-Length, Transfer-Encoding and
    // Connection are the server's to write, and Content-Type is the body's
    // (an argument of send and file): those are refused here.
    // False, and nothing set, for a name that is not a token, a value with a
    // control character (CR LF would let a value inject fields), or too late.
    bool set_field(std::string_view name, std::string_view value);

    // Complete responses. text() is text/plain; charset=utf-8. False, and
    // nothing sent, for a status outside 200–599 or a content type holding a
    // control character. A body given with 204 or 304 is not sent: those
    // statuses have none (RFC 9110 §15.3.5, §15.4.5).
    bool text(int status, std::string body);
    bool send(int status, std::string body, std::string_view content_type);
    bool file(int status, FileBody body, std::string_view content_type);
    bool empty(int status);  // no body: 204, 304, or a redirect with Location

    // Whether a status has been given. (src/'s Response, which can stream,
    // separates the two: a status given, and the whole body handed over.)
    bool is_finished() const { return status_ != 0; }

    // The whole response as sent: status line, Date (`date`, an IMF-fixdate),
    // the handler's fields, Content-Type and Content-Length, Connection:
    // close, the empty line, and the body, unless `head_only` (the answer to
    // HEAD: every field GET would have, no body — RFC 9110 §9.3.2). For a file
    // body, everything up to the empty line, with the file's Content-Length.
    std::string serialize(std::string_view date, bool head_only) const;

    // The file to send after serialize()'s bytes, or null: when the answer is
    // not a file, or its status carries no body (304).
    const FileBody* file_body() const { return file_ ? &*file_ : nullptr; }

private:
    int status_ = 0;  // 0 until the handler answers
    std::string content_type_;
    std::string body_;
    std::optional<FileBody> file_;  // instead of body_, from file()
    std::vector<std::pair<std::string, std::string>> fields_;  // from set_field(), in order
};

// The reason phrase for a status code (RFC 9110 §15), "" for an unknown one.
std::string_view reason_phrase(int status);

}  // namespace porter
