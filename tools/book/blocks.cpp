// blocks: code and diff blocks (blocks.hpp).
#include "blocks.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sources.hpp"

namespace book {

namespace {

namespace fs = std::filesystem;

std::string fence_language(const std::string& file) {
    const fs::path path(file);
    const std::string extension = path.extension().string();
    if (extension == ".cpp" || extension == ".hpp" || extension == ".h" || extension == ".cc") return "cpp";
    if (path.filename() == "Makefile" || extension == ".mk") return "make";
    if (extension == ".sh") return "bash";
    if (extension == ".diff") return "diff";
    return "";
}

std::string comment_for(const std::string& language) { return language == "cpp" ? "//" : "#"; }

std::string line_range(size_t first, size_t last) {
    if (last < first) return "";
    if (first == last) return ", line " + std::to_string(first);
    return ", lines " + std::to_string(first) + "\u2013" + std::to_string(last);
}

// The inner region's lines become one line, indented as its first line was,
// that tells the reader what is missing and why.
Excerpt leave_out(const Excerpt& outer, const Excerpt& inner, const std::string& reason, const std::string& language) {
    Excerpt kept;
    bool noted = false;
    for (size_t i = 0; i < outer.lines.size(); ++i) {
        const bool hidden = std::find(inner.numbers.begin(), inner.numbers.end(), outer.numbers[i]) != inner.numbers.end();
        if (!hidden) {
            kept.lines.push_back(outer.lines[i]);
            kept.numbers.push_back(outer.numbers[i]);
        } else if (!noted) {
            const std::string& first = outer.lines[i];
            const std::string indent = first.substr(0, first.find_first_not_of(" \t"));
            kept.lines.push_back(indent + comment_for(language) + " \u2026 not shown: " + reason);
            kept.numbers.push_back(outer.numbers[i]);
            noted = true;
        }
    }
    return kept;
}

// FILE#^: the file's opening, from its first line to the last line that is not
// blank before its first region marker: what a new file starts with, its
// comment, includes and namespace, before the regions the book shows one by one.
Result<Excerpt> file_opening(const Lines& source, const std::string& file) {
    const auto marker = std::find_if(source.begin(), source.end(), [](const std::string& line) { return parse_marker(line).has_value(); });
    if (marker == source.end()) return failure<Excerpt>(file + " has no region marker, so '#^' has nowhere to end");
    size_t end = static_cast<size_t>(marker - source.begin());
    while (end > 0 && trim(source[end - 1]).empty()) --end;
    if (end == 0) return failure<Excerpt>(file + " starts with a region marker, so '#^' is empty");
    Excerpt excerpt;
    for (size_t i = 0; i < end; ++i) {
        excerpt.lines.push_back(source[i]);
        excerpt.numbers.push_back(i + 1);
    }
    return success(std::move(excerpt));
}

}  // namespace

Result<Block> code_block(const Directive& directive) {
    const std::string& file = directive.file;
    const Result<std::string> text = read_file(file);
    if (!text.value) return failure<Block>(text.error);
    const Lines source = source_lines(*text.value);
    if (source.empty()) return failure<Block>(file + " is empty");
    Result<Excerpt> excerpt = directive.region.empty() ? success(whole_file(source))
                              : directive.region == "^"  ? file_opening(source, file)
                                                         : find_region(source, file, directive.region);
    if (!excerpt.value) return failure<Block>(excerpt.error);
    Block block;
    block.language = fence_language(file);
    block.shown.file = file;
    if (directive.region != "^") block.shown.region = directive.region;
    block.shown.lines.insert(excerpt.value->numbers.begin(), excerpt.value->numbers.end());
    const size_t first = excerpt.value->numbers.front(), last = excerpt.value->numbers.back();
    Excerpt shown = std::move(*excerpt.value);
    if (!directive.except.empty()) {
        const Result<Excerpt> inner = find_region(source, file, directive.except);
        if (!inner.value) return failure<Block>(inner.error);
        if (!shown.lines.empty() &&
            !std::all_of(inner.value->numbers.begin(), inner.value->numbers.end(),
                         [&](size_t n) { return n > first && n < last; }))
            return failure<Block>("region '" + directive.except + "' is not inside region '" + directive.region +
                                  "' of " + file);
        shown = leave_out(shown, *inner.value, directive.except_reason, block.language);
    }
    block.label = "*" + file + line_range(first, last) + "*";
    block.body = std::move(shown.lines);
    return success(std::move(block));
}

namespace {

// In a whole-file diff each hunk after the first keeps its @@ line, so the
// reader sees where one hunk ends and the next begins; a lone hunk needs none,
// since the label already says where it is.
Result<Block> pick_hunks(const Directive& directive, const PreviousStage& previous, const std::vector<Hunk>& hunks) {
    const std::string chapter = "chapter " + previous.number;
    if (hunks.empty()) return failure<Block>(directive.file + " has no changes from " + chapter);
    if (directive.hunk > static_cast<int>(hunks.size()))
        return failure<Block>("no hunk " + std::to_string(directive.hunk) + " in the diff of " + directive.file +
                              " from " + chapter + ", which has " + std::to_string(hunks.size()) + " hunk(s)");
    const auto first = directive.hunk == 0 ? hunks.begin() : hunks.begin() + (directive.hunk - 1);
    const auto last = directive.hunk == 0 ? hunks.end() : first + 1;
    Block block;
    block.language = "diff";
    block.shown.file = directive.file;
    block.shown.whole_diff = directive.hunk == 0;
    for (auto hunk = first; hunk != last; ++hunk) {
        if (hunk != first) block.body.push_back(hunk->header);
        block.body.insert(block.body.end(), hunk->body.begin(), hunk->body.end());
        for (int n = hunk->new_first; n < hunk->new_first + hunk->new_count; ++n) block.shown.lines.insert(n);
        for (int n = hunk->old_first; n < hunk->old_first + hunk->old_count; ++n) block.shown.previous_lines.insert(n);
    }
    const int end = std::prev(last)->new_first + std::prev(last)->new_count - 1;
    const std::string range = end < first->new_first ? "" : line_range(first->new_first, end);
    block.label = "*" + directive.file + range + " (changes from " + chapter + ")*";
    return success(std::move(block));
}

}  // namespace

Result<Block> diff_block(const Directive& directive) {
    const std::string& file = directive.file;
    if (::access(file.c_str(), R_OK) != 0) return failure<Block>("cannot read " + file + ": " + std::strerror(errno));
    const Result<PreviousStage> previous = previous_stage(file);
    if (!previous.value) return failure<Block>(previous.error);
    // A file new in this stage is shown as all additions.
    const std::string old_file = ::access(previous.value->file.c_str(), F_OK) == 0 ? previous.value->file : "/dev/null";
    const Result<std::vector<Hunk>> hunks = diff_files(old_file, file, 3);
    if (!hunks.value) return failure<Block>(hunks.error);
    return pick_hunks(directive, *previous.value, *hunks.value);
}

namespace {

// The leading run of `mark` after at most three spaces, as CommonMark allows
// for fences.
size_t fence_run(std::string_view line, char mark) {
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || indent > 3 || line[indent] != mark) return 0;
    const size_t end = line.find_first_not_of(mark, indent);
    return (end == std::string_view::npos ? line.size() : end) - indent;
}

// One backtick longer than any run that starts a line of the body, so no line
// of the body can close the fence early.
std::string fence_for(const Lines& body) {
    size_t longest = 2;
    for (const std::string& line : body) longest = std::max(longest, fence_run(line, '`'));
    return std::string(longest + 1, '`');
}

}  // namespace

