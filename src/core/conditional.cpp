// Conditional and range requests: how to answer for one version of a file.
//
// Layer: core; no system calls, no clock: `now` comes in.
#include "conditional.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "date.hpp"
#include "grammar.hpp"
#include "request.hpp"

namespace porter {

namespace chrono = std::chrono;

namespace {

// An entity-tag (§8.8.3): [ "W/" ] DQUOTE *etagc DQUOTE.
struct EntityTag {
    bool is_weak = false;
    std::string_view opaque;  // with its quotes
};

// etagc = %x21 / %x23-7E / obs-text: visible bytes but DQUOTE, and 0x80-0xFF.
bool is_etagc(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte == 0x21 || (byte >= 0x23 && byte != 0x7f);
}

std::optional<EntityTag> take_entity_tag(std::string_view& rest) {
    EntityTag tag;
    if (rest.starts_with("W/")) {  // case-sensitive: %s"W/"
        tag.is_weak = true;
        rest.remove_prefix(2);
    }
    if (!rest.starts_with('"')) return std::nullopt;
    std::size_t end = 1;
    while (end < rest.size() && is_etagc(rest[end])) ++end;
    if (end == rest.size() || rest[end] != '"') return std::nullopt;
    tag.opaque = rest.substr(0, end + 1);
    rest.remove_prefix(end + 1);
    return tag;
}

// §8.8.3.2: strong needs both tags strong and equal; weak ignores the W/.
enum class Comparison { strong, weak };

bool tags_match(EntityTag a, EntityTag b, Comparison how) {
    if (how == Comparison::strong && (a.is_weak || b.is_weak)) return false;
    return a.opaque == b.opaque;
}

void skip_whitespace(std::string_view& rest) { rest.remove_prefix(whitespace_length(rest)); }

// If-Match and If-None-Match = "*" / #entity-tag (§13.1.1, §13.1.2). "*"
// matches whatever we have. A list that does not parse matches nothing: then
// If-None-Match can never cause a wrong 304, and If-Match fails safe, 412.
bool list_matches(std::string_view list, EntityTag current, Comparison how) {
    if (list == "*") return true;
    bool matched = false;
    for (;;) {
        // Empty list elements, ", ,", are allowed and skipped (§5.6.1.2).
        while (!list.empty() && (list.front() == ',' || is_whitespace(list.front()))) list.remove_prefix(1);
        if (list.empty()) return matched;
        auto tag = take_entity_tag(list);
        if (!tag) return false;
        matched = matched || tags_match(*tag, current, how);
        skip_whitespace(list);
        if (!list.empty() && list.front() != ',') return false;
    }
}

// The validators of one file version, as this response sends them.
struct Validators {
    // "<size>-<mtime>", both in hex, mtime in nanoseconds since 1970. It
    // validates (size, mtime), not the bytes: a rewrite that keeps both (same
    // length, and the timestamp set back by touch -d, cp -p, rsync -t or tar)
    // keeps the tag. Hashing the content would close that hole at the price of
    // reading every file, or caching hashes. Apache and nginx make the same trade.
    std::string opaque;
    // Strong (§8.8.3) once the file is settled: modified at least a second
    // before now. Strong, because If-Range compares strongly (§13.1.5), and a
    // weak tag could never resume a download. But file systems stamp mtime
    // from a coarse clock, so two writes within one tick can leave size and
    // mtime alike: a file changed in the last second gets W/ (what Apache
    // does), good for If-None-Match, never for If-Range. Once settled, any
    // later write lands in a later tick and changes the tag.
    bool is_settled = false;
    // Whole seconds, as sent; never after now, for §8.8.2.1 forbids a
    // Last-Modified later than Date (an mtime in the future becomes now).
    chrono::sys_seconds last_modified;

