// upload: large request bodies, streamed to disk at the pace the disk takes them.
//
//   upload [PORT [DIR]]   127.0.0.1 only; port 0 for any free port; files go to DIR (default ".")
//   PUT /files/NAME       the body, up to 64 MiB, stored as DIR/NAME: 201 and its size
//   GET /files/NAME       what was stored (static_files)
//
// The route streams its body (RouteOptions::stream_body) instead of holding
// it whole in memory. Each piece goes to a writer thread, and the body is
// paused until that thread has written it: the server then reads the socket
// no faster than the disk takes the bytes, TCP holds the client back, and
// memory holds one piece per upload, however large the upload is. The loop
// never waits for the disk. The file is written as NAME.part and renamed
// when it is complete, so that a reader never sees half of one, and an
// upload that breaks off (the client leaves, the body is cut short) leaves
// nothing behind. Every other route keeps the 1 MiB default limit.
// SIGINT or SIGTERM stop it gracefully.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <porter/porter.hpp>

namespace {

// One thread that writes files, so that the loop never waits for the disk.
// Only bytes and descriptors cross to it; the Response stays on the loop
// thread, inside the `then` that comes back through post().
class Writer {
public:
    explicit Writer(porter::Server& server) : server_(server), thread_([this](std::stop_token stop) { work(stop); }) {}

    // Writes all of `bytes` to `fd`, then runs then(error) on the loop
    // thread: 0, or the errno of the write that failed.
    void write(int fd, std::string bytes, std::function<void(int error)> then) {
        std::lock_guard lock(mutex_);
        jobs_.push_back({fd, std::move(bytes), std::move(then)});
        ready_.notify_one();
    }

private:
    struct Job {
        int fd;
        std::string bytes;
        std::function<void(int)> then;
    };

    static int write_all(int fd, std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::write(fd, bytes.data(), bytes.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return errno;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return 0;
    }

    void work(std::stop_token stop) {
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mutex_);
                if (!ready_.wait(lock, stop, [this] { return !jobs_.empty(); })) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            int error = write_all(job.fd, job.bytes);
            server_.post([then = std::move(job.then), error] { then(error); });
        }
    }

    porter::Server& server_;
    std::mutex mutex_;
    std::condition_variable_any ready_;
    std::deque<Job> jobs_;
    std::jthread thread_;  // last: stopped and joined before the queue goes
};

// A file being received: written as NAME.part, renamed to NAME when whole.
struct Upload {
    std::string path;
    std::string part = path + ".part";
    porter::Fd file{::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    std::uint64_t size = 0;
    bool abandoned = false;

    // The client left, or its body broke off: no half file stays behind.
    void abandon() {
        abandoned = true;
        ::unlink(part.c_str());
    }
};

// Not ".", "..", nor a hidden file. A ":name" is one segment, and the
// router refuses %2F and %00 in it, so no '/' or NUL can arrive.
bool is_plain_name(std::string_view name) { return !name.empty() && name[0] != '.'; }

void add_routes(porter::Server& server, Writer& writer, const std::string& dir) {
    server.route(
        "PUT", "/files/:name",
        [&writer, dir](porter::Request& req, porter::Response& res) {
            if (!is_plain_name(req.param("name"))) return void(res.text(400, "a plain file name, please\n"));
            auto upload = std::make_shared<Upload>(Upload{.path = dir + "/" + std::string(req.param("name"))});
            if (!upload->file.is_open()) return void(res.text(500, std::string("cannot open: ") + std::strerror(errno) + "\n"));
            res.on_close([upload] { upload->abandon(); });
            // The answer comes after the last write, on a later turn: defer().
            res.on_body([&writer, upload, res = res.defer()](std::string_view piece, bool done) mutable {
                res.pause_body();  // until this piece is on disk
                writer.write(upload->file.get(), std::string(piece), [upload, res, done, n = piece.size()](int error) mutable {
                    if (upload->abandoned) return;
                    if (error != 0) {
                        upload->abandon();
                        return void(res.text(500, std::string("cannot write: ") + std::strerror(error) + "\n"));
                    }
                    upload->size += n;
                    if (!done) return res.resume_body();
                    upload->file.reset();
                    if (::rename(upload->part.c_str(), upload->path.c_str()) != 0)
                        return void(res.text(500, std::string("cannot rename: ") + std::strerror(errno) + "\n"));
                    res.text(201, std::to_string(upload->size) + " bytes stored\n");
                });
            });
        },
        {.max_body_bytes = 64 << 20, .stream_body = true});
    server.route("GET", "/files/*path", porter::static_files(dir));
}

struct Options {
    std::uint16_t port = 8080;
    std::string dir = ".";
};

std::optional<Options> parse_command_line(int argc, char** argv) {
    Options options;
    if (argc > 3) return std::nullopt;
    if (argc >= 2) {
        std::string_view text = argv[1];
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), options.port);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    }
    if (argc == 3) options.dir = argv[2];
    return options;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<Options> options = parse_command_line(argc, argv);
    if (!options) {
        std::fprintf(stderr, "usage: %s [PORT [DIR]]\n", argv[0]);
        return 2;
    }
    std::unique_ptr<porter::Server> server;
    try {
        server = std::make_unique<porter::Server>(porter::ServerOptions{.listen = {.port = options->port}});
        server->stop_on_signals();  // before the writer thread starts, so that it inherits the blocked signals
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "upload: cannot start on 127.0.0.1:%u: %s\n", unsigned{options->port}, error.what());
        return 1;
    }
    Writer writer(*server);  // after the server, so that it is stopped before the server goes
    try {
        add_routes(*server, writer, options->dir);
    } catch (const std::system_error& error) {
        std::fprintf(stderr, "upload: cannot serve %s: %s\n", options->dir.c_str(), error.what());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%u\n", unsigned{server->port()});
    std::fflush(stdout);
    server->run();
}
