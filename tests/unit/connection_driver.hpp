// A Connection on a test bench: a fake clock, a fake application, and the
// wire in both directions as strings. No sockets: the core needs none.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connection.hpp"
#include "fd.hpp"
#include "response.hpp"
#include "response_for.hpp"

namespace porter::test {

struct Driver : Dispatcher {
    Clock clock;
    ConnectionOptions options;
    std::unique_ptr<Connection> connection;

    // The application: by default every request gets "ok\n".
    std::function<void(Request&, Response&)> handler = [](Request&, Response& res) { res.text(200, "ok\n"); };
    std::function<bool(Request&)> body_wanted = [](Request&) { return true; };
    // The route's own body limit (none: options.max_body_bytes), and whether it streams bodies.
    std::optional<std::uint64_t> route_max_body;
    bool stream_bodies = false;
    std::vector<std::string> handled;  // "METHOD TARGET body-size", in dispatch order
    std::vector<int> statuses;         // of every finished response
    bool wrote_fin = false;            // the connection asked for shutdown(SHUT_WR)
    std::vector<std::uint64_t> released;  // file segments handed back, in order
    // The access log, copied: "METHOD TARGET status bytes_sent close_reason".
    std::vector<std::string> records;
    std::vector<std::chrono::microseconds> durations;
    // The application's failures, as the server's on_error hook would hear of them.
    std::vector<std::string> failures;  // "METHOD TARGET: what()"
    // The error_answer hook: none, the server's own words.
    std::function<ErrorAnswer(int, const Request&)> render_error = nullptr;

    explicit Driver(ConnectionOptions chosen = {}) : options(chosen) {
        connection = std::make_unique<Connection>(7, "192.0.2.1:4000", options, clock, *this);
    }
    // First: a connection that closes as it is destroyed calls back into
    // this driver (release_file), whose members must still be there.
    ~Driver() { connection.reset(); }
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // The client sends `bytes`; returns all the connection then has to send.
    std::string send(std::string_view bytes) {
        connection->receive(bytes);
        return take_output();
    }

    // Sends `bytes` split into `pieces` at the given offsets.
    std::string send_split(std::string_view bytes, std::size_t offset) {
        std::string out = send(bytes.substr(0, offset));
        return out + send(bytes.substr(offset));
    }

    // Reads everything due, as a client with room to spare would; first, as
    // the server does at the top of its turn, delivers a streamed body's
    // pieces that resume_body() let go.
    std::string take_output() {
        if (!connection->is_closed()) connection->resume_input();
        std::string out;
        for (;;) {
            std::string_view due = connection->output();
            if (!due.empty()) {
                out += due;
                connection->sent(due.size());
            } else if (const FileSegment* file = connection->output_file()) {
                out += "<file " + std::to_string(file->length) + ">";
                connection->sent_file(file->length);
            } else {
                break;
            }
        }
        if (connection->wants_write_shutdown()) {
            wrote_fin = true;
            connection->write_shut_down();
        }
        return out;
    }

    // Moves the clock on, expiring the connection if its deadline passed.
    std::string wait(Duration duration) {
        clock.now += duration;
        std::optional<TimePoint> deadline = connection->deadline();
        if (deadline && *deadline <= clock.now) connection->expire();
        return take_output();
    }

    BodyPolicy body_policy(Connection&, Request& head) override {
        return {.wanted = body_wanted(head), .max_bytes = route_max_body.value_or(options.max_body_bytes), .streamed = stream_bodies};
    }
    void dispatch(Connection& on, Request& request, const std::shared_ptr<Exchange>& exchange) override {
        handled.push_back(std::string(request.method) + " " + std::string(request.target) + " " +
                          std::to_string(request.body.size()));
        Response response = response_for(exchange);
        try {  // as the server does
            handler(request, response);
        } catch (...) {
            on.fail_exchange(std::current_exception());
        }
    }
    void wake(Connection&) override {}
    // As the server does: a segment's number is its descriptor's.
    void release_file(std::uint64_t file) override {
        released.push_back(file);
        Fd(static_cast<int>(file)).reset();
    }
    void finished(Connection&, const Request&, int status, std::uint64_t, Duration) override {
        statuses.push_back(status);
    }
    void record(Connection&, const AccessRecord& record) override {
        records.push_back(std::string(record.method) + " " + std::string(record.target) + " " +
                          std::to_string(record.status) + " " + std::to_string(record.bytes_sent) + " " +
                          std::string(to_string(record.close_reason)));
        durations.push_back(record.duration);
    }
    ErrorAnswer error_answer(int status, const Request& request) override {
        return render_error ? render_error(status, request) : default_error_answer(status);
    }
    void failed(Connection&, const Request& request, std::exception_ptr error) override {
        std::string what = "?";
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        failures.push_back(std::string(request.method) + " " + std::string(request.target) + ": " + what);
    }
};

// The exact bytes of a text/plain response the connection writes.
inline std::string response_bytes(int status, std::string_view reason, std::string_view body, bool closing = false) {
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
           "\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           (closing ? "Connection: close\r\n" : "") + "\r\n" + std::string(body);
}

inline std::string get(std::string_view target, std::string_view extra = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n" + std::string(extra) + "\r\n";
}

}  // namespace porter::test
