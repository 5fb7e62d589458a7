// directives: the HTML comments in book.md that say what a block holds.
//
// A directive is an HTML comment on lines of its own, which a Markdown reader
// never shows; the block the tool generates from it follows right after.
//
//   <!-- code FILE -->                 the whole file
//   <!-- code FILE#REGION -->          one region of it
//   <!-- code FILE#^ -->               its opening: its comment, includes and
//                                      namespace, up to its first region marker
//   <!-- code FILE#REGION except INNER: REASON -->
//                                      the region, with its nested region INNER
//                                      replaced by one line saying "not shown: REASON"
//   <!-- diff FILE -->                 the file's diff from the previous stage
//   <!-- diff FILE@N -->               hunk N of it
//   <!-- run                           a transcript: each "$ " line is run in
//   $ COMMAND                          a shell, one chapter's transcripts in
//   $ COMMAND                          one session, and the block shows each
//   -->                                command and what it printed
//
// Only comments whose first word is code, diff or run are claimed, so the
// book stays free to use HTML comments for anything else.
#pragma once

#include <string>
#include <vector>

#include "text.hpp"

namespace book {

// One command of a transcript: a "$ " line and any lines that continue it.
struct Command {
    std::string text;  // without the "$ ", continuation lines joined by '\n'
    size_t line = 0;   // where it is in the book, from 1
};

struct Directive {
    enum class Kind { code, diff, run };
    Kind kind = Kind::code;
    std::string file;           // code and diff
    std::string region;         // code: empty for the whole file
    std::string except;         // code: a nested region left out, or empty
    std::string except_reason;  // ... and why, in words the reader sees
    int hunk = 0;               // diff: 0 for every hunk
    std::vector<Command> commands;  // run
};

enum class LineKind { text, directive, malformed };

struct Classified {
    LineKind kind = LineKind::text;
    Directive directive;
    std::string error;  // malformed: what is wrong
    size_t lines = 1;   // how many lines of the book the directive takes
};

// Reads the directive that starts at book[at], if one does.
Classified classify(const Lines& book, size_t at);

}  // namespace book
