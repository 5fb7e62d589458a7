// stop_on_signals, in a child process: signals belong to a whole process, and
// the test runner must neither block them nor take them. Each test forks a
// server, talks to it through loopback, signals it and waits for its exit.
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

#ifdef PORTER_COVERAGE
extern "C" void __gcov_dump(void);  // libgcov's
#endif

namespace {

// Under make coverage, gcov's counters are written at exit(3), which a child
// skips (_exit, so as not to run the test runner's own exit code): it writes
// them itself.
void write_coverage() {
#ifdef PORTER_COVERAGE
    __gcov_dump();
#endif
}

// The child's exit statuses.
constexpr int stopped = 0;            // run() returned, is_stopped()
constexpr int still_blocked = 3;      // the Server is gone and the signals are still blocked
constexpr int failed_to_start = 4;

// Waits up to `patience` for one byte on `fd`.
bool read_byte(int fd, char& byte) {
    pollfd waiting{.fd = fd, .events = POLLIN, .revents = 0};
    return ::poll(&waiting, 1, static_cast<int>(patience.count())) == 1 && ::read(fd, &byte, 1) == 1;
}

// A server in a child process: GET /slow is answered `answer_after` from
// when it arrives, and says so through `told` as it arrives.
struct Child {
    pid_t pid = -1;
    std::uint16_t port = 0;
    Fd told;  // a byte per request that reached the handler

    Child(Duration grace, Duration answer_after) {
        int port_pipe[2], told_pipe[2];
        REQUIRE(::pipe(port_pipe) == 0);
        REQUIRE(::pipe(told_pipe) == 0);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(port_pipe[0]);
            ::close(told_pipe[0]);
            int status = serve(port_pipe[1], told_pipe[1], grace, answer_after);
            write_coverage();
            ::_exit(status);
        }
        ::close(port_pipe[1]);
        ::close(told_pipe[1]);
        told = Fd(told_pipe[0]);
        Fd from_child(port_pipe[0]);
        pollfd waiting{.fd = from_child.get(), .events = POLLIN, .revents = 0};
        REQUIRE(::poll(&waiting, 1, static_cast<int>(patience.count())) == 1);
        REQUIRE(::read(from_child.get(), &port, sizeof port) == sizeof port);
    }

    ~Child() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }

    // The exit status, or -1 if it had not exited within `patience` (then it is killed).
    int wait_for_exit() {
        for (Deadline deadline = deadline_after(); std::chrono::steady_clock::now() < deadline;) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            ::usleep(5000);
        }
        return -1;
    }

    static int serve(int port_fd, int told_fd, Duration grace, Duration answer_after) {
        int status = failed_to_start;
        try {
            Server server({.listen = {.port = 0}});
            server.route("GET", "/slow", [&server, told_fd, answer_after](Request&, Response& res) {
                server.after(answer_after, [kept = res.defer()]() mutable { kept.text(200, "slow\n"); });
                char byte = 1;
                (void)!::write(told_fd, &byte, 1);
            });
            server.stop_on_signals(grace);
            std::uint16_t port = server.port();
            if (::write(port_fd, &port, sizeof port) != sizeof port) return failed_to_start;
            server.run();
            status = server.is_stopped() ? stopped : failed_to_start;
        } catch (...) {
            return failed_to_start;
        }
        sigset_t mask;
        ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
        if (sigismember(&mask, SIGTERM) || sigismember(&mask, SIGINT)) return still_blocked;
        return status;
    }
};

}  // namespace

TEST_CASE("SIGTERM stops the server gracefully: the request in flight is answered, with Connection: close") {
    Child child(std::chrono::seconds(5), 200ms);
    test::Client client(child.port);
    REQUIRE(client.send(request("GET", "/slow")));
    char byte = 0;
    REQUIRE(read_byte(child.told.get(), byte));  // in the handler: in flight
    REQUIRE(::kill(child.pid, SIGTERM) == 0);
    test::Response answer = client.read_response();
    REQUIRE(answer.well_formed);
    CHECK(answer.status == 200);
    CHECK(answer.body == "slow\n");
    CHECK(answer.field("Connection") == "close");
    CHECK(child.wait_for_exit() == stopped);  // and the thread's signal mask is as it was
    CHECK(connect_error(child.port) == ECONNREFUSED);  // nothing listens any more
}

TEST_CASE("a second stop signal closes what is left at once, not at the end of the grace") {
    Child child(std::chrono::hours(1), std::chrono::hours(1));
    test::Client client(child.port);
    REQUIRE(client.send(request("GET", "/slow")));
    char byte = 0;
    REQUIRE(read_byte(child.told.get(), byte));
    REQUIRE(::kill(child.pid, SIGINT) == 0);
    REQUIRE(::kill(child.pid, SIGTERM) == 0);
    CHECK(child.wait_for_exit() == stopped);  // within patience, an hour early
    CHECK(client.read_until_close() == "");   // cut, never answered
}

TEST_CASE("one stop signal waits for the grace") {
    Child child(300ms, std::chrono::hours(1));
    test::Client client(child.port);
    REQUIRE(client.send(request("GET", "/slow")));
    char byte = 0;
    REQUIRE(read_byte(child.told.get(), byte));
    auto signalled = std::chrono::steady_clock::now();
    REQUIRE(::kill(child.pid, SIGTERM) == 0);
    CHECK(client.read_until_close() == "");
    CHECK(std::chrono::steady_clock::now() - signalled >= 300ms);  // an ordering, not a speed: the grace was waited out
    CHECK(child.wait_for_exit() == stopped);
}

TEST_CASE("stop_on_signals out of descriptors throws std::system_error and leaves the signal mask as it was") {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int status = 1;
        {
            Server server({.listen = {.port = 0}});
            // Every descriptor the limit allows, taken: signalfd(2) gets EMFILE.
            rlimit before{};
            ::getrlimit(RLIMIT_NOFILE, &before);
            rlimit low = before;
            low.rlim_cur = 64;
            ::setrlimit(RLIMIT_NOFILE, &low);
            std::vector<int> taken;
            taken.reserve(64);
            for (int fd; (fd = ::dup(0)) >= 0;) taken.push_back(fd);
            try {
                server.stop_on_signals();
            } catch (const std::system_error& e) {
                sigset_t mask;
                ::pthread_sigmask(SIG_SETMASK, nullptr, &mask);
                bool restored = !sigismember(&mask, SIGTERM) && !sigismember(&mask, SIGINT);
                status = e.code().value() == EMFILE && restored ? 0 : 2;
            }
            for (int fd : taken) ::close(fd);
            ::setrlimit(RLIMIT_NOFILE, &before);  // room again for gcov's files
        }
        write_coverage();
        ::_exit(status);
    }
    int status = -1;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
