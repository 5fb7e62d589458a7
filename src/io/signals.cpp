// Stop signals: SIGINT and SIGTERM through signalfd(2).
//
// Layer: I/O.
#include "signals.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace porter {

namespace {

sigset_t stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    return signals;
}

}  // namespace

StopSignals::StopSignals() {
    sigset_t signals = stop_signals();
    // Blocked first: a signal that comes between the two calls waits,
    // pending, for the descriptor, instead of ending the process.
    if (int error = ::pthread_sigmask(SIG_BLOCK, &signals, &previous_); error != 0)
        throw std::system_error(error, std::generic_category(), "pthread_sigmask");
    fd_ = Fd(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!fd_.is_open()) {
        int error = errno;
        ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
        throw std::system_error(error, std::generic_category(), "signalfd");
    }
}

StopSignals::~StopSignals() {
    while (take() != 0) {
    }
    fd_.reset();
    ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int StopSignals::take() {
    signalfd_siginfo info{};
    ssize_t n = ::read(fd_.get(), &info, sizeof info);  // whole records only: the kernel never splits one
    return n == static_cast<ssize_t>(sizeof info) ? static_cast<int>(info.ssi_signo) : 0;
}

}  // namespace porter
