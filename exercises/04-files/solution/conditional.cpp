// Conditional requests: how to answer for one version of a file.
//
// Layer: core; no system calls, no clock: `now` comes in.
//
// Not yet: If-Match, If-Unmodified-Since, Range — chapter 08.
#include "conditional.hpp"

#include <algorithm>
#include <charconv>

#include "date.hpp"

namespace porter {

namespace chrono = std::chrono;

namespace {

// etagc = %x21 / %x23-7E / obs-text (§8.8.3): visible bytes but DQUOTE, and 0x80-0xFF.
bool is_etagc(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte == 0x21 || (byte >= 0x23 && byte != 0x7f);
}

// Takes one entity-tag, [ "W/" ] DQUOTE *etagc DQUOTE, off the front of
// `rest` and returns its opaque-tag, quotes included, without the W/: the
// weak comparison that If-None-Match uses (§13.1.2) looks at nothing else
// (§8.8.3.2). nullopt when `rest` does not start with one.
std::optional<std::string_view> take_opaque_tag(std::string_view& rest) {
    if (rest.starts_with("W/")) rest.remove_prefix(2);  // case-sensitive: %s"W/"
    if (!rest.starts_with('"')) return std::nullopt;
    std::size_t end = 1;
    while (end < rest.size() && is_etagc(rest[end])) ++end;
    if (end == rest.size() || rest[end] != '"') return std::nullopt;
    std::string_view opaque = rest.substr(0, end + 1);
    rest.remove_prefix(end + 1);
    return opaque;
}

// If-None-Match = "*" / #entity-tag (§13.1.2): whether it names the version
// we have. "*" names any. A list that does not parse names nothing: a wrong
// 200 costs the client a download, a wrong 304 leaves it a stale copy.
bool none_match_names(std::string_view list, std::string_view current) {
    if (list == "*") return true;
    bool matched = false;
    for (;;) {
        // Empty list elements, ", ,", are allowed and skipped (§5.6.1.2).
        while (!list.empty() && (list.front() == ',' || list.front() == ' ' || list.front() == '\t'))
            list.remove_prefix(1);
        if (list.empty()) return matched;
        auto opaque = take_opaque_tag(list);
        if (!opaque) return false;
        matched = matched || *opaque == current;
        while (!list.empty() && (list.front() == ' ' || list.front() == '\t')) list.remove_prefix(1);
        if (!list.empty() && list.front() != ',') return false;
    }
}

// The validators of one file version, as this response sends them.
struct Validators {
    // "<size>-<mtime>", both in hex, mtime in nanoseconds since 1970, and the
    // coding after a third '-' for a precompressed variant. It validates
    // (size, mtime), not the bytes: a rewrite that keeps both (same length,
    // and the timestamp set back by touch -d or cp -p) keeps the tag; hashing
    // the content would close that hole at the price of reading every file.
    // Apache and nginx make the same trade.
    // Sent strong, though two writes within one tick of the file system's
    // clock can leave size and mtime alike: If-None-Match compares weakly
    // anyway. Chapter 08, where If-Range compares strongly, sends W/ for a
    // file changed in the last second.
    std::string etag;
    // Whole seconds, as sent; never after now, for §8.8.2.1 forbids a
    // Last-Modified later than Date (an mtime in the future becomes now).
    chrono::sys_seconds last_modified;
};

void append_hex(std::string& out, std::uint64_t value) {
    char digits[16];
    auto end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
    out.append(digits, end);
}

Validators validators_of(const FileVersion& file, chrono::system_clock::time_point now) {
    Validators current;
    current.etag = "\"";
    append_hex(current.etag, file.size);
    current.etag += '-';
    auto nanoseconds = chrono::duration_cast<chrono::nanoseconds>(file.modified.time_since_epoch()).count();
    append_hex(current.etag, static_cast<std::uint64_t>(nanoseconds));  // before 1970 wraps: still unique
    if (!file.coding.empty()) current.etag += "-" + std::string(file.coding);
    current.etag += '"';
    current.last_modified = chrono::floor<chrono::seconds>(std::min(file.modified, now));
    return current;
}

std::optional<chrono::system_clock::time_point> date_field(const std::optional<std::string>& value,
                                                           chrono::system_clock::time_point now) {
    if (!value) return std::nullopt;
    return parse_http_date(*value, now);
}

// §13.2.2 steps 3 and 4, the ones this stage takes: the status that ends the
// request here (304), or nullopt to go on. If-None-Match, when sent, decides
// alone: a tag tells versions apart to the nanosecond, a date only to the
// second, and a client that sends both trusts the tag (§13.1.3: a recipient
// MUST ignore If-Modified-Since when If-None-Match is present). On any method
// but GET and HEAD, a match would be 412, but static_files answers those 405
// first. A date that does not parse is ignored (§13.1.3).
std::optional<int> check_preconditions(const Conditions& request, const Validators& current,
                                       chrono::system_clock::time_point now) {
    bool is_get_or_head = request.method == "GET" || request.method == "HEAD";
    if (request.if_none_match) {  // 3. weak comparison (§13.1.2)
        if (is_get_or_head && none_match_names(*request.if_none_match, current.etag)) return 304;
    } else if (auto date = date_field(request.if_modified_since, now); date && is_get_or_head) {  // 4. (§13.1.3)
        if (current.last_modified <= *date) return 304;
    }
    return std::nullopt;
}

}  // namespace

FileAnswer decide_answer(const Conditions& request, const FileVersion& file, chrono::system_clock::time_point now) {
    Validators current = validators_of(file, now);
    // 304 carries ETag and Last-Modified (§15.4.5): a cache refreshes its
    // stored fields from them (RFC 9111 §4.3.4). 200 carries them too:
    // an origin server SHOULD send its validators (§8.8.2.1, §8.8.3.1).
    FileAnswer answer{200, 0, file.size,
                      {{"ETag", current.etag}, {"Last-Modified", format_http_date(current.last_modified)}}};
    if (auto status = check_preconditions(request, current, now)) return {*status, 0, 0, std::move(answer.fields)};
    return answer;
}

}  // namespace porter
