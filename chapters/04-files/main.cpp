// Stage 04: serving files.
//
// Still one client at a time, blocking, one request per connection, and the
// routes of stage 03. New: GET /files/PATH (and HEAD) answers the file PATH
// under ROOT (static_files.cpp): percent-decoded, dot segments removed, opened
// with openat2(2) so that no path and no symlink leads outside ROOT; 404 for
// what is not there or not ours to show, 403 for what we may not read; a
// directory's index.html; a Content-Type from the name (mime.cpp);
// Last-Modified, and 304 for an If-Modified-Since the file has not changed
// since (conditional.cpp). The head goes out with send_all, the file after it
// with sendfile(2) (send_file, in socket.cpp).
//
// Usage: server [PORT [ROOT]]  (PORT 8080 by default, 0 for any free port;
// ROOT "." by default.)
//
// Not yet: one client at a time: a client that sends half a request, or
//          nothing, or never closes its side (a second in close_gracefully),
//          or reads a big file slowly, stalls everyone — chapter 05.
// Not yet: one request per connection — chapter 06.
// Not yet: request bodies are not read: close_gracefully discards up to 256 KiB
//          or a second's worth, then closes anyway (and the kernel may reset) —
//          chapter 07.
// Not yet: Range, ETag and If-None-Match; sending a big file without holding
//          the thread until the client has read it (backpressure) — chapter 08.
// Not yet: no timeouts: a client that stops reading mid-file blocks send_file,
//          and the server, for as long as it stays connected — chapter 09.
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "date.hpp"
#include "fd.hpp"
#include "parser.hpp"
#include "request.hpp"
#include "response.hpp"
#include "router.hpp"
#include "semantics.hpp"
#include "socket.hpp"
#include "static_files.hpp"

namespace porter {

// #region command_line
struct Options {
    std::uint16_t port = 8080;
    std::string root = ".";
};

// The stage contract: [PORT [ROOT]], PORT a decimal number up to 65535.
std::optional<Options> parse_command_line(int argc, char** argv) {
    Options options;
    if (argc > 3) return std::nullopt;
    if (argc >= 2) {
        std::string_view text = argv[1];
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.port);
        if (text.empty() || error != std::errc() || end != text.data() + text.size())
            return std::nullopt;
    }
    if (argc == 3) options.root = argv[2];
    return options;
}
// #endregion command_line

// #region routes
// The routes every later stage keeps. A `:name` segment matches any one
// segment and reaches the handler percent-decoded, as req.param("name"); a
// `*name` segment matches the rest of the path, left encoded for
// static_files, which decodes it with more care than a parameter needs.
// static_files opens `root` at once: it throws if it cannot.
void add_routes(Router& router, const std::string& root) {
    router.add("GET", "/", [](Request&, Response& res) { res.text(200, "hello, world\n"); });
    router.add("GET", "/echo/:text", [](Request& req, Response& res) {
        res.text(200, std::string(req.param("text")));
    });
    router.add("GET", "/header/:name", [](Request& req, Response& res) {
        std::optional<std::string_view> value = req.field(req.param("name"));
        if (value) res.text(200, std::string(*value) + "\n");
        else res.text(404, "no such field\n");
    });
    router.add("GET", "/files/*path", static_files(root));
}
// #endregion routes

// #region read_request
// Reads until the head parses as complete or invalid. "incomplete" comes back
// only when the client stopped sending first: end of file, or an error.
ParseResult read_request(const Fd& client, const Limits& limits, std::string& input, Request& request) {
    for (;;) {
        ParseResult result = parse_request(input, limits, request);
        if (result.status != ParseStatus::incomplete) return result;
        // The parser has refused anything longer than the limits by now, so
        // `input` never grows past max_header_bytes plus one read.
        char bytes[4096];
        ssize_t received = ::recv(client.get(), bytes, sizeof bytes, 0);
        if (received < 0 && errno == EINTR) continue;  // defensive: no handlers are installed
        if (received <= 0) return result;  // 0: end of file; <0: ECONNRESET and kin
        input.append(bytes, static_cast<std::size_t>(received));
    }
}
// #endregion read_request

