// Content codings: reading Accept-Encoding (RFC 9110 §12.5.3).
//
// Layer: core; no system calls. Accept-Encoding is a list (§5.6.1) of
// codings, each with an optional weight: gzip;q=0.8, identity, *;q=0.
#include "encoding.hpp"

#include <string_view>

#include "request.hpp"

namespace porter {

namespace {

constexpr std::size_t npos = std::string_view::npos;

// Without the OWS, spaces and tabs, at either end (§5.6.3).
std::string_view trim(std::string_view text) {
    std::size_t first = text.find_first_not_of(" \t");
    if (first == npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The first piece of `list` up to `separator`, trimmed; `list` keeps the rest.
std::string_view next_piece(std::string_view& list, char separator) {
    std::size_t end = list.find(separator);
    std::string_view piece = list.substr(0, end);
    list.remove_prefix(end == npos ? list.size() : end + 1);
    return trim(piece);
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )  (§12.4.2), in
// thousandths, so that "0.001" is exactly 1 and nothing is a float.
std::optional<int> parse_qvalue(std::string_view text) {
    if (text.empty() || (text[0] != '0' && text[0] != '1')) return std::nullopt;
    int weight = (text[0] - '0') * 1000;
    if (text.size() == 1) return weight;
    if (text[1] != '.' || text.size() > 5) return std::nullopt;
    int place = 100;
    for (char digit : text.substr(2)) {
        if (digit < '0' || digit > '9') return std::nullopt;
        weight += (digit - '0') * place;
        place /= 10;
    }
    if (weight > 1000) return std::nullopt;
    return weight;
}

// One element of Accept-Encoding: a coding and its weight.
struct WeightedCoding {
    std::string_view coding;  // "gzip", "identity", "*", ...
    int weight = 1000;        // in thousandths: q=1 unless it says otherwise
};

// codings *( OWS ";" OWS weight ), with q in either case (§5.6.6). nullopt
// for an empty element or an invalid weight: the element is skipped.
std::optional<WeightedCoding> parse_coding(std::string_view element) {
    WeightedCoding parsed{.coding = next_piece(element, ';')};
    if (parsed.coding.empty()) return std::nullopt;
    while (!element.empty()) {
        std::string_view parameter = next_piece(element, ';');
        if (parameter.size() < 2 || !equals_ignoring_case(parameter.substr(0, 2), "q=")) continue;
        std::optional<int> weight = parse_qvalue(parameter.substr(2));
        if (!weight) return std::nullopt;
        parsed.weight = *weight;
    }
    return parsed;
}

bool is_gzip(std::string_view coding) {
    return equals_ignoring_case(coding, "gzip") || equals_ignoring_case(coding, "x-gzip");
}

}  // namespace

// "*" stands for every coding the field does not name, so a named gzip
// overrides it either way: "*, gzip;q=0" refuses gzip, "*;q=0, gzip" takes it.
// A coding named twice: the first counts.
bool accepts_gzip(const std::optional<std::string>& accept_encoding) {
    if (!accept_encoding) return false;
    std::optional<int> gzip_weight;
    std::optional<int> any_weight;
    std::string_view list = *accept_encoding;
    while (!list.empty()) {
        std::optional<WeightedCoding> element = parse_coding(next_piece(list, ','));
        if (!element) continue;
        if (is_gzip(element->coding) && !gzip_weight) gzip_weight = element->weight;
        if (element->coding == "*" && !any_weight) any_weight = element->weight;
    }
    return gzip_weight.value_or(any_weight.value_or(0)) > 0;
}

}  // namespace porter
