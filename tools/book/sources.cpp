// sources: regions, diffs and stages (sources.hpp).
#include "sources.hpp"

#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "process.hpp"

namespace book {

namespace fs = std::filesystem;

// `// #region NAME` in C++, `# #region NAME` in Makefiles and shell scripts.
std::optional<Marker> parse_marker(std::string_view line) {
    std::string_view text = trim(line);
    if (text.starts_with("//")) text.remove_prefix(2);
    else if (text.starts_with("#")) text.remove_prefix(1);
    else return std::nullopt;
    text = trim(text);
    for (const std::string_view keyword : {"#region", "#endregion"}) {
        if (!text.starts_with(keyword)) continue;
        const std::string_view rest = text.substr(keyword.size());
        if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') continue;
        return Marker{keyword == "#region", std::string(trim(rest))};
    }
    return std::nullopt;
}

namespace {

bool is_region_name(std::string_view name) {
    return !name.empty() && name.find_first_of(" \t") == std::string_view::npos;
}

}  // namespace

// The whole file is checked, not just the region asked for, so a broken
// marker is caught the first time any region of its file is used.
std::string check_markers(const Lines& source) {
    std::vector<RegionSpan> open;
    std::map<std::string, size_t> first_seen;
    for (size_t i = 0; i < source.size(); ++i) {
        const std::optional<Marker> marker = parse_marker(source[i]);
        if (!marker) continue;
        const std::string at = std::to_string(i + 1) + ": ";
        if (!is_region_name(marker->name)) return at + "a region marker needs one name";
        if (marker->opens) {
            const auto [seen, fresh] = first_seen.emplace(marker->name, i + 1);
            if (!fresh)
                return at + "region '" + marker->name + "' appears twice (first at line " +
                       std::to_string(seen->second) + ")";
            open.push_back({marker->name, i + 1});
        } else if (open.empty()) {
            return at + "'#endregion " + marker->name + "' has no '#region " + marker->name + "' before it";
        } else if (open.back().name != marker->name) {
            return at + "'#endregion " + marker->name + "' comes before '#endregion " + open.back().name +
                   "' (opened at line " + std::to_string(open.back().line) + "): regions must nest";
        } else {
            open.pop_back();
        }
    }
    if (open.empty()) return {};
    return std::to_string(open.back().line) + ": region '" + open.back().name + "' is never closed";
}

std::vector<RegionSpan> list_regions(const Lines& source) {
    std::vector<RegionSpan> regions;
    for (size_t i = 0; i < source.size(); ++i) {
        const std::optional<Marker> marker = parse_marker(source[i]);
        if (marker && marker->opens) regions.push_back({marker->name, i + 1});
    }
    return regions;
}

Result<Excerpt> find_region(const Lines& source, const std::string& file, const std::string& name) {
    const std::string broken = check_markers(source);
    if (!broken.empty()) return failure<Excerpt>(file + ":" + broken);
    std::optional<Excerpt> excerpt;
    for (size_t i = 0; i < source.size(); ++i) {
        const std::optional<Marker> marker = parse_marker(source[i]);
        if (marker && marker->name == name) {
            if (!marker->opens) break;
            excerpt.emplace();
            continue;
        }
        if (!excerpt || marker) continue;
        excerpt->lines.push_back(source[i]);
        excerpt->numbers.push_back(i + 1);
    }
    if (!excerpt) return failure<Excerpt>("no region '" + name + "' in " + file);
    if (excerpt->lines.empty()) return failure<Excerpt>("region '" + name + "' in " + file + " is empty");
    return success(std::move(*excerpt));
}

Excerpt whole_file(const Lines& source) {
    Excerpt excerpt;
    for (size_t i = 0; i < source.size(); ++i) {
        if (parse_marker(source[i])) continue;
        excerpt.lines.push_back(source[i]);
        excerpt.numbers.push_back(i + 1);
    }
    return excerpt;
}

namespace {

// Reads "-a,b +c,d" of "@@ -a,b +c,d @@"; a missing ",b" means one line.
void parse_range(std::string_view range, int& first, int& count) {
    const std::string_view numbers = range.substr(0, range.find(' '));
    const size_t comma = numbers.find(',');
    first = parse_number(numbers.substr(0, comma)).value_or(0);
    count = comma == std::string_view::npos ? 1 : parse_number(numbers.substr(comma + 1)).value_or(0);
}

Hunk parse_header(const std::string& line) {
    Hunk hunk;
    hunk.header = line;
    const size_t minus = line.find(" -");
    const size_t plus = line.find(" +");
    if (minus != std::string::npos) parse_range(std::string_view(line).substr(minus + 2), hunk.old_first, hunk.old_count);
    if (plus != std::string::npos) parse_range(std::string_view(line).substr(plus + 2), hunk.new_first, hunk.new_count);
    return hunk;
}

}  // namespace

// The ---/+++ file headers all come before the first @@, and inside a hunk
// every line starts with ' ', '-' and '+' or, for diff's own notes such as
// "\ No newline at end of file", a backslash.
Result<std::vector<Hunk>> diff_files(const std::string& old_file, const std::string& new_file, int context) {
    Result<std::string> output =
        run_reading({"diff", "-U" + std::to_string(context), "--", old_file, new_file}, 1);
    if (!output.value) return failure<std::vector<Hunk>>("diff -U" + std::to_string(context) + " " + old_file + " " + new_file + " failed");
    std::vector<Hunk> hunks;
    for (const std::string& line : source_lines(*output.value)) {
        if (line.starts_with("@@")) hunks.push_back(parse_header(line));
        else if (!hunks.empty() && !line.starts_with('\\')) hunks.back().body.push_back(line);
    }
    return success(std::move(hunks));
}

std::optional<StagePath> split_stage_path(const std::string& file) {
    const fs::path path(file);
    StagePath where;
    auto part = path.begin();
    for (; part != path.end() && *part != "chapters"; ++part) where.chapters /= *part;
    if (part == path.end() || std::next(part) == path.end() || std::next(part, 2) == path.end())
        return std::nullopt;
    where.chapters /= *part;
    where.stage = std::next(part)->string();
    for (auto it = std::next(part, 2); it != path.end(); ++it) where.rest /= *it;
    return where;
}

Result<Lines> list_stages(const fs::path& chapters) {
    std::error_code error;
    Lines stages;
    for (fs::directory_iterator it(chapters, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with('.') && it->is_directory(error)) stages.push_back(name);
    }
    if (error) return failure<Lines>("cannot list " + chapters.string() + ": " + error.message());
    std::sort(stages.begin(), stages.end());
    return success(std::move(stages));
}

Result<PreviousStage> previous_stage(const std::string& file) {
    const std::optional<StagePath> where = split_stage_path(file);
    if (!where) return failure<PreviousStage>(file + " is not in a stage under chapters/, so it has no previous chapter");
    const Result<Lines> stages = list_stages(where->chapters);
    if (!stages.value) return failure<PreviousStage>(stages.error);
    const auto found = std::find(stages.value->begin(), stages.value->end(), where->stage);
    if (found == stages.value->end())
        return failure<PreviousStage>("no stage " + where->stage + " in " + where->chapters.string());
    if (found == stages.value->begin())
        return failure<PreviousStage>(file + " is in the first stage, so it has no previous chapter");
    const std::string& previous = *std::prev(found);
    return success(PreviousStage{(where->chapters / previous / where->rest).string(), previous.substr(0, previous.find('-'))});
}

}  // namespace book
