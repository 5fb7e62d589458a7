// Exercise 04-1: a directory without index.html is answered a listing of its
// entries: HTML-escaped as text, percent-encoded as links (RFC 3986 §2.1), and
// no link leads outside ROOT or to something the server refuses.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness.hpp"

using namespace porter::test;

namespace {

constexpr std::string_view secret = "the secret that lives outside the root\n";

// A ROOT without index.html, inside a temporary directory that also holds a
// file the server must never give out:
//   secret.txt                        beside the root
//   root/plain.txt, and eight files   names that need escaping in HTML, in a URI, or both
//   root/sub/inner.txt                a directory without index.html: listed too
//   root/sub/empty/                   an empty one
//   root/with-index/index.html        a directory with one: served as before
//   root/.hidden                      a dotfile: not listed
//   root/link-out, dir-out, dangling  symlinks out of the root, and to nowhere
//   root/pipe                         a FIFO
struct Site {
    TempDirectory top;
    std::string root = top.path() + "/root";
    // The files a listing of the root must show, with what each holds. No
    // Linux name can hold a '/', so "</script>" cannot be one.
    std::map<std::string, std::string> files = {
        {"plain.txt", "plain\n"},
        {"<script>alert(1).txt", "script\n"},            // unescaped, markup
        {"<img src=x onerror=alert(1)>.txt", "img\n"},    // unescaped, a script that runs
        {"a&b \"c\".txt", "ampersand and quotes\n"},
        {"say \"hi\".txt", "quotes\n"},                  // unescaped in an attribute, its end
        {"it's.txt", "apostrophe\n"},
        {"R&amp;D.txt", "not an ampersand\n"},           // unescaped, shown as "R&D.txt"
        {"100%.txt", "percent\n"},                       // unencoded, "%.t" is a bad escape: 400
        {"a b#c?d.txt", "space, hash, question mark\n"},  // unencoded, '#' and '?' end the path
    };

