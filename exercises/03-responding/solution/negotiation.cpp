// Negotiation: reading Accept, and choosing by it.
//
// Layer: core; no system calls. Accept is a list (RFC 9110 §5.6.1) of media
// ranges, each with parameters (§5.6.6); this reads only what choosing needs:
// the type, the subtype and the weight.
//
// Simplifications: parameters other than q ("text/html;level=1") are skipped,
// though §12.5.1 lets them make a range more specific; and a quoted parameter
// value holding ',' or ';' is cut there. Browsers send neither in Accept.
#include "negotiation.hpp"

#include <cassert>
#include <optional>

namespace porter {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Without the OWS, spaces and tabs, at either end (RFC 9110 §5.6.3).
std::string_view trim(std::string_view text) {
    std::size_t first = text.find_first_not_of(" \t");
    if (first == npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The first piece of `list` up to `separator`, trimmed; `list` keeps the rest.
// Empty pieces come back empty: a list may have empty elements (§5.6.1).
std::string_view next_piece(std::string_view& list, char separator) {
    std::size_t end = list.find(separator);
    std::string_view piece = list.substr(0, end);
    list.remove_prefix(end == npos ? list.size() : end + 1);
    return trim(piece);
}

// #region parse_qvalue
// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )  (§12.4.2), in
// thousandths: "0.5" is 500. nullopt for anything else: "2", ".5", "0.1234", "1.5".
std::optional<int> parse_qvalue(std::string_view text) {
    if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
    int weight = (text[0] - '0') * 1000;
    if (text.size() == 1) return weight;
    if (text[1] != '.' || text.size() > 5) return std::nullopt;
    int place = 100;
    for (char digit : text.substr(2)) {
        if (!is_digit(digit)) return std::nullopt;
        weight += (digit - '0') * place;
        place /= 10;
    }
    if (weight > 1000) return std::nullopt;
    return weight;
}
// #endregion parse_qvalue

// One element of Accept (§12.5.1).
struct MediaRange {
    std::string_view type;     // "text", or "*"
    std::string_view subtype;  // "html", or "*"
    int weight = 1000;         // in thousandths: q=1 unless it says otherwise
};

// #region parse_media_range
// type "/" subtype *( OWS ";" OWS parameter ), where the parameter named q,
// in either case (§5.6.6), is the weight. nullopt for an element that names no
// media range ("text", "*/html") or has an invalid weight: it is skipped.
std::optional<MediaRange> parse_media_range(std::string_view element) {
    std::string_view name = next_piece(element, ';');
    std::size_t slash = name.find('/');
    if (slash == npos || slash == 0 || slash + 1 == name.size()) return std::nullopt;
    MediaRange range{.type = name.substr(0, slash), .subtype = name.substr(slash + 1)};
    if (range.type == "*" && range.subtype != "*") return std::nullopt;
    while (!element.empty()) {
        std::string_view parameter = next_piece(element, ';');
        if (parameter.size() < 2 || !equals_ignoring_case(parameter.substr(0, 2), "q=")) continue;
        std::optional<int> weight = parse_qvalue(parameter.substr(2));
        if (!weight) return std::nullopt;
        range.weight = *weight;
    }
    return range;
}
// #endregion parse_media_range

// How closely `range` names type/subtype: 3 exactly, 2 as "type/*", 1 as
// "*/*"; 0 when it does not cover it. Both compare in any case (§8.3.1).
int specificity(const MediaRange& range, std::string_view type, std::string_view subtype) {
    if (range.type == "*") return 1;
    if (!equals_ignoring_case(range.type, type)) return 0;
    if (range.subtype == "*") return 2;
    return equals_ignoring_case(range.subtype, subtype) ? 3 : 0;
}

}  // namespace

// #region accept_weight
int accept_weight(const Request& request, std::string_view media_type) {
    std::size_t slash = media_type.find('/');
    assert(slash != npos);
    std::string_view type = media_type.substr(0, slash);
    std::string_view subtype = media_type.substr(slash + 1);
    bool has_accept = false;
    int best_specificity = 0;
    int weight = 0;  // no range covers the type: not acceptable
    // A list may arrive in several field lines, to be read as one (§5.3).
    for (const Field& field : request.fields) {
        if (!equals_ignoring_case(field.name, "Accept")) continue;
        has_accept = true;
        for (std::string_view list = field.value; !list.empty();) {
            std::optional<MediaRange> range = parse_media_range(next_piece(list, ','));
            int how_specific = range ? specificity(*range, type, subtype) : 0;
            if (how_specific > best_specificity) {
                best_specificity = how_specific;
                weight = range->weight;
            }
        }
    }
    return has_accept ? weight : 1000;
}
// #endregion accept_weight

std::string_view choose_media_type(const Request& request, std::initializer_list<std::string_view> offered) {
    assert(offered.size() > 0);
    std::string_view chosen = *offered.begin();
    int best = 0;
    for (std::string_view media_type : offered) {
        int weight = accept_weight(request, media_type);
        if (weight > best) {
            chosen = media_type;
            best = weight;
        }
    }
    return chosen;
}

}  // namespace porter
