// Router: which handler answers a request, by method and path.
//
// Layer: core. Matching is a linear scan: a handful of routes is the common
// case, and a scan of twenty is faster than any tree for it. A server with
// hundreds of routes would want a trie keyed by segment.
#include "router.hpp"

#include <algorithm>
#include <stdexcept>

#include "grammar.hpp"
#include "uri.hpp"

namespace porter {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    if (path.starts_with('/')) path.remove_prefix(1);
    for (;;) {
        std::size_t slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) return segments;
        path.remove_prefix(slash + 1);
    }
}

enum class Fit { matches, differs, bad_encoding };

// Does `path` fit `pattern`? The shape first, then the parameters: a path
// that no route has is a 404 however its segments are encoded, and only a
// path that fits can make a bad escape the client's mistake (400).
Fit fit(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
        std::vector<std::pair<std::string, std::string>>& params) {
    params.clear();
    bool has_rest = !pattern.empty() && pattern.back().starts_with('*');
    std::size_t fixed = pattern.size() - (has_rest ? 1 : 0);  // segments before any `*name`
    if (has_rest ? path.size() < fixed : path.size() != fixed) return Fit::differs;
    for (std::size_t i = 0; i < fixed; ++i) {
        bool is_param = pattern[i].starts_with(':');
        // A `:name` is one segment, never an empty one: "/echo/" is not "/echo/:text".
        if (is_param ? path[i].empty() : pattern[i] != path[i]) return Fit::differs;
    }
    for (std::size_t i = 0; i < fixed; ++i) {
        if (!pattern[i].starts_with(':')) continue;
        std::optional<std::string> value = percent_decode(path[i]);
        if (!value) return Fit::bad_encoding;
        params.emplace_back(pattern[i].substr(1), *value);
    }
    if (has_rest) {  // the rest, as sent
        std::string rest;
        for (std::size_t j = fixed; j < path.size(); ++j) rest += (j > fixed ? "/" : "") + std::string(path[j]);
        params.emplace_back(pattern.back().substr(1), rest);
    }
    return Fit::matches;
}

[[noreturn]] void refuse_route(std::string_view method, std::string_view pattern, std::string_view why) {
    throw std::invalid_argument("porter: route " + std::string(method) + " " + std::string(pattern) + " " +
                                std::string(why));
}

// A route that could never match as its author meant is refused when it is
// added, with the reason, rather than found later as a 404 or a 501.
void check_route(std::string_view method, std::string_view pattern) {
    // Methods are case-sensitive (RFC 9110 §9.1): a route for "get" would
    // never see a browser's GET. Every registered method is upper-case.
    if (!is_token(method) || std::any_of(method.begin(), method.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        refuse_route(method, pattern, "needs a method that is an upper-case token, such as GET or POST");
    if (!pattern.starts_with('/')) refuse_route(method, pattern, "needs a pattern that starts with '/'");
    if (pattern.find_first_of("?#") != std::string_view::npos)
        refuse_route(method, pattern, "has '?' or '#' in its pattern: a route matches the path alone");
    std::vector<std::string_view> segments = split_path(pattern);
    std::vector<std::string_view> names;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        std::string_view segment = segments[i];
        bool last = i + 1 == segments.size();
        if (segment.empty() && !last) refuse_route(method, pattern, "has an empty segment ('//') in its pattern");
        if (!segment.starts_with(':') && !segment.starts_with('*')) continue;
        if (segment.starts_with('*') && !last) refuse_route(method, pattern, "has a *name that is not its last segment");
        std::string_view name = segment.substr(1);
        if (name.empty()) refuse_route(method, pattern, "has a parameter without a name");
        if (std::find(names.begin(), names.end(), name) != names.end())
            refuse_route(method, pattern, "names a parameter twice");
        names.push_back(name);
    }
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler, RouteOptions options) {
    check_route(method, pattern);
    if (!handler) refuse_route(method, pattern, "has no handler");
    std::vector<std::string> segments;
    for (std::string_view segment : split_path(pattern)) segments.emplace_back(segment);
    routes_.push_back({std::string(method), std::move(segments), std::move(handler), options});
}

bool Router::implements(std::string_view method) const {
    for (const Route& route : routes_)
        if (route.method == method || (method == "HEAD" && route.method == "GET")) return true;
    return false;
}

Router::Match Router::find(Request& request) const {
    if (!implements(request.method)) return {nullptr, nullptr, 501, ""};
    std::vector<std::string_view> path = split_path(request.path());
    std::vector<std::string_view> allowed;  // methods of the routes whose pattern fits
    for (const Route& route : routes_) {
        Fit result = fit(route.segments, path, request.params);
        if (result == Fit::bad_encoding) return {nullptr, nullptr, 400, ""};
        if (result == Fit::differs) continue;
        bool same_method = route.method == request.method || (request.method == "HEAD" && route.method == "GET");
        if (same_method) return {&route.handler, &route.options, 0, ""};
        if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) allowed.push_back(route.method);
        if (route.method == "GET" && std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end())
            allowed.push_back("HEAD");
    }
    request.params.clear();
    std::string allow;
    for (std::string_view method : allowed) allow += (allow.empty() ? "" : ", ") + std::string(method);
    return {nullptr, nullptr, allowed.empty() ? 404 : 405, allow};
}

}  // namespace porter
