// coverage: changed lines against shown lines, and regions against blocks (coverage.hpp).
#include "coverage.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "sources.hpp"

namespace book {

namespace {

namespace fs = std::filesystem;

// A line that carries nothing a reader must be shown: blank, a region
// marker, or the brace that closes a namespace, which ends every file and
// which the book says once it leaves out.
bool is_ignorable(const Lines& source, size_t number) {
    if (number < 1 || number > source.size()) return true;
    const std::string_view line = trim(source[number - 1]);
    return line.empty() || parse_marker(line).has_value() || line == "}  // namespace porter" ||
           line == "}  // namespace";
}

Lines read_source(const std::string& file) {
    const Result<std::string> text = read_file(file);
    return text.value ? source_lines(*text.value) : Lines{};
}

// The stage directory of chapter `number`, and the one before it (empty for the first).
struct Stages {
    std::string stage;
    std::string previous;
};

std::optional<Stages> find_stages(const std::string& number) {
    const Result<Lines> stages = list_stages("chapters");
    if (!stages.value) return std::nullopt;
    for (size_t i = 0; i < stages.value->size(); ++i) {
        if (!(*stages.value)[i].starts_with(number + "-")) continue;
        return Stages{"chapters/" + (*stages.value)[i], i == 0 ? "" : "chapters/" + (*stages.value)[i - 1]};
    }
    return std::nullopt;
}

Lines files_in(const std::string& directory) {
    Lines files;
    std::error_code error;
    if (directory.empty() || !fs::is_directory(directory, error)) return files;
    for (const auto& entry : fs::recursive_directory_iterator(directory, error)) {
        if (entry.is_regular_file(error)) files.push_back(fs::relative(entry.path(), directory, error).string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// The nearest line before (step -1) or after (step +1) `number` that a reader
// must type; 0 when there is none, which counts as shown: a file's edge.
size_t nearest_real_line(const Lines& source, size_t number, int step) {
    for (long n = static_cast<long>(number); n >= 1 && n <= static_cast<long>(source.size()); n += step) {
        if (!is_ignorable(source, static_cast<size_t>(n))) return static_cast<size_t>(n);
    }
    return 0;
}

struct FileShown {
    std::set<size_t> by_code;      // lines of the file that code blocks show
    std::set<size_t> by_diff;      // ... that diff blocks show
    std::set<size_t> removed_shown;  // lines of the previous copy that diff blocks show removed
    std::set<std::string> regions;   // regions of the file that code blocks show whole
};

FileShown shown_for(const ChapterShown& chapter, const std::string& file) {
    FileShown shown;
    for (const Shown& block : chapter.blocks) {
        if (block.file != file) continue;
        const bool is_diff = !block.previous_lines.empty() || block.whole_diff;
        (is_diff ? shown.by_diff : shown.by_code).insert(block.lines.begin(), block.lines.end());
        shown.removed_shown.insert(block.previous_lines.begin(), block.previous_lines.end());
        if (!block.region.empty()) shown.regions.insert(block.region);
    }
    return shown;
}

// The regions of the previous copy that hold line `number`, innermost last.
Lines regions_around(const Lines& source, size_t number) {
    Lines open;
    for (size_t i = 0; i + 1 < number && i < source.size(); ++i) {
        const std::optional<Marker> marker = parse_marker(source[i]);
        if (!marker) continue;
        if (marker->opens) open.push_back(marker->name);
        else if (!open.empty() && open.back() == marker->name) open.pop_back();
    }
    return open;
}

Missing check_file(const ChapterShown& chapter, const std::string& file, const std::string& previous,
                   size_t& changed) {
    Missing missing{file, {}, {}, previous};
    const Lines source = read_source(file);
    const Lines old_source = previous.empty() ? Lines{} : read_source(previous);
    const Result<std::vector<Hunk>> hunks = diff_files(previous.empty() || !fs::exists(previous) ? "/dev/null" : previous,
                                                       fs::exists(file) ? file : "/dev/null", 0);
    if (!hunks.value) return missing;
    const FileShown shown = shown_for(chapter, file);
    auto is_shown = [&](size_t n) { return n == 0 || shown.by_code.contains(n) || shown.by_diff.contains(n); };
    for (const Hunk& hunk : *hunks.value) {
        for (int n = hunk.new_first; n < hunk.new_first + hunk.new_count; ++n) {
            if (is_ignorable(source, static_cast<size_t>(n))) continue;
            ++changed;
            if (!is_shown(static_cast<size_t>(n))) missing.added.push_back(static_cast<size_t>(n));
        }
        // Where the hunk sits in the new file: after line new_first when it
        // adds nothing (diff -U0's "+c,0"), else across its own lines.
        const size_t before = hunk.new_count == 0 ? static_cast<size_t>(hunk.new_first)
                                                  : static_cast<size_t>(hunk.new_first - 1);
        const size_t after = before + static_cast<size_t>(hunk.new_count) + 1;
        const bool surrounded = shown.by_code.empty() ? false
                                : is_shown(nearest_real_line(source, before, -1)) &&
                                      is_shown(nearest_real_line(source, after, +1));
        for (int n = hunk.old_first; n < hunk.old_first + hunk.old_count; ++n) {
            if (is_ignorable(old_source, static_cast<size_t>(n))) continue;
            ++changed;
            // A line of a region the chapter shows anew, whole, was replaced
            // with the rest of that region: the reader retypes it all.
            const Lines around = regions_around(old_source, static_cast<size_t>(n));
            const bool replaced = std::any_of(around.begin(), around.end(),
                                              [&](const std::string& region) { return shown.regions.contains(region); });
            if (!surrounded && !replaced && !shown.removed_shown.contains(static_cast<size_t>(n)))
                missing.removed.push_back(static_cast<size_t>(n));
        }
    }
    return missing;
}

}  // namespace

Result<ChapterCoverage> chapter_coverage(const ChapterShown& chapter) {
    const std::optional<Stages> stages = find_stages(chapter.number);
    if (!stages) return failure<ChapterCoverage>("chapter " + chapter.number + " has no stage under chapters/");
    ChapterCoverage coverage{chapter.number, stages->stage, 0, 0, {}};
    Lines files = files_in(stages->stage);
    for (const std::string& gone : files_in(stages->previous)) {
        if (std::find(files.begin(), files.end(), gone) == files.end()) files.push_back(gone);
    }
    for (const std::string& name : files) {
        const std::string previous = stages->previous.empty() ? "" : stages->previous + "/" + name;
        Missing missing = check_file(chapter, stages->stage + "/" + name, previous, coverage.changed);
        if (missing.added.empty() && missing.removed.empty()) continue;
        coverage.unaccounted += missing.added.size() + missing.removed.size();
        coverage.missing.push_back(std::move(missing));
    }
    return success(std::move(coverage));
}

std::string describe_lines(const std::vector<size_t>& lines) {
    std::string text;
    for (size_t i = 0; i < lines.size();) {
        size_t j = i;
        while (j + 1 < lines.size() && lines[j + 1] == lines[j] + 1) ++j;
        text += (text.empty() ? "" : ", ") + std::to_string(lines[i]);
        if (j > i) text += "\u2013" + std::to_string(lines[j]);
        i = j + 1;
    }
    return (lines.size() == 1 ? "line " : "lines ") + text;
}

namespace {

bool has_markers_to_check(const fs::path& path) {
    const std::string extension = path.extension().string();
    return extension == ".cpp" || extension == ".hpp" || extension == ".h" || extension == ".mk" ||
           extension == ".sh" || path.filename() == "Makefile";
}

// A stage file's region is in use when that region of the same file is used
// in any stage; any other file's, when that very file's is.
bool is_used(const std::string& file, const std::string& name, const std::vector<RegionUse>& used) {
    const std::optional<StagePath> stage = split_stage_path(file);
    for (const RegionUse& use : used) {
        if (use.region != name) continue;
        if (use.file == file) return true;
        if (!stage) continue;
        const std::optional<StagePath> other = split_stage_path(use.file);
        if (other && other->rest == stage->rest) return true;
    }
    return false;
}

}  // namespace

RegionReport find_unused_regions(const std::vector<RegionUse>& used) {
    RegionReport report;
    for (const char* root : {"chapters", "src", "tests", "tools", "examples", "bench"}) {
        std::error_code error;
        if (!fs::is_directory(root, error)) continue;
        Lines files;
        for (const auto& entry : fs::recursive_directory_iterator(root, error)) {
            if (entry.is_regular_file(error) && has_markers_to_check(entry.path())) files.push_back(entry.path().string());
        }
        std::sort(files.begin(), files.end());
        for (const std::string& file : files) {
            const Lines source = read_source(file);
            if (const std::string broken = check_markers(source); !broken.empty()) {
                report.errors.push_back(file + ":" + broken);
                continue;
            }
            for (const RegionSpan& region : list_regions(source)) {
                if (!is_used(file, region.name, used)) report.unused.push_back({file, region.name, region.line});
            }
        }
    }
    return report;
}

}  // namespace book
