// The router's `*name`: the rest of a path, for a handler that serves a tree
// (static_files' "/files/*path").
//
// Requests are built by the parser from wire bytes, as a server builds them.
// The parameter is handed over as sent, still percent-encoded: the handler
// decodes it with the care that file names need (uri.hpp).
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "parser.hpp"
#include "router.hpp"

using namespace porter;

namespace {

void files(Request&, Response&) {}
void user_files(Request&, Response&) {}

using Function = void (*)(Request&, Response&);

struct Decision {
    Function handler = nullptr;
    int status = 0;
    std::optional<std::string> rest;  // the "path" parameter, if the router set one
};

Decision decide(const Router& router, std::string_view target) {
    std::string head = "GET " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n\r\n";
    Request request;
    REQUIRE(parse_request(head, Limits{}, request).status == ParseStatus::complete);
    Router::Match match = router.find(request);
    Decision decision{nullptr, match.status, std::nullopt};
    if (match.handler) decision.handler = *match.handler->target<Function>();
    for (const auto& [name, value] : request.params)
        if (name == "path") decision.rest = value;
    return decision;
}

Router tree_routes() {
    Router router;
    router.add("GET", "/files/*path", files);
    router.add("GET", "/users/:name/files/*path", user_files);
    return router;
}

}  // namespace

TEST_CASE("a *name takes the rest of the path, any number of segments, joined with '/' as sent") {
    Router router = tree_routes();
    struct Case {
        const char* target;
        const char* rest;
    };
    for (const Case& c : {Case{"/files/a.txt", "a.txt"},
                          Case{"/files/docs/guide/index.html", "docs/guide/index.html"},
                          Case{"/files/docs/", "docs/"},
                          Case{"/files/", ""},
                          Case{"/files", ""},
                          Case{"/files//a", "/a"},
                          Case{"/files/a.txt?download=1", "a.txt"}}) {
        CAPTURE(c.target);
        Decision decision = decide(router, c.target);
        CHECK((decision.handler == files));
        CHECK(decision.rest == c.rest);
    }
}

TEST_CASE("the rest is not decoded, nor its dot segments removed: that is the handler's work, with care") {
    Router router = tree_routes();
    // Bad escapes, %2F and %00 are not the router's to refuse here: static_files
    // refuses them, and a handler for another kind of tree may want them.
    for (std::string_view rest : {"a%20b.txt", "%2e%2e/secret", "../secret", "a%2Fb", "a%00", "%zz"}) {
        CAPTURE(rest);
        Decision decision = decide(router, "/files/" + std::string(rest));
        CHECK((decision.handler == files));
        CHECK(decision.rest == std::string(rest));
    }
}

TEST_CASE("segments before a *name match as usual: literals exactly, a :name one segment, decoded") {
    Router router = tree_routes();
    Decision decision = decide(router, "/users/ada%20l/files/notes/a.txt");
    CHECK((decision.handler == user_files));
    CHECK(decision.rest == "notes/a.txt");
    CHECK(decide(router, "/users/ada").status == 404);  // the literal "files" is missing
    CHECK(decide(router, "/filesystem/a.txt").status == 404);
    CHECK(decide(router, "/users/%zz/files/a.txt").status == 400);
}
