// Router: which handler answers a request, by method and path.
//
// Layer: core. A pattern is a path whose segments are literal, `:name` (one
// segment, percent-decoded into a parameter) or, last, `*name` (the rest of
// the path, left percent-encoded for the handler to decode with care, as
// static_files does). Routes are tried in the order they were added.
//
// When nothing matches, the answer follows RFC 9110: 501 for a method no route
// implements (§9.1), 404 for an unknown path, 405 with Allow for a known path
// and another method (§15.5.6). HEAD is answered by GET's handler (§9.3.2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "handler.hpp"
#include "request.hpp"

namespace porter {

class Router {
public:
    // Throws std::invalid_argument for a route that could not match as
    // meant (server.hpp lists the rules), naming the route and the rule.
    void add(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options = {});

    // The handler for `request`, with its parameters stored in request.params;
    // or no handler and the status to answer instead (and for 405, the Allow value).
    struct Match {
        const Handler* handler = nullptr;
        const RouteOptions* options = nullptr;  // with the handler
        int status = 0;
        std::string allow;
    };
    Match find(Request& request) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
        RouteOptions options;
    };
    bool implements(std::string_view method) const;

    std::vector<Route> routes_;
};

}  // namespace porter
