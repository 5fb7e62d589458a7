// demo: the server `make run` starts, and the book's last stage.
//
// It keeps the stage contract — `demo [PORT [ROOT]]`, 127.0.0.1 only, port 0
// for any free port, the ready line once listening — and the routes every
// stage keeps:
//   GET  /               hello, world
//   GET  /echo/TEXT      TEXT, percent-decoded, as text/plain
//   POST /echo           the request body as received (after chunked decoding)
//   GET  /header/NAME    the value of the request's field NAME, or 404
//   GET  /files/PATH     the file PATH under ROOT (and HEAD; ranges, 304s)
//   GET  /count/N        the numbers 1 to N, streamed, at the client's pace
// and 404 for anything else; and one the library adds:
//   GET  /query?A=B&...  the query's pairs, decoded as a form, one "A: B" a line
// SIGINT or SIGTERM stop it gracefully. The application's failures (a
// handler that throws) are told on stderr, one line each.
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <porter/porter.hpp>

namespace {

struct Options {
    std::uint16_t port = 8080;
    std::string root = ".";
};

std::optional<Options> parse_command_line(int argc, char** argv) {
    Options options;
    if (argc > 3) return std::nullopt;
    if (argc >= 2) {
        std::string_view text = argv[1];
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.port);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    }
    if (argc == 3) options.root = argv[2];
    return options;
}

// Streams "1\n" to "N\n", writing while the client keeps up and waiting for
// it (on_drain) when it doesn't: memory stays bounded however large N is.
void count_to(porter::Response response, std::uint64_t next, std::uint64_t last) {
    while (next <= last) {
        if (response.is_congested()) {
            response.on_drain([response, next, last] { count_to(response, next, last); });
            return;
        }
        if (!response.write(std::to_string(next++) + "\n")) return;  // the client has gone
    }
    response.end();
}

void add_routes(porter::Server& server, const std::string& root) {
    server.route("GET", "/", [](porter::Request&, porter::Response& res) { res.text(200, "hello, world\n"); });
    server.route("GET", "/echo/:text", [](porter::Request& req, porter::Response& res) {
        res.text(200, std::string(req.param("text")));
    });
    server.route("POST", "/echo", [](porter::Request& req, porter::Response& res) {
        res.send(200, std::move(req.body), "application/octet-stream");
    });
    server.route("GET", "/header/:name", [](porter::Request& req, porter::Response& res) {
        std::optional<std::string_view> value = req.field(req.param("name"));
        if (value) res.text(200, std::string(*value) + "\n");
        else res.text(404, "no such field\n");
    });
    server.route("GET", "/files/*path", porter::static_files(root));
    // A query is decoded as a form: '+' is a space and %2F a '/', unlike a
    // path. A bad escape is the client's mistake: BadRequest is its 400.
    server.route("GET", "/query", [](porter::Request& req, porter::Response& res) {
        std::optional<porter::Form> query = req.query_form();
        if (!query) throw porter::BadRequest("the query has a bad escape");
        std::string lines;
        for (const auto& [name, value] : query->fields) lines += name + ": " + value + "\n";
        res.text(200, lines);
    });
    server.route("GET", "/count/:n", [](porter::Request& req, porter::Response& res) {
        std::uint64_t n = 0;
        std::string_view text = req.param("n");
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (error != std::errc() || end != text.data() + text.size()) return void(res.text(400, "not a number\n"));
        res.stream(200, "text/plain; charset=utf-8");
        count_to(res.defer(), 1, n);
    });
}

// The client already has its 500; this is for whoever runs the server.
void tell_failure(const porter::ApplicationError& failure) {
    std::string what = "an exception that is not a std::exception";
    try {
        std::rethrow_exception(failure.error);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    std::fprintf(stderr, "porter: %.*s %.*s: %s\n", int(failure.method.size()), failure.method.data(),
                 int(failure.target.size()), failure.target.data(), what.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<Options> options = parse_command_line(argc, argv);
    if (!options) {
        std::fprintf(stderr, "usage: %s [PORT [ROOT]]\n", argv[0]);
        return 2;
    }
    std::unique_ptr<porter::Server> server;
    try {
        server = std::make_unique<porter::Server>(
            porter::ServerOptions{.listen = {.port = options->port}, .on_error = tell_failure});
        add_routes(*server, options->root);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "porter: cannot start on 127.0.0.1:%u with root %s: %s\n", unsigned{options->port},
                     options->root.c_str(), error.what());
        return 1;
    }
    server->stop_on_signals(std::chrono::seconds(5));  // before any thread starts: see server.hpp
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{server->port()});
    std::fflush(stdout);
    server->run();
}
