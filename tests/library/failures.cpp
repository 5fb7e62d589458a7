// The application's failures, through real sockets: none is lost, each has
// an answer at once, and the on_error hook hears of every one with the
// request it failed. The server's own answers can be the application's words.
#include <stdexcept>
#include <vector>

#include "support.hpp"

using namespace porter;
using namespace porter::library_test;

namespace {

struct Heard {
    std::string method;
    std::string target;
    std::uint64_t connection;
    std::string what;
};

std::string what_of(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "?";
    }
}

auto hear_in(std::vector<Heard>& heard) {
    return [&heard](const ApplicationError& error) {
        heard.push_back({std::string(error.method), std::string(error.target), error.connection, what_of(error.error)});
    };
}

}  // namespace

TEST_CASE("a handler's exception reaches on_error with its request, and the client still gets 500") {
    std::vector<Heard> heard;
    Server server({.listen = {.port = 0}, .on_error = hear_in(heard)});
    server.route("GET", "/broken", [](Request&, Response&) { throw std::runtime_error("out of cheese"); });
    std::optional<test::Response> answer = ask(server, "GET", "/broken?x=1");
    REQUIRE(answer);
    CHECK(answer->status == 500);
    REQUIRE(heard.size() == 1);
    CHECK(heard[0].method == "GET");
    CHECK(heard[0].target == "/broken?x=1");
    CHECK(heard[0].what == "out of cheese");
    CHECK(heard[0].connection != 0);
}

TEST_CASE("a handler that answers, then throws: the client keeps its answer, and on_error still hears of it") {
    std::vector<Heard> heard;
    Server server({.listen = {.port = 0}, .on_error = hear_in(heard)});
    server.route("GET", "/late", [](Request&, Response& res) {
        res.text(200, "answered\n");
        throw std::runtime_error("then broke");
    });
    std::optional<test::Response> answer = ask(server, "GET", "/late");
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body == "answered\n");
    REQUIRE(heard.size() == 1);
    CHECK(heard[0].target == "/late");
    CHECK(heard[0].what == "then broke");
}

TEST_CASE("a worker that drops its deferred response unanswered: 500 at once, not a client left hanging") {
    std::vector<Heard> heard;
    Server server({.listen = {.port = 0}, .on_error = hear_in(heard)});
    std::vector<std::jthread> workers;
    server.route("GET", "/lost", [&](Request&, Response& res) {
        workers.emplace_back([later = res.defer()] {});  // forgets to answer; its handle dies on its thread
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/lost")));
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->status == 500);
    REQUIRE(heard.size() == 1);
    CHECK(heard[0].target == "/lost");
    CHECK(heard[0].what == "the response was dropped unanswered");
}

TEST_CASE("a posted task that throws holding a response: 500 for it, and on_error gets the task's exception") {
    std::vector<Heard> heard;
    Server server({.listen = {.port = 0}, .on_error = hear_in(heard)});
    server.route("GET", "/task", [&](Request&, Response& res) {
        server.post([later = res.defer()] { throw std::runtime_error("the task failed"); });
    });
    bool ran_after = false;
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/task")));
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->status == 500);
    REQUIRE(heard.size() == 1);
    CHECK(heard[0].target == "/task");
    CHECK(heard[0].what == "the task failed");  // the cause, not only "dropped"
    server.post([&] { ran_after = true; });
    CHECK(serve_until(server, [&] { return ran_after; }));  // the loop goes on
}

TEST_CASE("a posted task that throws holding nothing: on_error gets it with no request") {
    std::vector<Heard> heard;
    Server server({.listen = {.port = 0}, .on_error = hear_in(heard)});
    server.post([] { throw std::runtime_error("no request here"); });
    REQUIRE(serve_until(server, [&] { return !heard.empty(); }));
    CHECK(heard[0].method.empty());
    CHECK(heard[0].connection == 0);
    CHECK(heard[0].what == "no request here");
}

TEST_CASE("without on_error, a posted task's exception comes out of poll(), and the response it held is answered 500") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/task", [&](Request&, Response& res) {
        server.post([later = res.defer()] { throw std::runtime_error("the task failed"); });
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/task")));
    bool thrown = false;
    Deadline deadline = deadline_after();
    while (!thrown && std::chrono::steady_clock::now() < deadline) {
        try {
            server.poll(10ms);
        } catch (const std::runtime_error&) {
            thrown = true;
        }
    }
    CHECK(thrown);
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->status == 500);
}

TEST_CASE("handler_timeout: 503 to the client, on_close for the work, on_error told") {
    std::vector<Heard> heard;
    Server server({.listen = {.port = 0}, .connection = {.handler_timeout = 50ms}, .on_error = hear_in(heard)});
    std::optional<Response> kept;
    bool stopped = false;
    server.route("GET", "/never", [&](Request&, Response& res) {
        kept = res.defer();
        kept->on_close([&] { stopped = true; });
    });
    std::optional<test::Response> answer = ask(server, "GET", "/never");
    REQUIRE(answer);
    CHECK(answer->status == 503);
    CHECK(stopped);
    CHECK(kept->is_finished());
    REQUIRE(heard.size() == 1);
    CHECK(heard[0].what == "handler_timeout passed with no answer");
}

