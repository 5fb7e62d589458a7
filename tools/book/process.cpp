// process: diff, and a shell on a pseudo-terminal (process.hpp).
#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

extern char** environ;

namespace book {

namespace {

std::vector<char*> pointers(Lines& strings) {
    std::vector<char*> argv;
    for (std::string& s : strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    return argv;
}

// Returns the wait status, or -1, which no exit status decodes to, on failure.
int wait_for_exit(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

// The child's stderr goes to /dev/null: callers report failures themselves, in
// the book's own FILE:LINE form.
Result<std::string> run_reading(Lines args, int highest_ok) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return failure<std::string>(errno_text("cannot make a pipe"));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    std::vector<char*> argv = pointers(args);
    const int error = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(ends[1]);
    if (error != 0) {
        ::close(ends[0]);
        return failure<std::string>("cannot run " + args[0] + ": " + std::strerror(error));
    }
    std::string output;
    char buffer[65536];
    for (ssize_t got; (got = ::read(ends[0], buffer, sizeof buffer)) != 0;) {
        if (got > 0) output.append(buffer, static_cast<size_t>(got));
        else if (errno != EINTR) break;
    }
    ::close(ends[0]);
    const int status = wait_for_exit(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > highest_ok)
        return failure<std::string>(args[0] + " failed");
    return success(std::move(output));
}

namespace {

// The terminal's settings: output passes unchanged (no \n to \r\n, which a
// real terminal's "onlcr" does and a reader never sees), nothing is echoed,
// and it is 80 columns wide, as a terminal is by default.
bool make_plain(int slave) {
    termios settings{};
    if (::tcgetattr(slave, &settings) != 0) return false;
    settings.c_oflag &= ~static_cast<tcflag_t>(OPOST);
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON);
    winsize size{};
    size.ws_col = 80;
    size.ws_row = 40;
    return ::tcsetattr(slave, TCSANOW, &settings) == 0 && ::ioctl(slave, TIOCSWINSZ, &size) == 0;
}

struct Pty {
    int master = -1;
    int slave = -1;
};

Result<Pty> open_pty() {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return failure<Pty>(errno_text("posix_openpt"));
    const char* name = ::grantpt(master) == 0 && ::unlockpt(master) == 0 ? ::ptsname(master) : nullptr;
    const int slave = name ? ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (slave < 0 || !make_plain(slave)) {
        const std::string error = errno_text("cannot open a pseudo-terminal");
        if (slave >= 0) ::close(slave);
        ::close(master);
        return failure<Pty>(error);
    }
    return success(Pty{master, slave});
}

}  // namespace

Result<Terminal> Terminal::start(const Lines& argv, const Lines& environment, const std::string& directory) {
    Result<Pty> pty = open_pty();
    if (!pty.value) return failure<Terminal>(pty.error);
    int commands[2];
    if (::pipe2(commands, O_CLOEXEC) != 0) {
        ::close(pty.value->master);
        ::close(pty.value->slave);
        return failure<Terminal>(errno_text("cannot make a pipe"));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pty.value->slave, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pty.value->slave, STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&actions, commands[0], 3);
    posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
    Lines args = argv, env = environment;
    std::vector<char*> arg_pointers = pointers(args), env_pointers = pointers(env);
    pid_t pid = -1;
    const int error = ::posix_spawnp(&pid, arg_pointers[0], &actions, &attributes, arg_pointers.data(),
                                     env_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(pty.value->slave);
    ::close(commands[0]);
    if (error != 0) {
        ::close(pty.value->master);
        ::close(commands[1]);
        return failure<Terminal>("cannot run " + argv[0] + ": " + std::strerror(error));
    }
    return success(Terminal(pid, pty.value->master, commands[1]));
}

Terminal::Terminal(Terminal&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      terminal_(std::exchange(other.terminal_, -1)),
      commands_(std::exchange(other.commands_, -1)),
      printed_(std::move(other.printed_)) {}

// The shell leads its own session and process group, and a non-interactive
// shell starts its background jobs in that group: one kill reaches them all.
Terminal::~Terminal() {
    if (commands_ >= 0) ::close(commands_);
    if (pid_ > 0) {
        ::kill(-pid_, SIGKILL);
        wait_for_exit(pid_);
    }
    if (terminal_ >= 0) ::close(terminal_);
}

bool Terminal::send(std::string_view text) {
    while (!text.empty()) {
        const ssize_t put = ::write(commands_, text.data(), text.size());
        if (put > 0) text.remove_prefix(static_cast<size_t>(put));
        else if (put < 0 && errno != EINTR) return false;
    }
    return true;
}

// A read of the master side fails with EIO once no process holds the
// terminal any more: everything on it has exited.
bool Terminal::read_more(Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd readable{terminal_, POLLIN, 0};
        const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return false;
        char buffer[16384];
        const ssize_t got = ::read(terminal_, buffer, sizeof buffer);
        if (got > 0) {
            printed_.append(buffer, static_cast<size_t>(got));
            return true;
        }
        if (got < 0 && errno == EINTR) continue;
        return false;
    }
}

std::optional<size_t> Terminal::wait_for(std::string_view text, size_t from, Clock::time_point deadline) {
    for (;;) {
        if (from <= printed_.size()) {
            if (const size_t at = printed_.find(text, from); at != std::string::npos) return at;
        }
        if (!read_more(deadline)) return std::nullopt;
    }
}

std::string Terminal::take(size_t length) {
    std::string taken = printed_.substr(0, length);
    printed_.erase(0, length);
    return taken;
}

}  // namespace book
