// process: the programs the book tool runs — diff, and a shell on a terminal.
//
// Every wait has a deadline, and a terminal's processes die with it: a
// transcript that hangs or leaves a server running can neither stall the
// tool nor outlive it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "text.hpp"

namespace book {

using Clock = std::chrono::steady_clock;

// Runs `args` (args[0] looked up in PATH) and returns what it wrote to stdout;
// a failure when it exits with a status above `highest_ok` (diff exits 1 for
// "files differ", which is no failure).
Result<std::string> run_reading(Lines args, int highest_ok = 0);

// A program whose stdout and stderr are a pseudo-terminal of its own, as a
// reader's shell would have, reading commands from a pipe on descriptor 3; its
// stdin is /dev/null, so nothing it runs can swallow the commands that follow.
// It leads a session of its own, so destroying the Terminal kills it and
// everything it started.
class Terminal {
public:
    static Result<Terminal> start(const Lines& argv, const Lines& environment, const std::string& directory);
    Terminal(Terminal&& other) noexcept;
    Terminal& operator=(Terminal&&) = delete;
    Terminal(const Terminal&) = delete;
    ~Terminal();

    bool send(std::string_view commands);
    // Waits until `text` appears in what the terminal printed and nobody took,
    // at or after `from`; returns where. Nullopt at the deadline, or when
    // everything on the terminal has exited.
    std::optional<size_t> wait_for(std::string_view text, size_t from, Clock::time_point deadline);
    // Removes and returns the first `length` bytes printed.
    std::string take(size_t length);
    const std::string& printed() const { return printed_; }

private:
    Terminal(pid_t pid, int terminal, int commands) : pid_(pid), terminal_(terminal), commands_(commands) {}
    bool read_more(Clock::time_point deadline);

    pid_t pid_ = -1;
    int terminal_ = -1;  // the pseudo-terminal's master side: what the programs print
    int commands_ = -1;  // the write end of the pipe the shell reads as descriptor 3
    std::string printed_;
};

}  // namespace book