TEST_CASE("a client that half-closes while its answer is made: on_close says so, and the answer still reaches it") {
    Server server({.listen = {.port = 0}});
    std::optional<Response> kept;
    bool heard_fin = false;
    server.route("GET", "/slow", [&](Request&, Response& res) {
        kept = res.defer();
        kept->on_close([&] { heard_fin = true; });
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/slow")));
    REQUIRE(serve_until(server, [&] { return kept.has_value(); }));
    peer.finish_sending();  // shutdown(SHUT_WR): a FIN, and still reading
    REQUIRE(serve_until(server, [&] { return heard_fin; }));
    CHECK(kept->client_gone());
    CHECK(kept->text(200, "here it is\n"));
    std::optional<test::Response> answer = peer.await_response(server);
    REQUIRE(answer);
    CHECK(answer->body == "here it is\n");
    CHECK(peer.await_close(server));
}

TEST_CASE("error_answer shapes the server's own answers; status, Allow and closing stay the server's") {
    Server server({.listen = {.port = 0}, .error_answer = [](int status, const Request&) {
                       return ErrorAnswer{"{\"error\":" + std::to_string(status) + "}", "application/json"};
                   }});
    server.route("GET", "/thing", [](Request&, Response& res) { res.text(200, "thing\n"); });
    server.route("POST", "/other", [](Request&, Response& res) { res.text(200, "other\n"); });
    std::optional<test::Response> missing = ask(server, "GET", "/nothing");  // a custom 404, no catch-all route
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(missing->field("Content-Type") == "application/json");
    CHECK(missing->body == "{\"error\":404}");
    std::optional<test::Response> wrong = ask(server, "POST", "/thing");
    REQUIRE(wrong);
    CHECK(wrong->status == 405);  // still a 405, unlike with a catch-all route
    CHECK(wrong->field("Allow") == "GET, HEAD");
    CHECK(wrong->body == "{\"error\":405}");
    std::optional<test::Response> unknown = ask(server, "BREW", "/thing");
    REQUIRE(unknown);
    CHECK(unknown->status == 501);
    CHECK(unknown->body == "{\"error\":501}");
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send("GET / HTTP/1.1\r\n\r\n"));  // no Host: 400
    std::optional<test::Response> bad = peer.await_response(server);
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(bad->body == "{\"error\":400}");
    CHECK(peer.await_close(server));
}

TEST_CASE("an error_answer that throws, or gives a content type with CR LF, gets the server's own words") {
    Server server({.listen = {.port = 0}, .error_answer = [](int status, const Request&) -> ErrorAnswer {
                       if (status == 404) throw std::runtime_error("no page");
                       return {"x", "text/plain\r\nSet-Cookie: stolen=1"};
                   }});
    server.route("GET", "/thing", [](Request&, Response& res) { res.text(200, "thing\n"); });
    server.route("POST", "/other", [](Request&, Response& res) { res.text(200, "other\n"); });
    std::optional<test::Response> missing = ask(server, "GET", "/nothing");
    REQUIRE(missing);
    CHECK(missing->body == "Not Found\n");
    std::optional<test::Response> wrong = ask(server, "POST", "/thing");
    REQUIRE(wrong);
    CHECK(wrong->body == "Method Not Allowed\n");
    CHECK_FALSE(wrong->field("Set-Cookie"));
}

TEST_CASE("a request knows its client's address and its connection's id") {
    Server server({.listen = {.port = 0}});
    std::string peer_seen;
    std::uint64_t id_seen = 0;
    std::vector<ConnectionInfo> open;
    server.route("GET", "/who", [&](Request& req, Response& res) {
        peer_seen = std::string(req.peer);
        id_seen = req.connection_id;
        open = server.connections();
        res.text(200, "you\n");
    });
    Peer peer = Peer::tcp(server.port());
    REQUIRE(peer.send(request("GET", "/who")));
    REQUIRE(peer.await_response(server));
    CHECK(peer_seen == peer.local_name());
    REQUIRE(open.size() == 1);
    CHECK(id_seen == open[0].id);
}

TEST_CASE("route() once the server has begun serving is refused with a clear exception") {
    Server server({.listen = {.port = 0}});
    server.route("GET", "/", [](Request&, Response& res) { res.text(200, "ok\n"); });
    server.poll(0ms);
    CHECK_THROWS_AS(server.route("GET", "/late", [](Request&, Response&) {}), std::logic_error);
    std::optional<test::Response> answer = ask(server, "GET", "/");
    REQUIRE(answer);
    CHECK(answer->status == 200);
}
