// Request: the lookups a handler makes on a parsed request.
//
// Layer: core; no system calls. Every view returned points
// into the same bytes as the Request's own views (the connection's input
// buffer) or into its params, and is valid as long as they are; only the
// query's decoding allocates, and its results are the caller's own.
#include "request.hpp"

#include "grammar.hpp"

namespace porter {

// The first, not a combination: for list-valued fields, which may be sent as
// several lines (RFC 9110 §5.3), the callers in semantics.cpp read them all.
std::optional<std::string_view> Request::field(std::string_view name) const {
    for (const Field& f : fields)
        if (equals_ignoring_case(f.name, name)) return f.value;
    return std::nullopt;
}

// origin-form is absolute-path [ "?" query ] (RFC 9112 §3.2.1). A fragment
// ("#top") is the client's own and is never sent; a '#' that arrives anyway
// stays part of the path, and matches no route.
// The absolute form, "http://host/path?query", is what a request to a proxy
// looks like, and a server must accept it too (RFC 9112 §3.2.2); its path
// starts after the authority.
std::string_view Request::path() const {
    std::string_view path = target.substr(0, target.find('?'));
    if (path.starts_with('/') || path == "*") return path;
    std::size_t authority = path.find("://");
    if (authority == std::string_view::npos) return path;
    std::size_t slash = path.find('/', authority + 3);
    return slash == std::string_view::npos ? "/" : path.substr(slash);
}

std::string_view Request::query() const {
    std::size_t question_mark = target.find('?');
    return question_mark == std::string_view::npos ? std::string_view() : target.substr(question_mark + 1);
}

std::optional<Form> Request::query_form() const { return decode_form(query()); }

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::optional<Form> form = query_form();
    if (!form) throw BadRequest("the query has an escape that is cut short or not hex");
    std::optional<std::string_view> value = form->get(name);
    if (!value) return std::nullopt;
    return std::string(*value);
}

// Route parameter names come from the application's own route, so they
// compare exactly.
std::string_view Request::param(std::string_view name) const {
    for (const auto& [key, value] : params)
        if (key == name) return value;
    return {};
}

}  // namespace porter
