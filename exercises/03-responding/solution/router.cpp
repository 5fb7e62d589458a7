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

// #region fit
enum class Fit { matches, differs, bad_encoding };

// Does `path` fit `pattern`? The shape first, then the parameters: a path
// that no route has is a 404 however its segments are encoded, and only a
// path that fits can make a bad escape the client's mistake (400).
Fit fit(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
        std::vector<std::pair<std::string, std::string>>& params) {
    params.clear();
    if (path.size() != pattern.size()) return Fit::differs;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        bool is_param = pattern[i].starts_with(':');
        // A `:name` is one segment, never an empty one: "/echo/" is not "/echo/:text".
        if (is_param ? path[i].empty() : pattern[i] != path[i]) return Fit::differs;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (!pattern[i].starts_with(':')) continue;
        std::optional<std::string> value = percent_decode(path[i]);
        if (!value) return Fit::bad_encoding;
        params.emplace_back(pattern[i].substr(1), *value);
    }
    return Fit::matches;
}
// #endregion fit

// Adds `method` to a list of allowed methods once, and HEAD after GET, since
// GET's handler answers HEAD too (RFC 9110 §9.3.2).
void add_allowed(std::vector<std::string_view>& allowed, std::string_view method) {
    if (std::find(allowed.begin(), allowed.end(), method) == allowed.end()) allowed.push_back(method);
    if (method == "GET") add_allowed(allowed, "HEAD");
}

// The Allow value (RFC 9110 §10.2.1): the methods, comma-separated, and
// OPTIONS, which find() answers on every path a route has.
std::string allow_value(std::vector<std::string_view> allowed) {
    add_allowed(allowed, "OPTIONS");
    std::string allow;
    for (std::string_view method : allowed) allow += (allow.empty() ? "" : ", ") + std::string(method);
    return allow;
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
    std::vector<std::string> segments;
    for (std::string_view segment : split_path(pattern)) segments.emplace_back(segment);
    routes_.push_back({std::string(method), std::move(segments), std::move(handler)});
}

bool Router::implements(std::string_view method) const {
    if (method == "OPTIONS") return true;  // on every path, by find()
    for (const Route& route : routes_)
        if (route.method == method || (method == "HEAD" && route.method == "GET")) return true;
    return false;
}

// Every method some route has: what the server as a whole implements.
std::vector<std::string_view> Router::methods() const {
    std::vector<std::string_view> methods;
    for (const Route& route : routes_) add_allowed(methods, route.method);
    return methods;
}

// #region find
Router::Match Router::find(Request& request) const {
    // "*" is the server itself (RFC 9110 §9.3.7): what can it do at all?
    if (request.method == "OPTIONS" && request.target == "*") return {nullptr, 204, allow_value(methods()), ""};
    if (!implements(request.method)) return {nullptr, 501, "", ""};
    std::vector<std::string_view> path = split_path(request.path());
    std::vector<std::string_view> allowed;  // methods of the routes whose pattern fits
    for (const Route& route : routes_) {
        Fit result = fit(route.segments, path, request.params);
        if (result == Fit::bad_encoding) return {nullptr, 400, "", ""};
        if (result == Fit::differs) continue;
        bool same_method = route.method == request.method || (request.method == "HEAD" && route.method == "GET");
        if (same_method) return {&route.handler, 0, "", ""};
        add_allowed(allowed, route.method);
    }
    request.params.clear();
    if (allowed.empty()) return redirect_without_slash(request);
    // OPTIONS asks what the path allows; an application's own OPTIONS route,
    // had it one, would have been found above.
    return {nullptr, request.method == "OPTIONS" ? 204 : 405, allow_value(allowed), ""};
}
// #endregion find

// Whether some route's pattern fits `path`, whatever its method.
bool Router::serves(std::string_view path) const {
    std::vector<std::string_view> segments = split_path(path);
    std::vector<std::pair<std::string, std::string>> params;  // fit() fills them; unused here
    for (const Route& route : routes_)
        if (fit(route.segments, segments, params) == Fit::matches) return true;
    return false;
}

// #region redirect_without_slash
// "/echo/hi/" is most often "/echo/hi" with a slash added by hand or by a
// careless join: send the client there, query as sent, rather than answer 404.
// 308, not 301: the client repeats the same method (RFC 9110 §15.4.9), where
// after a 301 it may turn a POST into a GET (§15.4.2). A path whose
// slashless form no route serves either is 404.
Router::Match Router::redirect_without_slash(const Request& request) const {
    std::string_view path = request.path();
    if (path == "/" || !path.ends_with('/')) return {nullptr, 404, "", ""};
    path.remove_suffix(1);
    // "//evil.example" as a Location is a network-path reference (RFC 3986
    // §4.2), another host; browsers read "/\evil.example" the same way. A
    // route like "/:a/:b" would make us an open redirect to it.
    if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return {nullptr, 404, "", ""};
    if (!serves(path)) return {nullptr, 404, "", ""};
    std::string location(path);
    std::size_t question_mark = request.target.find('?');
    if (question_mark != std::string_view::npos) location += request.target.substr(question_mark);
    return {nullptr, 308, "", location};
}
// #endregion redirect_without_slash

}  // namespace porter
