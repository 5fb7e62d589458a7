// Fd: the one owner of a file descriptor.
//
// Every socket in Porter is held by an Fd, which closes it in its destructor, so
// no early return can leak a descriptor and no descriptor is closed twice. It is
// move-only: copying would make two owners of one kernel object. Layer: I/O.
#pragma once

#include <unistd.h>

#include <utility>

namespace porter {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }

    // close(2) can report EINTR or EIO, but on Linux the descriptor is released
    // either way, and retrying could close a descriptor another thread just got.
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

}  // namespace porter
