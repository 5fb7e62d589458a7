// coverage: does each chapter show every line its stage changes, and does
// every region marker in the sources have a block that uses it?
//
// A chapter's changed lines are those of `diff -U0` between its stage and the
// one before (for chapter 01, the whole stage), blank lines and region
// markers aside. An added line is accounted for when a block of that chapter
// shows it, or names it as left out ("except"). A removed line is accounted
// for when a diff block shows it going, when a code block shows the text on
// both sides of where it was, or when it lay in a region that a code block of
// the chapter shows whole, as it is now: the reader who copies that block has
// removed it too. Blank lines, region markers and the braces that close a
// namespace (which end every file, as the book says once) are never counted.
//
// A region is in use when a code block names it. A stage's copy of a file
// carries its predecessors' regions forward, and the book shows each region
// once, from one stage: so a region of a stage file is in use when a block
// names that region of the same file in any stage.
#pragma once

#include <string>
#include <vector>

#include "blocks.hpp"
#include "text.hpp"

namespace book {

// What one chapter of the book shows: the blocks between its heading,
// "## Chapter NN — ...", and the next one.
struct ChapterShown {
    std::string number;  // "04"
    size_t line = 0;     // the heading's line in the book
    std::vector<Shown> blocks;
};

// Lines of one file that a chapter changes and does not account for.
struct Missing {
    std::string file;
    std::vector<size_t> added;    // line numbers in `file`
    std::vector<size_t> removed;  // line numbers in the previous stage's copy
    std::string previous_file;
};

struct ChapterCoverage {
    std::string number;
    std::string stage;      // "chapters/04-files"
    size_t changed = 0;     // lines added or removed, blank lines and markers aside
    size_t unaccounted = 0;
    std::vector<Missing> missing;
};

// Nullopt value for a chapter without a stage of its own.
Result<ChapterCoverage> chapter_coverage(const ChapterShown& chapter);

struct UnusedRegion {
    std::string file;
    std::string name;
    size_t line = 0;
};

struct RegionUse {
    std::string file;
    std::string region;
};

// Every region in the repository's sources (chapters/, src/, tests/, tools/,
// examples/, bench/) that no block uses, and every file whose markers are
// broken (as errors).
struct RegionReport {
    std::vector<UnusedRegion> unused;
    std::vector<std::string> errors;
};
RegionReport find_unused_regions(const std::vector<RegionUse>& used);

// "lines 3–7, 12" for a sorted list of line numbers.
std::string describe_lines(const std::vector<size_t>& lines);

}  // namespace book
