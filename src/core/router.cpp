// Router: which handler answers a request, by method and path.
//
// Layer: core. Matching is a linear scan: a handful of routes is the common
// case, and a scan of twenty is faster than any tree for it. A server with
// hundreds of routes would want a trie keyed by segment.
#include "router.hpp"

#include <algorithm>

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

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
    std::vector<std::string> segments;
    for (std::string_view segment : split_path(pattern)) segments.emplace_back(segment);
    routes_.push_back({std::string(method), std::move(segments), std::move(handler)});
}

bool Router::implements(std::string_view method) const {
    for (const Route& route : routes_)
        if (route.method == method || (method == "HEAD" && route.method == "GET")) return true;
    return false;
}

Router::Match Router::find(Request& request) const {
    if (!implements(request.method)) return {nullptr, 501, ""};
    std::vector<std::string_view> path = split_path(request.path());
    std::vector<std::string_view> allowed;  // methods of the routes whose pattern fits
    for (const Route& route : routes_) {
        Fit result = fit(route.segments, path, request.params);
        if (result == Fit::bad_encoding) return {nullptr, 400, ""};
        if (result == Fit::differs) continue;
        bool same_method = route.method == request.method || (request.method == "HEAD" && route.method == "GET");
        if (same_method) return {&route.handler, 0, ""};
        if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) allowed.push_back(route.method);
        if (route.method == "GET" && std::find(allowed.begin(), allowed.end(), "HEAD") == allowed.end())
            allowed.push_back("HEAD");
    }
    request.params.clear();
    std::string allow;
    for (std::string_view method : allowed) allow += (allow.empty() ? "" : ", ") + std::string(method);
    return {nullptr, allowed.empty() ? 404 : 405, allow};
}

}  // namespace porter