std::optional<Fence> opening_fence(std::string_view line) {
    for (const char mark : {'`', '~'}) {
        const size_t length = fence_run(line, mark);
        if (length < 3) continue;
        // A backtick in the info string makes the line inline code, not a fence.
        const std::string_view info = line.substr(line.find(mark) + length);
        if (mark == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
        return Fence{mark, length};
    }
    return std::nullopt;
}

bool closes(const Fence& fence, std::string_view line) {
    const size_t length = fence_run(line, fence.mark);
    if (length < fence.length) return false;
    return trim(line.substr(line.find(fence.mark) + length)).empty();
}

Lines render(const Block& block) {
    const std::string fence = fence_for(block.body);
    Lines lines;
    if (!block.label.empty()) lines.push_back(block.label);
    lines.push_back(fence + block.language);
    lines.insert(lines.end(), block.body.begin(), block.body.end());
    lines.push_back(fence);
    return lines;
}

Result<size_t> block_end(const Lines& book, size_t after, bool labelled) {
    size_t fence_line = after;
    if (labelled && after + 1 < book.size() && book[after].starts_with('*') && opening_fence(book[after + 1]))
        ++fence_line;
    const std::optional<Fence> fence = fence_line < book.size() ? opening_fence(book[fence_line]) : std::nullopt;
    if (!fence) return success(after);
    for (size_t i = fence_line + 1; i < book.size(); ++i) {
        if (closes(*fence, book[i])) return success(i + 1);
    }
    return failure<size_t>("the block after this directive has no closing fence");
}

}  // namespace book
