// Fd: the one owner of a file descriptor.
//
// Every socket in Porter is held by an Fd, which closes it in its destructor, so
// no early return can leak a descriptor and no descriptor is closed twice. It is
// move-only: copying would make two owners of one kernel object. Layer: I/O,
// and part of the API: Response::file takes the file it sends as an Fd.
#pragma once

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
    // Gives up ownership: the caller closes the descriptor from now on.
    int release() { return std::exchange(fd_, -1); }
    void reset();  // closes it, if open (fd.cpp)

private:
    int fd_ = -1;
};

}  // namespace porter
