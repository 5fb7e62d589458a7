// text: lines, words and files (text.hpp).
#include "text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace book {

namespace fs = std::filesystem;

std::string_view trim(std::string_view text) {
    const size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

Lines words(std::string_view text) {
    std::istringstream stream{std::string(text)};
    Lines found;
    for (std::string word; stream >> word;) found.push_back(word);
    return found;
}

std::optional<int> parse_number(std::string_view text) {
    int number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return number;
}

bool starts_with_word(std::string_view text, std::string_view word) {
    return text.starts_with(word) && (text.size() == word.size() || text[word.size()] == ' ');
}

Lines split_lines(std::string_view text) {
    Lines lines;
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string_view::npos; start = end + 1)
        lines.emplace_back(text.substr(start, end - start));
    lines.emplace_back(text.substr(start));
    return lines;
}

std::string join_lines(const Lines& lines) {
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) text += '\n';
        text += lines[i];
    }
    return text;
}

Lines source_lines(std::string_view text) {
    Lines lines = split_lines(text);
    if (lines.back().empty()) lines.pop_back();
    return lines;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    if (from.empty()) return text;
    for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
        text.replace(at, from.size(), to);
    return text;
}

namespace {

std::optional<std::string> read_all(int fd) {
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got == 0) return text;
        if (got > 0) text.append(buffer, static_cast<size_t>(got));
        else if (errno != EINTR) return std::nullopt;
    }
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t put = ::write(fd, text.data(), text.size());
        if (put > 0) text.remove_prefix(static_cast<size_t>(put));
        else if (put < 0 && errno != EINTR) return false;
    }
    return true;
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return failure<std::string>("cannot read " + path + ": " + std::strerror(errno));
    std::optional<std::string> text = read_all(fd);
    const int error = errno;
    ::close(fd);
    if (!text) return failure<std::string>("cannot read " + path + ": " + std::strerror(error));
    return success(std::move(*text));
}

// The temporary file sits beside the target so rename(2) stays on one
// filesystem; it takes the target's permissions, which mkstemp would otherwise
// narrow to 0600.
std::string write_atomically(const std::string& path, const std::string& text) {
    const fs::path target(path);
    std::string temp = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return "cannot create a file beside " + path + ": " + std::strerror(errno);
    struct stat info {};
    const bool written = ::stat(path.c_str(), &info) == 0 && ::fchmod(fd, info.st_mode & 07777) == 0 &&
                         write_all(fd, text) && ::fsync(fd) == 0;
    const int write_error = errno;
    if (::close(fd) == 0 && written && ::rename(temp.c_str(), path.c_str()) == 0) return {};
    const int error = written ? errno : write_error;
    ::unlink(temp.c_str());
    return "cannot write " + path + ": " + std::strerror(error);
}

}  // namespace book
