// Stage 03: responding properly.
//
// Still one client at a time, blocking, one request per connection. The
// answer is now a real HTTP response: a status line with its reason, Date,
// Content-Type and Content-Length, HEAD answered like GET without the body
// (response.cpp). Requests reach handlers through a route table (router.cpp):
// 404 for a path no route has, 405 with Allow for a path that has other
// methods, 501 for a method no route has, 204 with Allow to OPTIONS, and 308
// to a path that a route has without its trailing '/'; and a request whose
// target or Host is malformed is refused with 400 first (semantics.cpp).
// GET / answers in plain text or in HTML, as the client's Accept prefers
// (negotiation.cpp).
//
// Usage: server [PORT [ROOT]]  (PORT 8080 by default, 0 for any free port;
// ROOT is used from chapter 04 on.)
//
// Not yet: files — chapter 04.
// Not yet: one request per connection — chapter 06.
// Not yet: request bodies are not read: close_gracefully discards up to 256 KiB
//          or a second's worth, then closes anyway (and the kernel may reset) —
//          chapter 07.
// Not yet: a client that never closes its side holds us a second in
//          close_gracefully, and everyone waits — chapter 05.
// Not yet: a client that connects and sends nothing stalls everyone — chapter 05.
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
#include "negotiation.hpp"
#include "parser.hpp"
#include "request.hpp"
#include "response.hpp"
#include "router.hpp"
#include "semantics.hpp"
#include "socket.hpp"

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
// GET / for a browser, which puts text/html first in its Accept.
constexpr std::string_view hello_page =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<meta charset=\"utf-8\">\n"
    "<title>Porter</title>\n"
    "<p>hello, world</p>\n"
    "</html>\n";

// The routes every later stage keeps. A `:name` segment matches any one
// segment and reaches the handler percent-decoded, as req.param("name").
void add_routes(Router& router) {
    router.add("GET", "/", [](Request& req, Response& res) {
        // Two representations of one resource: the client's Accept picks
        // (RFC 9110 §12.5.1), and Vary tells caches that it did (§12.5.5).
        res.set_field("Vary", "Accept");
        if (choose_media_type(req, {"text/plain", "text/html"}) == "text/html")
            res.send(200, std::string(hello_page), "text/html; charset=utf-8");
        else
            res.text(200, "hello, world\n");
    });
    router.add("GET", "/echo/:text", [](Request& req, Response& res) {
        res.text(200, std::string(req.param("text")));
    });
    router.add("GET", "/header/:name", [](Request& req, Response& res) {
        std::optional<std::string_view> value = req.field(req.param("name"));
        if (value) res.text(200, std::string(*value) + "\n");
        else res.text(404, "no such field\n");
    });
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

// The router's own answers, when no handler is to run: the errors, 405 with
// Allow (RFC 9110 §15.5.6), 308 with Location (§15.4.9), and 204 to OPTIONS
// with Allow (§9.3.7). 204 has no body to carry a reason phrase in.
void answer_for_router(const Router::Match& match, Response& response) {
    if (!match.allow.empty()) response.set_field("Allow", match.allow);
    if (!match.location.empty()) response.set_field("Location", match.location);
    if (match.status == 204) response.empty(204);
    else response.text(match.status, std::string(reason_phrase(match.status)) + "\n");
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
        answer_for_router(match, response);
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
        // The one clock read: the core takes the time as an argument.
        std::string date = format_http_date(std::chrono::system_clock::now());
        // HEAD only when the head parsed: what an invalid one holds is not a request.
        bool head_only = result.status == ParseStatus::complete && request.method == "HEAD";
        send_all(client, response.serialize(date, head_only));
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
    Fd listener;
    std::uint16_t port = 0;
    try {
        listener = listen_on_loopback(options->port);
        port = local_port(listener);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "porter: cannot listen on 127.0.0.1:%u: %s\n",
                     unsigned{options->port}, error.what());
        return 1;
    }
    // Tests and scripts wait for this exact line, so it must leave the stdio
    // buffer now, not when the buffer happens to fill.
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{port});
    std::fflush(stdout);

    Router router;
    add_routes(router);
    for (;;) {
        Fd client = accept_client(listener);
        if (client.is_open()) serve(std::move(client), router);
    }
}
// #endregion main
