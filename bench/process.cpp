// process: fork/exec with a pinned CPU, pipes read with deadlines, and the /proc readings.
#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace bench {

namespace {

// In the child, between fork and exec: only async-signal-safe calls here.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, int cpu, int log_fd, int in_fd, int out_fd) {
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
    dup2(in_fd, 0), dup2(out_fd, 1), dup2(log_fd, 2);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
}

// Milliseconds left until the deadline, never negative: poll(2)'s timeout.
int millis_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Reads one chunk with a deadline: its size, 0 at EOF or when time is up.
ssize_t read_some(int fd, char* buffer, size_t size, Clock::time_point deadline) {
    pollfd ready{.fd = fd, .events = POLLIN, .revents = 0};
    if (poll(&ready, 1, millis_until(deadline)) != 1) return 0;
    ssize_t n = read(fd, buffer, size);
    return n > 0 ? n : 0;
}

// Whether the child has exited, waiting up to `patience` for it.
bool has_exited(pid_t pid, std::chrono::milliseconds patience) {
    Clock::time_point deadline = Clock::now() + patience;
    do {
        if (waitpid(pid, nullptr, WNOHANG) == pid) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (Clock::now() < deadline);
    return false;
}

void close_pipes(Child& child) {
    if (child.stdin_fd >= 0) close(child.stdin_fd), child.stdin_fd = -1;
    if (child.stdout_fd >= 0) close(child.stdout_fd), child.stdout_fd = -1;
}

}  // namespace

Child start_child(const std::vector<std::string>& argv, int cpu, const std::string& log_path, bool with_stdin) {
    int out[2], in[2] = {-1, -1};
    pipe2(out, O_CLOEXEC);
    if (with_stdin) pipe2(in, O_CLOEXEC);
    else in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_t pid = fork();
    if (pid == 0) exec_child(argv, cpu, log_fd, in[0], out[1]);
    close(out[1]), close(in[0]), close(log_fd);
    return Child{.pid = pid, .stdin_fd = in[1], .stdout_fd = out[0]};
}

std::optional<std::string> read_line(const Child& child, Clock::time_point deadline) {
    std::string line;
    char c = 0;
    // A byte at a time so nothing after the newline is consumed: the next line stays in the pipe.
    while (read_some(child.stdout_fd, &c, 1, deadline) == 1) {
        if (c == '\n') return line;
        line += c;
    }
    return std::nullopt;
}

std::string read_all_and_wait(Child& child, Clock::time_point deadline) {
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = read_some(child.stdout_fd, buffer, sizeof buffer, deadline)) > 0;)
        output.append(buffer, static_cast<size_t>(n));
    if (Clock::now() >= deadline) kill(child.pid, SIGKILL);  // a load generator past its time limit
    waitpid(child.pid, nullptr, 0);
    close_pipes(child);
    child.pid = -1;
    return output;
}

void stop_child(Child& child) {
    if (child.pid <= 0) return;
    kill(child.pid, SIGTERM);
    if (!has_exited(child.pid, std::chrono::seconds(5))) kill(child.pid, SIGKILL), waitpid(child.pid, nullptr, 0);
    close_pipes(child);
    child.pid = -1;
}

long read_status_kib(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with(field + ":")) return std::atol(line.c_str() + field.size() + 1);
    return -1;
}

long read_cpu_us(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    size_t after_name = stat.rfind(')');  // the name may hold spaces and parentheses; fields follow the last ')'
    if (after_name == std::string::npos) return -1;
    std::istringstream fields(stat.substr(after_name + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;  // state (field 3) to cmajflt (field 13)
    long utime = -1, stime = -1;
    fields >> utime >> stime;  // fields 14 and 15, in clock ticks
    if (utime < 0 || stime < 0) return -1;
    return (utime + stime) * (1'000'000 / sysconf(_SC_CLK_TCK));
}

pid_t first_child_of(pid_t pid) {
    std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    pid_t child = -1;
    return (children >> child) ? child : -1;
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {}, .sin_zero = {}};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    close(fd);  // never listened, never connected: no TIME_WAIT holds it
    return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{.sin_family = AF_INET, .sin_port = htons(static_cast<std::uint16_t>(port)), .sin_addr = {},
                        .sin_zero = {}};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    return connected;
}

int usable_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    return CPU_COUNT(&set);
}

}  // namespace bench
