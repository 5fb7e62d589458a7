// Directory listings: a directory's entries as a page of links.
//
// Layer: core; pure. static_files reads the entries (the I/O) and this writes
// the page. A file name is bytes chosen by whoever wrote the file, so it is
// escaped for each place it lands: HTML-escaped as text, so a file named
// "<script>…</script>.txt" is shown, never run; percent-encoded as a link, so
// the link reaches that file whatever its name holds ("100%.txt", "a b",
// "?", "#").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace porter {

// One name in a directory, as a listing shows it.
struct DirectoryEntry {
    std::string name;           // as the file system has it: any bytes but '/' and NUL
    bool is_directory = false;  // listed with a trailing '/', so its link lands inside it
};

// The HTML page (UTF-8) listing `entries`, sorted by name in byte order (as
// `LC_ALL=C ls` sorts: no locale to consult, the same order everywhere). Each
// link is relative to the directory's own URL, which must end in '/' for the
// links to resolve inside it (RFC 3986 §5.2). `directory` is its path under
// the root, "" for the root itself, shown in the title. `is_complete` false
// adds a line saying the list was cut short.
std::string listing_page(std::string_view directory, std::vector<DirectoryEntry> entries, bool is_complete);

}  // namespace porter