    Site() {
        top.write("secret.txt", secret);
        for (const auto& [name, content] : files) top.write("root/" + name, content);
        top.write("root/sub/inner.txt", "inner\n");
        std::filesystem::create_directories(root + "/sub/empty");
        top.write("root/with-index/index.html", "<!doctype html><title>an index</title>\n");
        top.write("root/.hidden", "hidden\n");
        std::filesystem::create_symlink(top.path() + "/secret.txt", root + "/link-out");
        std::filesystem::create_directory_symlink(top.path(), root + "/dir-out");
        std::filesystem::create_symlink(root + "/nowhere", root + "/dangling");
        REQUIRE(::mkfifo((root + "/pipe").c_str(), 0644) == 0);
    }
};

std::string media_type(std::string_view content_type) {
    std::string type(content_type.substr(0, content_type.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return type;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The text a browser shows for `html`: character references replaced (named
// ones HTML escaping uses, and numeric ones, decimal or hex, for ASCII).
std::string unescape_html(std::string_view html) {
    static const std::map<std::string, char, std::less<>> named = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    std::string text;
    for (std::size_t i = 0; i < html.size(); ++i) {
        std::size_t semicolon = html.find(';', i);
        if (html[i] != '&' || semicolon == std::string_view::npos || semicolon - i > 8) {
            text += html[i];
            continue;
        }
        std::string_view name = html.substr(i + 1, semicolon - i - 1);
        int code = -1;
        auto number = [&](std::string_view digits, int base) {
            std::from_chars(digits.data(), digits.data() + digits.size(), code, base);
        };
        if (auto found = named.find(name); found != named.end()) code = found->second;
        else if (name.starts_with("#x") || name.starts_with("#X")) number(name.substr(2), 16);
        else if (name.starts_with("#")) number(name.substr(1), 10);
        if (code <= 0 || code > 0x7f) {
            text += html[i];
            continue;
        }
        text += static_cast<char>(code);
        i = semicolon;
    }
    return text;
}

// Every href attribute's value in `html`, character references replaced.
std::vector<std::string> hrefs(std::string_view html) {
    std::vector<std::string> found;
    for (std::size_t at = html.find("href="); at != std::string_view::npos; at = html.find("href=", at + 1)) {
        std::size_t start = at + 5;
        if (start >= html.size() || (html[start] != '"' && html[start] != '\'')) continue;
        std::size_t end = html.find(html[start], start + 1);
        if (end == std::string_view::npos) break;
        found.push_back(unescape_html(html.substr(start + 1, end - start - 1)));
    }
    return found;
}

// Whether a link is a URI path a client sends as it is (RFC 3986 §3.3): only
// pchars and '/', every '%' an escape. No space, quote or '<'; no '?' or '#',
// which would cut the name short into a query or a fragment.
bool is_plain_path_reference(std::string_view reference) {
    constexpr std::string_view allowed = "-._~!$&'()*+,;=:@/%";
    for (std::size_t i = 0; i < reference.size(); ++i) {
        char c = reference[i];
        bool is_escape = i + 2 < reference.size() && hex_value(reference[i + 1]) >= 0 && hex_value(reference[i + 2]) >= 0;
        if (c == '%' && !is_escape) return false;
        if (!std::isalnum(static_cast<unsigned char>(c)) && allowed.find(c) == std::string_view::npos) return false;
    }
    return !reference.empty();
}

std::string percent_decode(std::string_view encoded) {
    std::string decoded;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 &&
            hex_value(encoded[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
            i += 2;
        } else {
            decoded += encoded[i];
        }
    }
    return decoded;
}

// The target a browser requests for `reference` on the page at `base` (a
// path ending in '/'): RFC 3986 §5.2, for path references, dot segments removed.
std::string resolve(const std::string& base, std::string_view reference) {
    std::string merged = reference.starts_with('/') ? std::string(reference) : base + std::string(reference);
    std::vector<std::string> segments;
    std::size_t start = 1;
    for (;;) {
        std::size_t slash = merged.find('/', start);
        std::string segment = merged.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        bool last = slash == std::string::npos;
        if (segment == "..") {
            if (!segments.empty()) segments.pop_back();
            if (last) segments.emplace_back();
        } else if (segment == ".") {
            if (last) segments.emplace_back();
        } else {
            segments.push_back(segment);
        }
        if (last) break;
        start = slash + 1;
    }
    std::string target;
    for (const std::string& segment : segments) target += "/" + segment;
    return target.empty() ? "/" : target;
}

// One link of a listing: where it leads, and the entry it names.
struct Link {
    std::string target;  // as requested, resolved against the listing's path
    std::string name;    // the last segment, percent-decoded, without its trailing '/'
    bool is_directory = false;
    bool is_navigation = false;  // "../", "./": not an entry
};

// GET `path` (a directory, with its '/'), expecting a listing: 200 and HTML.
// Returns its links, in the order they appear.
std::vector<Link> get_listing(std::uint16_t port, const std::string& path, std::string* body = nullptr) {
    Response response = exchange(port, get(path));
    CHECK_MESSAGE(response.well_formed, response.problem);
    REQUIRE_MESSAGE(response.status == 200, "GET ", path, ": a directory without index.html is listed");
    std::string type = response.field("Content-Type").value_or("");
    CHECK(media_type(type) == "text/html");
    CHECK(type.find("charset=utf-8") != std::string::npos);
    std::vector<Link> links;
    for (const std::string& reference : hrefs(response.body)) {
        CAPTURE(reference);
        CHECK_MESSAGE(is_plain_path_reference(reference), "each name is percent-encoded in its link");
        Link link;
        link.target = resolve(path, reference);
        std::string_view trimmed = reference;
        if (trimmed.starts_with("./")) trimmed.remove_prefix(2);
        link.is_navigation = trimmed.empty() || trimmed == "." || trimmed == ".." || trimmed == "../";
        link.is_directory = trimmed.ends_with('/');
        if (link.is_directory) trimmed.remove_suffix(1);
        link.name = percent_decode(trimmed.substr(trimmed.rfind('/') + 1));
        links.push_back(link);
    }
    if (body) *body = response.body;
    return links;
}

// The entries among `links`, as names, directories with their '/'.
std::set<std::string> entries(const std::vector<Link>& links) {
    std::set<std::string> names;
    for (const Link& link : links)
        if (!link.is_navigation) names.insert(link.name + (link.is_directory ? "/" : ""));
    return names;
}

}  // namespace

TEST_CASE("a directory without index.html is answered an HTML page linking its entries, in byte order, "
          "directories with a '/' (RFC 9110 §8.3)") {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    std::vector<Link> links = get_listing(server.port(), "/files/");
    std::set<std::string> names = entries(links);
    for (const auto& file : site.files) {
        CAPTURE(file.first);
        CHECK(names.count(file.first) == 1);
    }
    CHECK(names.count("sub/") == 1);
    CHECK(names.count("with-index/") == 1);
    std::vector<std::string> order;
    for (const Link& link : links)
        if (!link.is_navigation) order.push_back(link.name);
    CAPTURE(order.size());
    CHECK_MESSAGE(std::is_sorted(order.begin(), order.end()), "sorted by name, byte by byte");

    std::set<std::string> in_sub = entries(get_listing(server.port(), "/files/sub/"));
    CHECK(in_sub == std::set<std::string>{"empty/", "inner.txt"});
    CHECK(entries(get_listing(server.port(), "/files/sub/empty/")).empty());
}

TEST_CASE("every name is HTML-escaped in the text and percent-encoded in its link, and each link fetches its "
          "file (RFC 3986 §2.1, §5.2)") {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    std::string body;
    std::vector<Link> links = get_listing(server.port(), "/files/", &body);
    CHECK_MESSAGE(body.find("<script") == std::string::npos, "a name became markup");
    CHECK_MESSAGE(body.find("<img") == std::string::npos, "a name became markup");
    std::string shown = unescape_html(body);
    for (const auto& file : site.files) {
        const std::string& name = file.first;
        CAPTURE(name);
        CHECK_MESSAGE(shown.find(name) != std::string::npos, "the name is shown as text");
        if (name.find_first_of("&<>\"'") != std::string::npos)
            CHECK_MESSAGE(body.find(name) == std::string::npos, "& < > \" ' are escaped in the text");
        auto link = std::find_if(links.begin(), links.end(), [&](const Link& l) { return l.name == name; });
        REQUIRE(link != links.end());
        CAPTURE(link->target);
        Response response = exchange(server.port(), get(link->target));
        CHECK(response.status == 200);
        CHECK(response.body == file.second);
    }
}

TEST_CASE("no link leads outside ROOT or to what the server refuses: symlinks out, a FIFO and dotfiles "
          "are not listed, and every link answers 200") {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    std::vector<Link> links = get_listing(server.port(), "/files/");
    std::set<std::string> names = entries(links);
    for (std::string refused : {"link-out", "dir-out/", "dir-out", "dangling", "pipe", ".hidden"}) {
        CAPTURE(refused);
        CHECK_MESSAGE(names.count(refused) == 0, "a link to what the server refuses is a broken link");
    }
    for (const Link& link : links) {
        CAPTURE(link.target);
        Response response = exchange(server.port(), get(link.target));
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 200);
        CHECK(response.body.find(secret) == std::string::npos);
    }
    // The listing of a directory below is held to the same rules.
    for (const Link& link : get_listing(server.port(), "/files/sub/")) {
        CAPTURE(link.target);
        Response response = exchange(server.port(), get(link.target));
        CHECK(response.status == 200);
        CHECK(response.body.find(secret) == std::string::npos);
    }
}

TEST_CASE("a directory without index.html named without its '/' is redirected to it, as one with an index is "
          "(RFC 9110 §15.4.2)") {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    for (std::string directory : {"sub", "with-index"}) {
        CAPTURE(directory);
        Response response = exchange(server.port(), get("/files/" + directory));
        CHECK(response.status == 301);
        std::string location = response.field("Location").value_or("");
        CHECK(resolve("/files/", location) == "/files/" + directory + "/");
    }
}

TEST_CASE("a directory with index.html is still served its index; HEAD of a listing has its type and length, "
          "no body (RFC 9110 §9.3.2)") {
    Site site;
    Server server({"0", site.root});
    DescriptorCheck descriptors(server);
    Response index = exchange(server.port(), get("/files/with-index/"));
    CHECK(index.status == 200);
    CHECK(index.body == "<!doctype html><title>an index</title>\n");

    Response listing = exchange(server.port(), get("/files/sub/"));
    REQUIRE(listing.status == 200);
    Client client(server.port());
    CHECK(client.send(request("HEAD", "/files/sub/", "Connection: close\r\n")));
    Response headed = client.read_response("HEAD");
    CHECK_MESSAGE(headed.well_formed, headed.problem);
    CHECK(headed.status == 200);
    CHECK(headed.field("Content-Type") == listing.field("Content-Type"));
    CHECK(headed.field("Content-Length") == std::to_string(listing.body.size()));
    CHECK_MESSAGE(client.read_until_close().empty(), "bytes after the head of an answer to HEAD");
}
