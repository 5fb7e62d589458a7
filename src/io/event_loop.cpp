// EventLoop: one epoll instance, and a way for other threads to get in.
//
// Layer: I/O. epoll is used level-triggered: a descriptor that still has
// bytes to read (or room to write) is reported again on the next wait, so a
// handler may do a bounded amount of work per event and lose nothing.
#include "event_loop.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <system_error>

#include "system_error.hpp"

namespace porter {

Mailbox::Mailbox() : wakeup_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (!wakeup_.is_open()) throw_errno("eventfd");
}

bool Mailbox::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (!closed_) {
            posted_.push_back(std::move(task));
            task = nullptr;
        }
    }
    if (task) return false;  // destroyed here, outside the lock: it may post again
    wake();
    return true;
}

void Mailbox::wake() {
    // eventfd(2): adding to the counter makes it readable. Many wakes before
    // the loop runs cost one wakeup. EAGAIN only at a counter near 2^64.
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(wakeup_.get(), &one, sizeof one);
}

std::vector<std::function<void()>> Mailbox::take() {
    std::uint64_t count;
    [[maybe_unused]] ssize_t drained = ::read(wakeup_.get(), &count, sizeof count);  // reset to 0
    std::vector<std::function<void()>> tasks;
    std::lock_guard lock(mutex_);
    tasks.swap(posted_);
    return tasks;
}

void Mailbox::put_back(std::vector<std::function<void()>> tasks) {
    {
        std::lock_guard lock(mutex_);
        posted_.insert(posted_.begin(), std::make_move_iterator(tasks.begin()), std::make_move_iterator(tasks.end()));
    }
    wake();
}

void Mailbox::close() {
    std::vector<std::function<void()>> dropped;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        dropped.swap(posted_);
    }
    // Destroyed here, outside the lock: a task may hold a handle whose end posts.
}

EventLoop::EventLoop()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), mailbox_(std::make_shared<Mailbox>()), events_(256) {
    if (!epoll_.is_open()) throw_errno("epoll_create1");
    if (!watch(mailbox_->fd(), EPOLLIN, wakeup_tag)) throw_errno("epoll_ctl(ADD)");
}

EventLoop::~EventLoop() { mailbox_->close(); }

// epoll_ctl(2) fails for bugs (EBADF, EEXIST, ENOENT, EINVAL) or for lack of
// room (ENOMEM, ENOSPC). Both come back as false: the server drops that one
// connection rather than let an exception unwind through the loop.
bool EventLoop::watch(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event event{events, {.u64 = tag}};
    return ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EventLoop::change(int fd, std::uint32_t events, std::uint64_t tag) {
    epoll_event event{events, {.u64 = tag}};
    return ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event) == 0;
}

bool EventLoop::forget(int fd) {
    // Closing a descriptor removes it from epoll too, but only once every
    // duplicate of it is closed: say so explicitly. (Before Linux 2.6.9 DEL
    // needed a non-null event pointer; passing none is fine today.)
    return ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr) == 0;
}

std::span<const epoll_event> EventLoop::wait(std::chrono::milliseconds timeout) {
    int milliseconds = timeout.count() < 0 ? -1 : static_cast<int>(std::min<long long>(timeout.count(), 1 << 30));
    int ready = ::epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()), milliseconds);
    if (ready < 0 && errno == EINTR) return {};  // a signal; the caller loops anyway
    if (ready < 0) throw_errno("epoll_wait");
    return {events_.data(), static_cast<std::size_t>(ready)};
}

void EventLoop::run_posted(const TaskFailed& failed) {
    // Tasks run outside the lock, so a task may post another (it runs next turn).
    std::vector<std::function<void()>> tasks = mailbox_->take();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        try {
            try {
                tasks[i]();
            } catch (...) {
                if (!failed) throw;
                failed(std::current_exception(), tasks[i]);
            }
        } catch (...) {
            // The application's exception is the application's to see; the
            // tasks after it stay queued, ahead of any posted since, for the
            // next turn.
            mailbox_->put_back({std::make_move_iterator(tasks.begin() + static_cast<std::ptrdiff_t>(i) + 1),
                                std::make_move_iterator(tasks.end())});
            throw;
        }
    }
}

}  // namespace porter
