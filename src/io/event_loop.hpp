// EventLoop: one epoll instance, and a way for other threads to get in.
//
// Layer: I/O. A thin wrapper in the manner of Redis's ae: descriptors are
// watched with a 64-bit tag that comes back with their events; the loop never
// decides what an event means. post() is the only method safe from any
// thread: it queues a task and wakes the loop through an eventfd(2), which is
// itself watched like any socket.
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "fd.hpp"

namespace porter {

// The part of a loop that other threads reach: the tasks posted for the loop
// thread, and the eventfd(2) that wakes it. Shared, because a handle another
// thread keeps (a deferred Response's, response.cpp) may post after the loop
// is gone: the task is then dropped, never run.
class Mailbox : public std::enable_shared_from_this<Mailbox> {
public:
    Mailbox();  // throws std::system_error when eventfd fails

    int fd() const { return wakeup_.get(); }
    // Any thread. False, and `task` destroyed unrun, once the loop is gone.
    bool post(std::function<void()> task);
    void wake();
    // Loop thread: the tasks posted so far, in order, and the eventfd reset.
    std::vector<std::function<void()>> take();
    // Loop thread: puts tasks that did not run back at the front.
    void put_back(std::vector<std::function<void()>> tasks);
    void close();

    // Which thread drives the loop: the one that last called enter().
    void enter() { loop_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed); }
    bool on_loop_thread() const { return loop_thread_.load(std::memory_order_relaxed) == std::this_thread::get_id(); }

private:
    Fd wakeup_;                      // eventfd: a counter other threads bump
    std::mutex mutex_;               // guards what follows: the one state shared across threads
    std::vector<std::function<void()>> posted_;
    bool closed_ = false;
    std::atomic<std::thread::id> loop_thread_{};
};

class EventLoop {
public:
    static constexpr std::uint64_t wakeup_tag = 0;  // events of the eventfd carry this tag

    EventLoop();  // throws std::system_error when epoll or eventfd can't be had
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // The epoll descriptor. It is itself readable whenever wait(0) would
    // return events, so an outside loop can watch this one descriptor.
    int fd() const { return epoll_.get(); }

    // epoll_ctl(2) ADD, MOD and DEL. Loop thread only. False, with errno, on
    // failure: ENOMEM, or ENOSPC at the per-user limit on watches
    // (/proc/sys/fs/epoll/max_user_watches); anything else (ENOENT: not
    // watched; EBADF: not open) is a bug in the caller's bookkeeping.
    [[nodiscard]] bool watch(int fd, std::uint32_t events, std::uint64_t tag);
    [[nodiscard]] bool change(int fd, std::uint32_t events, std::uint64_t tag);
    [[nodiscard]] bool forget(int fd);

    // Waits up to `timeout` (negative: forever) and returns the events that
    // fired; valid until the next wait(). Loop thread only. A signal (EINTR)
    // returns no events; any other failure is a broken loop (EBADF, EINVAL)
    // and throws std::system_error rather than spin.
    std::span<const epoll_event> wait(std::chrono::milliseconds timeout);

    // Any thread: run `task` on the loop thread, soon.
    void post(std::function<void()> task) { mailbox_->post(std::move(task)); }
    // Any thread: make the next wait() return at once (the eventfd fires).
    void wake() { mailbox_->wake(); }
    Mailbox& mailbox() { return *mailbox_; }

    // What becomes of a task that throws: `failed` gets its exception and
    // the task, to destroy while the exception is known (so that whatever
    // the task held can be blamed on it). None, or one that throws: the
    // exception propagates out of run_posted().
    using TaskFailed = std::function<void(std::exception_ptr, std::function<void()>& task)>;
    // Loop thread: runs the tasks posted so far (called on a wakeup_tag
    // event). When an exception propagates, the tasks after the one that
    // threw wait for next time.
    void run_posted(const TaskFailed& failed);

private:
    Fd epoll_;
    std::shared_ptr<Mailbox> mailbox_;
    std::vector<epoll_event> events_;
};

}  // namespace porter
