// Stage 01: a socket that answers.
//
// One client at a time, blocking: accept a connection, read what the client
// sent, write one fixed HTTP/1.1 response, close. The request is never looked
// at, so every path and every method gets "hello, world".
//
// Usage: server [PORT [ROOT]]  (PORT 8080 by default, 0 for any free port;
// ROOT is accepted so every stage has the same command line, and used from
// chapter 04 on.)
//
// Not yet: reading a whole request, however it is split — chapter 02.
// Not yet: closing with request bytes still unread makes the kernel reset the
//          connection (RST), which a client may report instead of our answer —
//          chapter 02.
// Not yet: any answer but 200 — chapters 02 and 03.
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
// Every line of an HTTP/1.1 message ends in CR LF (RFC 9112 §2.1), and the
// header block ends with an empty line. Content-Length tells the client where
// the body ends (RFC 9112 §6.3); Connection: close warns it that we hang up
// after this response (RFC 9112 §9.6).
constexpr std::string_view hello_response =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 13\r\n"
    "Connection: close\r\n"
    "\r\n"
    "hello, world\n";
// #endregion response

// #region serve
void serve(Fd client) {
    // One read(2) takes whatever has arrived so far, up to the buffer's size:
    // a whole small request, usually, but TCP promises bytes in order, not
    // messages. Chapter 02 reads until the request is complete.
    char request[4096];
    ssize_t received;
    do {
        received = ::recv(client.get(), request, sizeof request, 0);
    } while (received < 0 && errno == EINTR);  // defensive: no handlers are installed
    // 0 is end of file: the client closed without asking anything. Negative is
    // an error such as ECONNRESET. Neither deserves an answer.
    if (received <= 0) return;
    send_all(client, hello_response);
}   // `client` is destroyed here: its Fd closes the connection.
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
