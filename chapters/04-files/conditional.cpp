// Conditional requests: how to answer for one version of a file.
//
// Layer: core; no system calls, no clock: `now` comes in.
//
// Not yet: ETag, If-None-Match, Range — chapter 08.
#include "conditional.hpp"

#include <algorithm>

#include "date.hpp"

namespace porter {

namespace chrono = std::chrono;

namespace {

// The validators of one file version, as this response sends them.
struct Validators {
    // Whole seconds, as sent; never after now, for §8.8.2.1 forbids a
    // Last-Modified later than Date (an mtime in the future becomes now).
    chrono::sys_seconds last_modified;
};

Validators validators_of(const FileVersion& file, chrono::system_clock::time_point now) {
    Validators current;
    current.last_modified = chrono::floor<chrono::seconds>(std::min(file.modified, now));
    return current;
}

std::optional<chrono::system_clock::time_point> date_field(const std::optional<std::string>& value,
                                                           chrono::system_clock::time_point now) {
    if (!value) return std::nullopt;
    return parse_http_date(*value, now);
}

// #region preconditions
// §13.2.2 steps 3 and 4: the status that ends the request here (304), or
// nullopt to go on. If-Modified-Since is read only on GET and HEAD, and a
// date that does not parse is ignored (§13.1.3). Last-Modified has whole
// seconds, so a file written twice within one second looks unchanged to a
// client that fetched it in between: a validator finer than a date is
// chapter 08's ETag.
std::optional<int> check_preconditions(const Conditions& request, const Validators& current,
                                       chrono::system_clock::time_point now) {
    bool is_get_or_head = request.method == "GET" || request.method == "HEAD";
    // 3. If-None-Match (§13.1.2). This stage sends no ETag, so only "*" (any
    // current version: the file exists) can match. Present, it replaces
    // If-Modified-Since, which a server MUST then ignore (§13.1.3).
    if (request.if_none_match) {
        if (*request.if_none_match != "*") return std::nullopt;
        return is_get_or_head ? 304 : 412;
    }
    if (auto date = date_field(request.if_modified_since, now); date && is_get_or_head) {  // 4. (§13.1.3)
        if (current.last_modified <= *date) return 304;
    }
    return std::nullopt;
}
// #endregion preconditions

}  // namespace

// #region decide_answer
FileAnswer decide_answer(const Conditions& request, const FileVersion& file, chrono::system_clock::time_point now) {
    Validators current = validators_of(file, now);
    // 304 may carry Last-Modified (§15.4.5): a cache refreshes its stored
    // fields from it (RFC 9111 §4.3.4). 200 carries it too:
    // an origin server SHOULD send it (§8.8.2.1).
    FileAnswer answer{200, 0, file.size, {{"Last-Modified", format_http_date(current.last_modified)}}};
    if (auto status = check_preconditions(request, current, now)) return {*status, 0, 0, std::move(answer.fields)};
    return answer;
}
// #endregion decide_answer

}  // namespace porter
