// Status codes: the reason phrase that goes with each.
//
// Layer: core, and part of the API, for handlers that answer an error in the
// server's words. Defined with the writer (writer.cpp), which puts it on the
// status line.
#pragma once

#include <string>
#include <string_view>

namespace porter {

// The reason phrase for a status code (RFC 9110 §15), "" for an unknown one.
std::string_view reason_phrase(int status);

// The body of an answer the server makes itself — 400, 404, 405, 408, 413,
// 414, 431, 500, 501, 503, 505 and the like — as the application's
// error_answer hook (ServerOptions) shapes it: JSON for an API, a page for a
// browser. Only the body and its type: the status, Allow, the framing and
// whether the connection closes stay the server's.
struct ErrorAnswer {
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
};

// The server's own words: the reason phrase and a newline, as plain text.
ErrorAnswer default_error_answer(int status);

}  // namespace porter
