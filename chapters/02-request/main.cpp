// Stage 02: reading a request.
//
// Still one client at a time, blocking. Now the server reads until the request
// head is complete, however many reads that takes, parses it strictly
// (parser.cpp), and answers with what it parsed: 200 and a description of the
// request, or the status that names what was wrong (400, 414, 431, 505). Either
// way it then closes the connection, gracefully (socket.cpp).
//
// Usage: server [PORT [ROOT]]  (PORT 8080 by default, 0 for any free port;
// ROOT is used from chapter 04 on.)
//
// Not yet: routes, status codes beyond errors, Date, HEAD, Host — chapter 03.
// Not yet: request bodies are not read: close_gracefully discards up to 256 KiB
//          or a second's worth, then closes anyway (and the kernel may reset) —
//          chapter 07.
// Not yet: a client that never closes its side holds us a second in
//          close_gracefully, and everyone waits — chapter 05.
// Not yet: a client that connects and sends nothing stalls everyone — chapter 05.
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "fd.hpp"
#include "parser.hpp"
#include "request.hpp"
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

// #region response
// Chapter 03 gives responses a piece of their own; for now, one function. The
// status line, CRLF line ends and Content-Length are as in chapter 01.
std::string_view reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    }
    return "Unknown";
}

std::string format_response(int status, std::string_view body) {
    std::string response = "HTTP/1.1 " + std::to_string(status) + " ";
    response += reason_phrase(status);
    response += "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size());
    response += "\r\nConnection: close\r\n\r\n";
    response += body;
    return response;
}
// #endregion response

// #region describe
// The body of a 200 in this stage: the request as the parser saw it.
std::string describe(const Request& request) {
    std::string text = "method  " + std::string(request.method) + "\n";
    text += "target  " + std::string(request.target) + "\n";
    text += request.version == Version::http_1_0 ? "version HTTP/1.0\n" : "version HTTP/1.1\n";
    for (const Field& field : request.fields)
        text += "field   " + std::string(field.name) + ": " + std::string(field.value) + "\n";
    return text;
}
// #endregion describe

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

// #region serve
void serve(Fd client) {
    const Limits limits;
    std::string input;
    Request request;  // views into `input`
    ParseResult result = read_request(client, limits, input, request);
    switch (result.status) {
    case ParseStatus::complete:
        send_all(client, format_response(200, describe(request)));
        break;
    case ParseStatus::invalid:
        send_all(client, format_response(result.error, std::string(reason_phrase(result.error)) + "\n"));
        break;
    case ParseStatus::incomplete:
        // The client closed its side mid-request: it may still read an answer.
        if (!input.empty()) send_all(client, format_response(400, "Bad Request\n"));
        break;
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

    for (;;) {
        Fd client = accept_client(listener);
        if (client.is_open()) serve(std::move(client));
    }
}
// #endregion main
