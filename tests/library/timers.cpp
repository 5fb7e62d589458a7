// Timers on the loop: after() once, every() until cancelled, on the thread
// that drives the loop, kept in the connections' deadline index.
#include <stdexcept>
#include <thread>
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

TEST_CASE("after() runs its task once, on the loop thread, and in deadline order") {
    Server server({.listen = {.port = 0}});
    std::vector<int> fired;
    std::thread::id ran_on;
    server.after(40ms, [&] { fired.push_back(2); });
    server.after(10ms, [&] {
        fired.push_back(1);
        ran_on = std::this_thread::get_id();
    });
    REQUIRE(serve_until(server, [&] { return fired.size() == 2; }));
    CHECK(fired == std::vector<int>{1, 2});
    CHECK(ran_on == std::this_thread::get_id());
    serve_for(server, 50ms);
    CHECK(fired.size() == 2);  // once each
}

TEST_CASE("poll() sleeps no longer than the next timer: a timer alone wakes the loop") {
    Server server({.listen = {.port = 0}});
    bool fired = false;
    server.after(20ms, [&] { fired = true; });
    REQUIRE(server.next_timeout().has_value());
    CHECK(*server.next_timeout() <= 20ms);
    Deadline deadline = deadline_after();
    while (!fired && std::chrono::steady_clock::now() < deadline) server.poll(Duration(-1));  // forever, but for the timer
    CHECK(fired);
}

TEST_CASE("every() repeats until cancelled, also from inside its own task") {
    Server server({.listen = {.port = 0}});
    int ticks = 0;
    Server::TimerId timer = 0;
    timer = server.every(5ms, [&] {
        if (++ticks == 3) CHECK(server.cancel(timer));
    });
    REQUIRE(serve_until(server, [&] { return ticks == 3; }));
    serve_for(server, 30ms);
    CHECK(ticks == 3);
    CHECK_FALSE(server.cancel(timer));  // over already
    CHECK_THROWS_AS(server.every(Duration(0), [] {}), std::invalid_argument);
}

TEST_CASE("a cancelled timer never runs") {
    Server server({.listen = {.port = 0}});
    bool fired = false, later = false;
    Server::TimerId timer = server.after(10ms, [&] { fired = true; });
    server.after(30ms, [&] { later = true; });
    CHECK(server.cancel(timer));
    CHECK_FALSE(server.cancel(timer));  // once
    REQUIRE(serve_until(server, [&] { return later; }));
    CHECK_FALSE(fired);
}

TEST_CASE("a timer's task that throws goes to on_error, and a repeating timer ends with it") {
    std::vector<std::string> heard;
    Server server({.listen = {.port = 0}, .on_error = [&](const ApplicationError& error) {
                       try {
                           std::rethrow_exception(error.error);
                       } catch (const std::exception& e) {
                           heard.push_back(e.what());
                       }
                   }});
    int runs = 0;
    Server::TimerId timer = server.every(5ms, [&] {
        ++runs;
        throw std::runtime_error("tick failed");
    });
    REQUIRE(serve_until(server, [&] { return !heard.empty(); }));
    serve_for(server, 30ms);
    CHECK(runs == 1);
    CHECK(heard == std::vector<std::string>{"tick failed"});
    CHECK_FALSE(server.cancel(timer));
}

TEST_CASE("timers keep nothing running: run() returns once shutdown has finished") {
    Server server({.listen = {.port = 0}});
    bool fired = false;
    server.after(std::chrono::hours(1), [&] { fired = true; });
    server.after(10ms, [&] { server.shutdown(0ms); });
    server.run();
    CHECK(server.is_stopped());
    CHECK_FALSE(fired);
}
