// sse: Server-Sent Events, fed from another thread through post().
//
// A producer thread — a clock here, standing in for a message queue, a
// database listener or a sensor — makes an event every 100 ms. It may not
// touch the Server or a Response: both belong to the loop thread. So it
// post()s each event, and the task, run on the loop thread, writes it to
// every subscriber's open stream. Subscribers are deferred responses: the
// handler starts the stream, keeps the response, and returns.
//
//   sse [PORT]      127.0.0.1 only; port 0 for any free port; the ready line once listening
//   GET /           a page that shows the events (EventSource, in a browser)
//   GET /events     text/event-stream: an event every 100 ms until the client leaves
//
// The wire format is the HTML standard's "Server-sent events" (§9.2): lines
// `id: N` and `data: TEXT`, each event ended by an empty line, and every 15 s
// a keep-alive comment from a timer on the loop (Server::every). SIGINT or
// SIGTERM end every stream and stop the server gracefully.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <porter/porter.hpp>

namespace {

using namespace std::chrono_literals;

constexpr auto event_interval = 100ms;
constexpr auto keep_alive_interval = 15s;

// One event, made on the producer thread and handed to the loop thread by value.
struct Event {
    std::uint64_t id;   // 1, 2, 3, ...: a client that sees a gap knows it missed events
    std::string data;   // one line: SSE ends a data line at LF
};

// The subscribers: every open /events stream. Loop thread only.
//
// Backpressure: an event goes to a client only if its stream is not
// congested (Response::is_congested(): its output is above the high-water
// mark). A congested client skips events, and the gap in `id:` shows it.
// A clock's tick is worthless once late, and queueing for a client that reads
// slowly, or not at all, would grow memory without bound. A client that
// stops reading entirely is dropped by Porter itself once its output has made
// no progress for the write timeout (30 s by default); on_close then removes
// it here. A feed where no event may be lost would instead close a congested
// client and let it reconnect with Last-Event-ID, replaying from a log.
class Feed {
public:
    // GET /events: start the stream, keep the response, return.
    void subscribe(porter::Request& req, porter::Response& res) {
        res.set_field("Cache-Control", "no-store");
        res.set_field("X-Accel-Buffering", "no");  // nginx, if in front: pass events on at once
        res.stream(200, "text/event-stream");
        // HEAD comes here too (RFC 9110 §9.3.2): the same head, and no stream to keep open.
        if (req.method == "HEAD") return void(res.end());
        res.write("retry: 1000\n\n");  // how long a browser waits before reconnecting
        std::uint64_t key = next_key_++;
        porter::Response kept = res.defer();
        // The client went away (closed, reset, timed out, the server stopped):
        // forget it. Runs on the loop thread, from inside Porter.
        kept.on_close([this, key] { subscribers_.erase(key); });
        subscribers_.emplace(key, kept);
    }

    // Writes `event` to every subscriber that keeps up.
    void publish(const Event& event) {
        std::string bytes = "id: " + std::to_string(event.id) + "\ndata: " + event.data + "\n\n";
        // A snapshot: a write may end in on_close, which changes the map.
        for (porter::Response& subscriber : snapshot())
            if (!subscriber.is_congested()) subscriber.write(bytes);
    }

    // A comment (a line starting with ':', which EventSource ignores) to
    // every subscriber: on a quiet feed it keeps a proxy or load balancer,
    // which closes a connection idle for a minute or so, from cutting it.
    void keep_alive() {
        for (porter::Response& subscriber : snapshot())
            if (!subscriber.is_congested()) subscriber.write(": keep-alive\n\n");
    }

    // Ends every stream, so each connection finishes its response and closes.
    void end_all() {
        for (porter::Response& subscriber : snapshot()) subscriber.end();
        subscribers_.clear();
    }

private:
    std::vector<porter::Response> snapshot() const {
        std::vector<porter::Response> all;
        for (const auto& [key, subscriber] : subscribers_) all.push_back(subscriber);
        return all;
    }

    std::map<std::uint64_t, porter::Response> subscribers_;  // by subscription number
    std::uint64_t next_key_ = 0;
};

// The wall-clock time as HH:MM:SS.mmm UTC: the event's text.
std::string format_time(std::chrono::system_clock::time_point now) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    auto milliseconds = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d UTC", utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(milliseconds.count()));
    return text;
}

// The producer thread: an event every 100 ms, handed to the loop with post(),
// the one Server call safe from here. It sleeps to absolute times, so the
// ticks don't drift; stopping takes up to one interval.
void produce(std::stop_token stop, porter::Server& server, Feed& feed) {
    auto next = std::chrono::steady_clock::now();
    for (std::uint64_t id = 1; !stop.stop_requested(); ++id) {
        next += event_interval;
        std::this_thread::sleep_until(next);
        Event event{id, "tick " + std::to_string(id) + " at " + format_time(std::chrono::system_clock::now())};
        server.post([&feed, event = std::move(event)] { feed.publish(event); });
    }
}

constexpr std::string_view page = R"(<!doctype html>
<title>Porter: server-sent events</title>
<pre id="events"></pre>
<script>
  const events = new EventSource("/events");
  events.onmessage = (e) => { document.getElementById("events").textContent = e.lastEventId + ": " + e.data; };
</script>
)";

void add_routes(porter::Server& server, Feed& feed) {
    server.route("GET", "/", [](porter::Request&, porter::Response& res) {
        res.send(200, std::string(page), "text/html; charset=utf-8");
    });
    server.route("GET", "/events", [&feed](porter::Request& req, porter::Response& res) {
        feed.subscribe(req, res);
    });
}

std::optional<std::uint16_t> parse_command_line(int argc, char** argv) {
    std::uint16_t port = 8080;
    if (argc > 2) return std::nullopt;
    if (argc == 2) {
        std::string_view text = argv[1];
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    }
    return port;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<std::uint16_t> port = parse_command_line(argc, argv);
    if (!port) {
        std::fprintf(stderr, "usage: %s [PORT]\n", argv[0]);
        return 2;
    }
    Feed feed;  // before the server: closing connections in ~Server runs on_close, which reaches it
    std::unique_ptr<porter::Server> server;
    try {
        server = std::make_unique<porter::Server>(porter::ServerOptions{.listen = {.port = *port}});
        add_routes(*server, feed);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "sse: cannot start on 127.0.0.1:%u: %s\n", unsigned{*port}, error.what());
        return 1;
    }
    // Streams never finish by themselves: a stop signal ends them first,
    // then shuts down, rather than wait out the grace. Before the producer
    // starts, so that its thread inherits the blocked signals.
    server->stop_on_signals(1s, [&feed] { feed.end_all(); });
    // A timer on the loop, not a thread: it runs beside the handlers, so it
    // may touch the feed and the responses without a lock.
    server->every(keep_alive_interval, [&feed] { feed.keep_alive(); });
    std::jthread producer(produce, std::ref(*server), std::ref(feed));
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{server->port()});
    std::fflush(stdout);
    server->run();
    // Leaving main: `producer` is stopped and joined before `server` goes, so
    // no post() reaches a Server that no longer exists.
}
