// process: the bench's hands — start programs pinned to a CPU, read their output, stop them by pid.
//
// Everything here is fork/exec and /proc: a child gets its CPU with
// sched_setaffinity(2) before exec (what `taskset -c N` does), its standard
// output on a pipe the bench reads with a deadline, and its stop is a SIGTERM
// to its own pid, then SIGKILL if it lingers. What the bench reads of a
// server's cost comes from /proc/PID: VmRSS and VmHWM from status, utime and
// stime from stat (both cover all of the process's threads).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// A child process the bench started, with pipes to its standard input and output.
struct Child {
    pid_t pid = -1;
    int stdin_fd = -1;   // write end, or -1 when the child's input is /dev/null
    int stdout_fd = -1;  // read end of the child's standard output
};

// Starts argv[0] (a path) with its standard error appended to log_path,
// pinned to `cpu` (none if -1). With `with_stdin`, the child reads a pipe.
Child start_child(const std::vector<std::string>& argv, int cpu, const std::string& log_path, bool with_stdin = false);

// One line of the child's output, without its newline; nothing by the deadline or at EOF.
std::optional<std::string> read_line(const Child& child, Clock::time_point deadline);

// All of the child's output until it exits or the deadline passes (then it is killed).
std::string read_all_and_wait(Child& child, Clock::time_point deadline);

// SIGTERM, up to 5 s for it to exit, then SIGKILL; closes the pipes. Only ever this pid.
void stop_child(Child& child);

// /proc/PID/status fields in KiB ("VmRSS", "VmHWM"); -1 if unreadable.
long read_status_kib(pid_t pid, const std::string& field);

// utime + stime of the whole process, in µs, from /proc/PID/stat; -1 if unreadable.
long read_cpu_us(pid_t pid);

// The first child of `pid` (nginx's worker), from /proc/PID/task/PID/children; -1 if none yet.
pid_t first_child_of(pid_t pid);

// A port on 127.0.0.1 that nothing listens on at this moment (for nginx, which can't take port 0).
int free_port();

// True once something accepts TCP connections on 127.0.0.1:port.
bool accepts_connections(int port);

// The number of CPUs this process may run on: the bench pins only with two or more.
int usable_cpus();

}  // namespace bench
