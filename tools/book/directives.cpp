// directives: reading the directives of book.md (directives.hpp).
#include "directives.hpp"

namespace book {

namespace {

const std::string expected =
    "expected <!-- code FILE[#REGION] [except INNER: REASON] -->, <!-- diff FILE[@N] --> or <!-- run ... -->";

Classified malformed(std::string_view line, std::string why = expected) {
    return Classified{LineKind::malformed, {}, "malformed directive '" + std::string(line) + "': " + why, 1};
}

Classified directive(Directive found, size_t lines = 1) { return Classified{LineKind::directive, std::move(found), {}, lines}; }

// "FILE#REGION except INNER: REASON"
Classified parse_code(std::string_view body, std::string_view line) {
    Directive code{Directive::Kind::code, {}, {}, {}, {}, 0, {}};
    const size_t space = body.find(' ');
    std::string target(body.substr(0, space));
    if (space != std::string_view::npos) {
        const std::string_view rest = trim(body.substr(space));
        const size_t colon = rest.find(':');
        if (!starts_with_word(rest, "except") || colon == std::string_view::npos)
            return malformed(line, "after the file, only 'except INNER: REASON' may follow");
        code.except = std::string(trim(rest.substr(6, colon - 6)));
        code.except_reason = std::string(trim(rest.substr(colon + 1)));
        if (code.except.empty() || code.except.find(' ') != std::string::npos || code.except_reason.empty())
            return malformed(line, "'except' needs one region name, a colon and a reason");
    }
    code.file = target;
    if (const size_t hash = target.rfind('#'); hash != std::string::npos) {
        code.file = target.substr(0, hash);
        code.region = target.substr(hash + 1);
        if (code.region.empty()) return malformed(line);
    }
    if (code.file.empty()) return malformed(line);
    if (!code.except.empty() && code.region.empty())
        return malformed(line, "'except' leaves out a region nested in the one shown: name that region");
    return directive(std::move(code));
}

Classified parse_diff(std::string_view body, std::string_view line) {
    const Lines parts = words(body);
    if (parts.size() != 1) return malformed(line);
    Directive diff{Directive::Kind::diff, parts[0], {}, {}, {}, 0, {}};
    if (const size_t at = parts[0].rfind('@'); at != std::string::npos) {
        diff.file = parts[0].substr(0, at);
        const std::optional<int> hunk = parse_number(std::string_view(parts[0]).substr(at + 1));
        if (!hunk || *hunk < 1) return malformed(line);
        diff.hunk = *hunk;
    }
    if (diff.file.empty()) return malformed(line);
    return directive(std::move(diff));
}

// "<!-- run" alone on its line, then "$ COMMAND" lines, each optionally
// continued on lines that do not start with "$ ", then "-->" alone.
Classified parse_run(const Lines& book, size_t at) {
    Directive run{Directive::Kind::run, {}, {}, {}, {}, 0, {}};
    for (size_t i = at + 1; i < book.size(); ++i) {
        const std::string_view line = book[i];
        if (trim(line) == "-->") {
            if (run.commands.empty()) return malformed(book[at], "a transcript needs at least one '$ ' command");
            return directive(std::move(run), i - at + 1);
        }
        if (line.starts_with("$ ")) run.commands.push_back({std::string(line.substr(2)), i + 1});
        else if (run.commands.empty()) return malformed(book[at], "a transcript's first line must be a '$ ' command");
        else run.commands.back().text += "\n" + std::string(line);
    }
    return malformed(book[at], "a transcript must end with a line '-->'");
}

}  // namespace

Classified classify(const Lines& book, size_t at) {
    const std::string_view text = trim(book[at]);
    if (text == "<!-- run") return parse_run(book, at);
    if (text.size() < 7 || !text.starts_with("<!--") || !text.ends_with("-->")) return {};
    const std::string_view inside = trim(text.substr(4, text.size() - 7));
    const size_t space = inside.find(' ');
    const std::string_view keyword = inside.substr(0, space);
    if (keyword != "code" && keyword != "diff" && keyword != "run") return {};
    if (keyword == "run") return malformed(text, "a transcript's commands go on the lines after '<!-- run'");
    if (space == std::string_view::npos) return malformed(text);
    const std::string_view body = trim(inside.substr(space));
    return keyword == "code" ? parse_code(body, text) : parse_diff(body, text);
}

}  // namespace book
