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
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "fd.hpp"

namespace porter {

class EventLoop {
public:
    static constexpr std::uint64_t wakeup_tag = 0;  // events of the eventfd carry this tag

    EventLoop();  // throws std::system_error when epoll or eventfd can't be had

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
    void post(std::function<void()> task);
    // Any thread: make the next wait() return at once (the eventfd fires).
    void wake();
    // Loop thread: runs the tasks posted so far (called on a wakeup_tag event).
    // If one throws, the exception propagates and the rest wait for next time.
    void run_posted();

private:
    Fd epoll_;
    Fd wakeup_;                      // eventfd: a counter other threads bump
    std::vector<epoll_event> events_;

    std::mutex mutex_;               // guards `posted_`: the one piece shared across threads
    std::vector<std::function<void()>> posted_;
};

}  // namespace porter
