// throw_errno: a failed system call, as the exception the I/O layer throws.
//
// Layer: I/O; internal. Every system call that can fail at start-up (socket,
// bind, epoll, eventfd, signalfd) throws std::system_error with the errno
// and the call's name, so the application's one catch says which and why.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace porter {

[[noreturn]] inline void throw_errno(const std::string& call) {
    throw std::system_error(errno, std::generic_category(), call);
}

}  // namespace porter
