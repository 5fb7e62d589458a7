// httplib: cpp-httplib as a bench peer — the same two answers as Porter's demo.
//
// GET / answers the 13-byte "hello, world\n"; /files/ is a static mount of
// ROOT. It keeps the stage contract: `httplib PORT [ROOT]`, 127.0.0.1 only,
// the ready line once listening. cpp-httplib serves a connection per thread,
// blocking; Debian builds it as a library (libcpp-httplib.so) rather than
// header-only, with poll(2), so descriptors above 1024 are safe. Its defaults
// are set where they would decide the bench instead of measuring it:
//   - a pool of 8 threads lets only 8 of wrk's 50 connections progress, and
//     can't hold 10,000 idle ones: the pool here grows a thread per waiting
//     connection and reuses threads that come free (GrowingPool);
//   - 5 requests per connection and a 5 s idle timeout become 1000 (as
//     Porter and nginx) and 60 s (the idle test must outlast it);
//   - its compiled-in listen backlog of 5 becomes SOMAXCONN.
// A bench tool only: never a dependency of Porter.
#include <httplib.h>
#include <sys/socket.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace {

// A thread pool with no upper bound: a task waits for an idle thread only if
// one exists, or gets a new thread. Threads never exit before the process.
class GrowingPool : public httplib::TaskQueue {
public:
    void enqueue(std::function<void()> task) override {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
        if (idle_ >= tasks_.size()) return wake_.notify_one();
        std::thread([this] { work(); }).detach();
    }
    void shutdown() override {}  // the process ends instead

private:
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ++idle_;
            wake_.wait(lock, [this] { return !tasks_.empty(); });
            --idle_;
            std::function<void()> task = std::move(tasks_.front());
            tasks_.pop_front();
            lock.unlock();
            task();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;  // guarded by mutex_
    size_t idle_ = 0;                          // threads waiting for a task; guarded by mutex_
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) return std::fprintf(stderr, "usage: %s PORT [ROOT]\n", argv[0]), 2;
    httplib::Server server;
    server.new_task_queue = [] { return new GrowingPool; };
    server.set_keep_alive_max_count(1000);
    server.set_keep_alive_timeout(60);
    int listener = -1;
    server.set_socket_options([&listener](socket_t fd) {
        int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listener = fd;
    });
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("hello, world\n", "text/plain; charset=utf-8");
    });
    if (!server.set_mount_point("/files", argc == 3 ? argv[2] : ".")) return std::fprintf(stderr, "httplib: no such root\n"), 2;
    int port = std::atoi(argv[1]);
    port = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
    if (port < 0) return std::fprintf(stderr, "httplib: cannot listen on port %s\n", argv[1]), 1;
    listen(listener, SOMAXCONN);  // listen(2) again on a listening socket only resizes its backlog
    std::printf("listening on http://127.0.0.1:%d\n", port);
    std::fflush(stdout);
    return server.listen_after_bind() ? 0 : 1;
}