// #region answer
// A 500 in place of the handler's answer, without the fields it set for that
// answer: a Cache-Control meant for a page must not let a cache keep an error.
void answer_instead(Response& response, std::string body) {
    response = Response();
    response.text(500, std::move(body));
}

// A head has parsed: the checks every request must pass (RFC 9112 §3.2), then
// the route's handler, or the status the router gives instead.
void answer(const Router& router, Request& request, Response& response) {
    int refusal = check_target(request);
    if (refusal == 0) refusal = check_host(request);
    if (refusal != 0) {
        response.text(refusal, std::string(reason_phrase(refusal)) + "\n");
        return;
    }
    Router::Match match = router.find(request);
    if (!match.handler) {
        if (match.status == 405) response.set_field("Allow", match.allow);
        response.text(match.status, std::string(reason_phrase(match.status)) + "\n");
        return;
    }
    // The one call into application code. Whatever goes wrong in it is this
    // request's problem only: 500, and the server goes on.
    try {
        (*match.handler)(request, response);
    } catch (...) {
        if (!response.is_finished()) answer_instead(response, "Internal Server Error\n");
    }
    // A handler that returned without answering has forgotten the client.
    if (!response.is_finished()) answer_instead(response, "the handler sent no response\n");
}
// #endregion answer

// #region serve
void serve(Fd client, const Router& router) {
    const Limits limits;
    std::string input;
    Request request;  // views into `input`
    Response response;
    ParseResult result = read_request(client, limits, input, request);
    switch (result.status) {
    case ParseStatus::complete:
        answer(router, request, response);
        break;
    case ParseStatus::invalid:
        response.text(result.error, std::string(reason_phrase(result.error)) + "\n");
        break;
    case ParseStatus::incomplete:
        // The client closed its side mid-request: it may still read an answer.
        if (!input.empty()) response.text(400, "Bad Request\n");
        break;
    }
    if (response.is_finished()) {
        // The clock is read at the edges, here and in static_files: the core
        // takes the time as an argument.
        std::string date = format_http_date(std::chrono::system_clock::now());
        // HEAD only when the head parsed: what an invalid one holds is not a request.
        bool head_only = result.status == ParseStatus::complete && request.method == "HEAD";
        bool sent = send_all(client, response.serialize(date, head_only));
        // A file follows its head. If it stops short, the Content-Length we
        // sent is a promise we cannot keep: close at once, so that the client
        // sees the body end early and knows it is incomplete (RFC 9112 §8).
        const FileBody* file = response.file_body();
        if (sent && file && !head_only) {
            if (!send_file(client, file->file, file->offset, file->length)) return;
        }
    }
    close_gracefully(std::move(client));
}
// #endregion serve

}  // namespace porter

// #region main
int main(int argc, char** argv) {
    using namespace porter;
    std::optional<Options> options = parse_command_line(argc, argv);
    if (!options) {
        std::fprintf(stderr, "usage: %s [PORT [ROOT]]\n", argv[0]);
        return 2;
    }
    // sendfile(2) to a client that has gone raises SIGPIPE, whose default
    // action kills the whole server; send(2) has MSG_NOSIGNAL, sendfile has no
    // such flag. Ignored, the signal becomes an EPIPE that send_file returns.
    ::signal(SIGPIPE, SIG_IGN);

    Fd listener;
    std::uint16_t port = 0;
    Router router;
    try {
        listener = listen_on_loopback(options->port);
        port = local_port(listener);
        add_routes(router, options->root);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "porter: cannot start on 127.0.0.1:%u with root %s: %s\n",
                     unsigned{options->port}, options->root.c_str(), error.what());
        return 1;
    }
    // Tests and scripts wait for this exact line, so it must leave the stdio
    // buffer now, not when the buffer happens to fill.
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{port});
    std::fflush(stdout);

    for (;;) {
        Fd client = accept_client(listener);
        if (client.is_open()) serve(std::move(client), router);
    }
}
// #endregion main
