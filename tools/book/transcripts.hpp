// transcripts: what a reader sees in a terminal, by running it.
//
// One chapter's transcripts are one terminal session, in the book's order,
// as a reader would type them: a server started with `&` in one transcript is
// still there in the next, and files made in one are there for the next. The
// session is bash on a pseudo-terminal (so programs print as they would for
// the reader: curl's body lands between its -v lines, not after them), in a
// network namespace of its own (so a server listens on the very port the book
// names, and nothing else on the machine can be in its way or in `ss`), in a
// scratch directory whose build/ is the build being checked and whose HOME is
// empty. A command that starts a stage's server in the background
// (`build/.../server ... &`) is waited for until the server's ready line is
// out. The session ends, and everything it started is killed, with the chapter.
//
// A terminal's colours and bold are left out: the book shows the text. What
// changes from run to run is shown the same way every time:
//   - the time in a Date field, as "Www, DD Mmm YYYY hh:mm:ss GMT";
//   - a port the kernel picked for a client (32768 to 60999), as xxxxx;
//   - the scratch HOME, as ~.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "directives.hpp"
#include "text.hpp"

namespace book {

struct TranscriptSetup {
    std::string build;  // the build directory the session's build/ stands for
    std::string root;   // the repository: the session sees its other top-level entries
};

struct Transcripts {
    // Set when this machine cannot run transcripts at all (no network
    // namespace to be had), and why; `bodies` is then empty.
    std::optional<std::string> not_run;
    // One per transcript, in order: the lines to show, or why it could not be made.
    std::vector<Result<Lines>> bodies;
};

// Runs `runs`, one chapter's transcripts in order, as one session.
Transcripts run_transcripts(const std::vector<const Directive*>& runs, const TranscriptSetup& setup);

}  // namespace book
