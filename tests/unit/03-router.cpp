// The router: which handler answers, and the status when none does (RFC 9110
// §9.1 for 501, §15.5.5 for 404, §15.5.6 for 405 and Allow, §9.3.2 for HEAD).
//
// Requests are built by the parser from wire bytes, as a server builds them.
// The handlers are plain functions that do nothing, so a test can tell which
// one the router picked by comparing the function it holds.
#include <doctest/doctest.h>

#include <string>

#include "parser.hpp"
#include "router.hpp"

using namespace porter;

namespace {

void home(Request&, Response&) {}
void echo(Request&, Response&) {}
void put_thing(Request&, Response&) {}
void get_thing(Request&, Response&) {}
void first(Request&, Response&) {}
void second(Request&, Response&) {}

using Function = void (*)(Request&, Response&);

// What the router decides for `method target`: the handler it picked (or
// null), the status it answers instead, the Allow value, and the parameters.
struct Decision {
    Function handler = nullptr;
    int status = 0;
    std::string allow;
    std::vector<std::pair<std::string, std::string>> params;
};

Decision decide(const Router& router, std::string_view method, std::string_view target) {
    std::string head = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n\r\n";
    Request request;
    REQUIRE(parse_request(head, Limits{}, request).status == ParseStatus::complete);
    Router::Match match = router.find(request);
    Decision decision{nullptr, match.status, match.allow, request.params};
    if (match.handler) decision.handler = *match.handler->target<Function>();
    return decision;
}

Router demo_routes() {
    Router router;
    router.add("GET", "/", home);
    router.add("GET", "/echo/:text", echo);
    router.add("GET", "/thing", get_thing);
    router.add("PUT", "/thing", put_thing);
    return router;
}

}  // namespace

TEST_CASE("a path and method a route has reach its handler") {
    Router router = demo_routes();
    CHECK((decide(router, "GET", "/").handler == home));
    CHECK((decide(router, "GET", "/thing").handler == get_thing));
    CHECK((decide(router, "PUT", "/thing").handler == put_thing));
}

TEST_CASE("HEAD is answered by GET's handler (RFC 9110 §9.3.2)") {
    Router router = demo_routes();
    CHECK((decide(router, "HEAD", "/").handler == home));
    CHECK((decide(router, "HEAD", "/thing").handler == get_thing));
}

TEST_CASE("a :name segment matches one segment and is percent-decoded (RFC 3986 §2.1)") {
    Router router = demo_routes();
    Decision decision = decide(router, "GET", "/echo/hello%20there");
    CHECK((decision.handler == echo));
    REQUIRE(decision.params.size() == 1);
    CHECK(decision.params[0].first == "text");
    CHECK(decision.params[0].second == "hello there");
    CHECK(decide(router, "GET", "/echo/a/b").status == 404);  // two segments
    CHECK(decide(router, "GET", "/echo").status == 404);      // none
    CHECK(decide(router, "GET", "/echo/").status == 404);     // an empty one
}

TEST_CASE("a :name segment that does not decode is 400: %zz, a cut escape, %00, %2F (RFC 3986 §2.1)") {
    Router router = demo_routes();
    for (std::string_view target : {"/echo/%zz", "/echo/ab%4", "/echo/%00", "/echo/a%2Fb"}) {
        CAPTURE(target);
        Decision decision = decide(router, "GET", target);
        CHECK((decision.handler == nullptr));
        CHECK(decision.status == 400);
    }
}

TEST_CASE("a bad escape in a path no route has is still 404: the shape is matched before parameters are decoded") {
    Router router = demo_routes();
    CHECK(decide(router, "GET", "/echo/%zz/more").status == 404);
    router.add("GET", "/:a/literal", home);
    CHECK(decide(router, "GET", "/%zz/other").status == 404);
    CHECK(decide(router, "GET", "/%zz/literal").status == 400);
}

TEST_CASE("the path is matched without its query, and case-sensitively") {
    Router router = demo_routes();
    CHECK((decide(router, "GET", "/?x=1").handler == home));
    CHECK(decide(router, "GET", "/THING").status == 404);
}

TEST_CASE("a path no route has is 404 (RFC 9110 §15.5.5)") {
    Router router = demo_routes();
    for (std::string_view target : {"/nothing", "/thing/more", "/thing/", "/echo/"}) {
        CAPTURE(target);
        CHECK(decide(router, "GET", target).status == 404);
    }
}

TEST_CASE("a known path with another method is 405, and Allow lists the path's methods, HEAD with GET (RFC 9110 §15.5.6)") {
    Router router = demo_routes();
    Decision decision = decide(router, "PUT", "/");
    CHECK((decision.handler == nullptr));
    CHECK(decision.status == 405);
    CHECK(decision.allow == "GET, HEAD");
    router.add("DELETE", "/other", home);
    decision = decide(router, "DELETE", "/thing");
    CHECK(decision.status == 405);
    CHECK(decision.allow == "GET, HEAD, PUT");
}

TEST_CASE("a method no route has is 501 on any path, even a standard one (RFC 9110 §9.1, §15.6.2)") {
    Router router = demo_routes();
    for (std::string_view method : {"BREW", "POST", "DELETE", "get"}) {  // methods are case-sensitive (§9.1)
        CAPTURE(method);
        CHECK(decide(router, method, "/").status == 501);
        CHECK(decide(router, method, "/nothing").status == 501);
    }
}

TEST_CASE("routes are tried in the order they were added") {
    Router router;
    router.add("GET", "/a/:x", first);
    router.add("GET", "/a/b", second);
    CHECK((decide(router, "GET", "/a/b").handler == first));
}