    EntityTag tag() const { return {!is_settled, opaque}; }
    std::string etag_field() const { return (is_settled ? "" : "W/") + opaque; }
};

void append_hex(std::string& out, std::uint64_t value) {
    char digits[16];
    auto end = std::to_chars(digits, digits + sizeof digits, value, 16).ptr;
    out.append(digits, end);
}

Validators validators_of(const FileVersion& file, chrono::system_clock::time_point now) {
    Validators current;
    current.opaque = "\"";
    append_hex(current.opaque, file.size);
    current.opaque += '-';
    auto nanoseconds = chrono::duration_cast<chrono::nanoseconds>(file.modified.time_since_epoch()).count();
    append_hex(current.opaque, static_cast<std::uint64_t>(nanoseconds));  // before 1970 wraps: still unique
    current.opaque += '"';
    current.is_settled = now - file.modified >= chrono::seconds{1};
    current.last_modified = chrono::floor<chrono::seconds>(std::min(file.modified, now));
    return current;
}

std::optional<chrono::system_clock::time_point> date_field(const std::optional<std::string>& value,
                                                           chrono::system_clock::time_point now) {
    if (!value) return std::nullopt;
    return parse_http_date(*value, now);
}

// §13.2.2 steps 1 to 4: the status that ends the request here (304 or 412),
// or nullopt to go on. A date that does not parse is ignored (§13.1.3, §13.1.4).
std::optional<int> check_preconditions(const Conditions& request, const Validators& current,
                                       chrono::system_clock::time_point now) {
    bool is_get_or_head = request.method == "GET" || request.method == "HEAD";
    if (request.if_match) {  // 1. strong comparison (§13.1.1)
        if (!list_matches(*request.if_match, current.tag(), Comparison::strong)) return 412;
    } else if (auto date = date_field(request.if_unmodified_since, now)) {  // 2. (§13.1.4)
        if (current.last_modified > *date) return 412;
    }
    if (request.if_none_match) {  // 3. weak comparison (§13.1.2)
        if (list_matches(*request.if_none_match, current.tag(), Comparison::weak))
            return is_get_or_head ? 304 : 412;
    } else if (auto date = date_field(request.if_modified_since, now); date && is_get_or_head) {  // 4. (§13.1.3)
        if (current.last_modified <= *date) return 304;
    }
    return std::nullopt;
}

// If-Range = entity-tag / HTTP-date (§13.1.5); a DQUOTE in the first three
// characters tells them apart. A tag must match strongly. A date must be
// exactly our Last-Modified and strong (§8.8.2.2): a client may send one only
// if its Date was at least 60 seconds after Last-Modified, which pins one
// version; the check left to us is that the file has not been written since
// the start of that second, which is what is_settled says.
bool if_range_holds(std::string_view value, const Validators& current, chrono::system_clock::time_point now) {
    if (value.substr(0, 3).find('"') != std::string_view::npos) {
        auto tag = take_entity_tag(value);
        return tag && value.empty() && tags_match(*tag, current.tag(), Comparison::strong);
    }
    auto date = parse_http_date(value, now);
    return date && current.is_settled && *date == current.last_modified;
}

// A Range resolved against the file's size.
enum class RangeVerdict {
    ignored,        // not a single byte range we serve: answer 200 with the whole file
    satisfiable,    // 206 with `length` bytes from `first`
    unsatisfiable,  // 416: the range starts at or past the end
};

struct ByteRange {
    RangeVerdict verdict = RangeVerdict::ignored;
    std::uint64_t first = 0;
    std::uint64_t length = 0;
};

// A first-pos or last-pos: 1*DIGIT. A number too big for 64 bits saturates:
// a position past the end of any file means the same whatever its value.
std::optional<std::uint64_t> parse_position(std::string_view digits) { return parse_decimal_saturating(digits); }

// suffix-range = "-" suffix-length: the last n bytes, or all if fewer (§14.1.2).
ByteRange resolve_suffix_range(std::string_view digits, std::uint64_t size) {
    auto length = parse_position(digits);
    if (!length) return {RangeVerdict::ignored};
    if (*length == 0) return {RangeVerdict::unsatisfiable};  // satisfiable only when non-zero
    std::uint64_t kept = std::min(*length, size);
    return {RangeVerdict::satisfiable, size - kept, kept};
}

// int-range = first-pos "-" [ last-pos ]; a last-pos past the end means the
// end (§14.1.2), one before first-pos makes the range invalid (§14.1.1).
ByteRange resolve_range_spec(std::string_view spec, std::uint64_t size) {
    std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return {RangeVerdict::ignored};
    std::string_view after = spec.substr(dash + 1);
    if (dash == 0) return resolve_suffix_range(after, size);
    auto first = parse_position(spec.substr(0, dash));
    auto last = after.empty() ? std::numeric_limits<std::uint64_t>::max() : parse_position(after);
    if (!first || !last || *last < *first) return {RangeVerdict::ignored};
    if (*first >= size) return {RangeVerdict::unsatisfiable};
    return {RangeVerdict::satisfiable, *first, std::min(*last, size - 1) - *first + 1};
}

// Range = range-unit "=" range-set (§14.1). Ignored, as §14.2 requires or
// allows: another unit (MUST), an invalid range-set, and (MAY) a list of
// ranges, which would need a multipart/byteranges body (§14.6), and any range
// of an empty file, where there is no byte to name.
ByteRange resolve_range(std::string_view value, std::uint64_t size) {
    std::size_t equals = value.find('=');
    if (equals == std::string_view::npos || !equals_ignoring_case(value.substr(0, equals), "bytes"))
        return {RangeVerdict::ignored};
    std::string_view range_set = value.substr(equals + 1);
    if (range_set.find(',') != std::string_view::npos || size == 0) return {RangeVerdict::ignored};
    return resolve_range_spec(range_set, size);
}

std::string content_range(std::uint64_t first, std::uint64_t length, std::uint64_t size) {
    return "bytes " + std::to_string(first) + "-" + std::to_string(first + length - 1) + "/" +
           std::to_string(size);
}

// §13.2.2 step 5: the Range is honoured on GET only (§14.2: range handling is
// defined for GET alone, so HEAD ignores it), and only if If-Range holds.
void apply_range(const Conditions& request, const Validators& current, const FileVersion& file,
                 chrono::system_clock::time_point now, FileAnswer& answer) {
    if (!request.range || request.method != "GET") return;
    if (request.if_range && !if_range_holds(*request.if_range, current, now)) return;
    ByteRange range = resolve_range(*request.range, file.size);
    switch (range.verdict) {
    case RangeVerdict::ignored:
        return;
    case RangeVerdict::satisfiable:
        answer.status = 206;
        answer.offset = range.first;
        answer.length = range.length;
        answer.fields.emplace_back("Content-Range", content_range(range.first, range.length, file.size));
        return;
    case RangeVerdict::unsatisfiable:  // §15.5.17: say how long the file is
        answer = {416, 0, 0, {{"Content-Range", "bytes */" + std::to_string(file.size)}}};
        return;
    }
}

}  // namespace

FileAnswer decide_answer(const Conditions& request, const FileVersion& file, chrono::system_clock::time_point now) {
    Validators current = validators_of(file, now);
    // 304 carries ETag and Last-Modified (§15.4.5): a cache refreshes its
    // stored fields from them (RFC 9111 §4.3.4). 200 and 206 carry them too:
    // an origin server SHOULD send its validators (§8.8.2.1, §8.8.3.1).
    FileAnswer answer{200, 0, file.size,
                      {{"ETag", current.etag_field()}, {"Last-Modified", format_http_date(current.last_modified)}}};
    if (auto status = check_preconditions(request, current, now)) {
        if (*status == 304) return {304, 0, 0, std::move(answer.fields)};
        return {*status, 0, 0, {}};
    }
    answer.fields.emplace_back("Accept-Ranges", "bytes");  // §14.3: this file may be fetched in parts
    apply_range(request, current, file, now, answer);
    return answer;
}

}  // namespace porter
