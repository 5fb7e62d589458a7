// Stop signals: SIGINT and SIGTERM read from a descriptor, so that the loop
// waits for them as it waits for a socket.
//
// Layer: I/O. A signal handler may do almost nothing safely (signal-safety(7)):
// not take a lock, not allocate, not call into the server. signalfd(2) turns
// a signal into bytes to read, in the loop, where anything may be done. It
// sees only signals that are blocked in every thread: a thread that has one
// unblocked gets it the old way, and the default action ends the process.
#pragma once

#include <signal.h>

#include "fd.hpp"

namespace porter {

class StopSignals {
public:
    // Blocks SIGINT and SIGTERM in the calling thread (threads it starts
    // later inherit that) and opens the descriptor that reads them. Throws
    // std::system_error if it can't.
    StopSignals();
    // Reads what is pending, so that unblocking delivers nothing stale, then
    // gives the thread back the mask it had.
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    int fd() const { return fd_.get(); }
    // The next pending signal, SIGINT or SIGTERM, or 0 when none is.
    int take();

private:
    sigset_t previous_{};
    Fd fd_;
};

}  // namespace porter
