// Directory listings: a directory's entries as a page of links.
//
// Layer: core; no system calls.
#include "listing.hpp"

#include <algorithm>

#include "uri.hpp"

namespace porter {

namespace {

// The five characters that can end a text or an attribute value early, or
// start markup, as character references. The apostrophe as &#39;: &apos; is
// not HTML 4. Bytes that are not UTF-8 pass through; a browser shows them as
// U+FFFD, which can start nothing.
std::string html_escape(std::string_view text) {
    std::string escaped;
    for (char c : text) {
        switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '"': escaped += "&quot;"; break;
        case '\'': escaped += "&#39;"; break;
        default: escaped += c;
        }
    }
    return escaped;
}

// One line of the list. The href holds only unreserved characters and "%HH"
// (percent_encode), so it needs no HTML escaping and cannot leave its quotes.
std::string entry_line(const DirectoryEntry& entry) {
    std::string slash = entry.is_directory ? "/" : "";
    return "<li><a href=\"" + percent_encode(entry.name) + slash + "\">" + html_escape(entry.name) + slash +
           "</a></li>\n";
}

}  // namespace

std::string listing_page(std::string_view directory, std::vector<DirectoryEntry> entries, bool is_complete) {
    auto by_name = [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; };
    std::sort(entries.begin(), entries.end(), by_name);
    std::string title = "Index of " + html_escape(directory.empty() ? "/" : "/" + std::string(directory) + "/");
    std::string page = "<!doctype html>\n<html>\n<meta charset=\"utf-8\">\n<title>" + title + "</title>\n<h1>" +
                       title + "</h1>\n<ul>\n";
    for (const DirectoryEntry& entry : entries) page += entry_line(entry);
    page += "</ul>\n";
    if (!is_complete)
        page += "<p>The directory holds more than these " + std::to_string(entries.size()) + " entries.</p>\n";
    return page + "</html>\n";
}

}  // namespace porter
