// blocks: the fenced blocks the book shows, made from a directive.
//
// A code block is labelled with its file and lines; a diff block with the
// stage it is compared with. Every block also records which lines of which
// file it accounts for, so the tool can tell whether a chapter shows every
// line its stage changes (coverage.hpp).
#pragma once

#include <optional>
#include <set>
#include <string>

#include "directives.hpp"
#include "text.hpp"

namespace book {

// The lines of one file that one block shows the reader, or names as left out.
struct Shown {
    std::string file;
    std::string region;              // code blocks of a region: its name
    std::set<size_t> lines;          // lines of `file`, from 1
    std::set<size_t> previous_lines; // diff blocks: lines of the previous stage's copy shown as removed
    bool whole_diff = false;         // a diff block with every hunk
};

struct Block {
    std::string label;  // may be empty: transcripts have none
    std::string language;
    Lines body;
    Shown shown;
};

Result<Block> code_block(const Directive& directive);
Result<Block> diff_block(const Directive& directive);

// The label line, if any, then the block fenced.
Lines render(const Block& block);

// A block as it is in the book: where the block after a directive ends,
// given the index of the line right after the directive (that same index when
// no block follows). `labelled`: a label line may come before the fence.
Result<size_t> block_end(const Lines& book, size_t after, bool labelled);

// The fences of Markdown, as CommonMark reads them.
struct Fence {
    char mark = '`';
    size_t length = 0;
};
std::optional<Fence> opening_fence(std::string_view line);
bool closes(const Fence& fence, std::string_view line);

}  // namespace book
