// The event loop's own failures: what epoll_ctl(2) and epoll_wait(2) report
// comes back to the caller, never swallowed (event_loop.hpp).
#include <sys/eventfd.h>

#include <system_error>

#include "event_loop.hpp"
#include "support.hpp"

using namespace porter;
using namespace std::chrono_literals;

TEST_CASE("forget() of a descriptor the loop does not watch fails with ENOENT") {
    EventLoop loop;
    int pipe_ends[2];
    REQUIRE(::pipe2(pipe_ends, O_CLOEXEC) == 0);
    Fd reading(pipe_ends[0]), writing(pipe_ends[1]);
    bool forgotten = loop.forget(reading.get());
    int error = errno;
    CHECK_FALSE(forgotten);
    CHECK(error == ENOENT);
    REQUIRE(loop.watch(reading.get(), EPOLLIN, 5));
    CHECK(loop.forget(reading.get()));
}

TEST_CASE("wait() on a broken loop throws instead of returning no events as a signal would") {
    EventLoop loop;
    // Replace the epoll descriptor with one that is not epoll: epoll_wait says EINVAL.
    int not_epoll = ::eventfd(0, EFD_CLOEXEC);
    REQUIRE(not_epoll >= 0);
    REQUIRE(::dup3(not_epoll, loop.fd(), O_CLOEXEC) == loop.fd());
    ::close(not_epoll);
    CHECK_THROWS_AS(loop.wait(0ms), std::system_error);
}
