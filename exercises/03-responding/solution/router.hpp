// Router: which handler answers a request, by method and path.
//
// Layer: core. A pattern is a path whose segments are literal or `:name` (one
// segment, percent-decoded into a parameter). Routes are tried in the order
// they were added.
//
// When nothing matches, the answer follows RFC 9110: 501 for a method no route
// implements (§9.1), 404 for an unknown path, 405 with Allow for a known path
// and another method (§15.5.6). HEAD is answered by GET's handler (§9.3.2).
// OPTIONS is answered by the router itself, for every path a route has and
// for the server as a whole (`OPTIONS *`): 204 with Allow (§9.3.7). A path
// that a route serves only without its trailing '/' is redirected there: 308
// with Location (§15.4.9).
//
// Not yet: `*name`, a pattern for the rest of a path — chapter 04.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "request.hpp"
#include "response.hpp"

namespace porter {

using Handler = std::function<void(Request&, Response&)>;

class Router {
public:
    void add(std::string_view method, std::string_view pattern, Handler handler);

    // The handler for `request`, with its parameters stored in request.params;
    // or no handler and the status to answer instead, with the fields it needs.
    struct Match {
        const Handler* handler = nullptr;
        int status = 0;
        std::string allow;     // 405, and 204 to OPTIONS: the Allow value (RFC 9110 §10.2.1)
        std::string location;  // 308: the Location value (RFC 9110 §10.2.2)
    };
    Match find(Request& request) const;

private:
    struct Route {
        std::string method;
        std::vector<std::string> segments;
        Handler handler;
    };
    bool implements(std::string_view method) const;
    std::vector<std::string_view> methods() const;
    bool serves(std::string_view path) const;
    Match redirect_without_slash(const Request& request) const;

    std::vector<Route> routes_;
};

}  // namespace porter
