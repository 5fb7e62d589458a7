// transcripts: what a reader sees in a terminal, by running it.
//
// One chapter's transcripts are one terminal session, in the book's order,
// as a reader would type them: a server started with `&` in one transcript is
// still there in the next, and files made in one are there for the next. The
// session is bash on a pseudo-terminal (so programs print as they would for
// the reader: curl's body lands between its -v lines, not after them), in a
// scratch directory whose build/ is the build being checked and whose HOME is
// empty; it ends, and everything it started is killed, with the chapter.
//
// Three things change from run to run, and are shown the same way every time:
//   - A server started as `build/.../server PORT ... &` really listens on a
//     free port the kernel picks (PORT is replaced by 0); each later command
//     gets that port wherever it says PORT, and the output shows PORT wherever
//     the real port appears after "127.0.0.1:", "localhost:" or "port ".
//   - The scratch HOME is shown as ~.
//   - The time in a Date field is shown as "Www, DD Mmm YYYY hh:mm:ss GMT".
#pragma once

#include <string>
#include <vector>

#include "directives.hpp"
#include "text.hpp"

namespace book {

struct TranscriptSetup {
    std::string build;  // the build directory the session's build/ stands for
    std::string root;   // the repository: the session sees its other top-level entries
};

// The block bodies for `runs`, one chapter's transcripts in order: each either
// the lines to show, or why it could not be made.
std::vector<Result<Lines>> run_transcripts(const std::vector<const Directive*>& runs, const TranscriptSetup& setup);

}  // namespace book
