// sources: what the book shows of a file — a named region of it, or its diff
// from the previous stage.
//
// A region is the lines between `// #region NAME` and `// #endregion NAME`
// (`# #region NAME` in Makefiles and scripts). Regions may nest; the markers
// of the inner ones mean something to this tool and nothing to the reader, so
// they are never shown.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "text.hpp"

namespace book {

struct Marker {
    bool opens = false;
    std::string name;  // may be empty or hold spaces when the marker is malformed
};

std::optional<Marker> parse_marker(std::string_view line);

// Returns "LINE: what is wrong" for the first broken marker, or an empty string.
std::string check_markers(const Lines& source);

struct RegionSpan {
    std::string name;
    size_t line = 0;  // the opening marker's line, from 1
};

// Every region of a file whose markers check_markers passed, in order.
std::vector<RegionSpan> list_regions(const Lines& source);

// Lines of a file that the book shows, with their line numbers in the file.
struct Excerpt {
    Lines lines;
    std::vector<size_t> numbers;  // numbers[i] is the line number of lines[i], from 1
};

// The lines of region `name`, without the markers nested inside it.
Result<Excerpt> find_region(const Lines& source, const std::string& file, const std::string& name);
// The whole file, without any markers.
Excerpt whole_file(const Lines& source);

// One hunk of a unified diff.
struct Hunk {
    std::string header;  // the "@@ -a,b +c,d @@" line
    int old_first = 0, old_count = 0;  // the lines of the old file it spans
    int new_first = 0, new_count = 0;  // ... and of the new one
    Lines body;                        // ' ', '-' and '+' lines
};

// `context` lines around each change, as diff -U does.
Result<std::vector<Hunk>> diff_files(const std::string& old_file, const std::string& new_file, int context);

// Where a file of a stage sits: chapters/STAGE/REST.
struct StagePath {
    std::filesystem::path chapters;  // the chapters/ directory itself
    std::string stage;               // "02-request"
    std::filesystem::path rest;      // the file's path inside the stage
};

std::optional<StagePath> split_stage_path(const std::string& file);
// The stages under `chapters`, in the book's order (by name).
Result<Lines> list_stages(const std::filesystem::path& chapters);

struct PreviousStage {
    std::string file;    // the same file in the previous stage (it may not exist)
    std::string number;  // "01" for 01-socket
};

Result<PreviousStage> previous_stage(const std::string& file);

}  // namespace book
