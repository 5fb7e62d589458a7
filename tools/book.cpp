// book: the code in the book is generated from the stage sources, never typed.
//
// A directive is an HTML comment alone on a line that names a stage source:
// <!-- code FILE -->, <!-- code FILE#REGION -->, <!-- diff FILE --> or
// <!-- diff FILE@N -->. `book BOOK` writes, right after each directive, a label
// line and a fenced block holding that file, a named region of it, or its diff
// against the previous chapter. `book --check BOOK` writes nothing and fails when
// a block is stale or a directive names a file, region or hunk that is not there.
// It never changes a byte of the book outside the generated blocks, and never
// writes a book in which any directive failed.
//
// Usage: book [--check] BOOK  (run from the repository root: the paths in the
// directives are relative to the current directory.)
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace fs = std::filesystem;

using Lines = std::vector<std::string>;

// What an operation produced, or why it could not: exactly one of the two is set.
template <typename T>
struct Result {
    std::optional<T> value;
    std::string error;
};

template <typename T>
Result<T> success(T value) {
    return Result<T>{std::move(value), {}};
}

template <typename T>
Result<T> failure(std::string message) {
    return Result<T>{std::nullopt, std::move(message)};
}

std::string_view trim(std::string_view text) {
    const size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

// Splitting on '\n' alone and joining the same way gives back the exact bytes,
// CRs and a missing final newline included, so every line of the book outside
// the generated blocks survives untouched.
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

// In a source file the final newline ends the last line; it does not start an
// empty one that the line numbers would count.
Lines source_lines(std::string_view text) {
    Lines lines = split_lines(text);
    if (lines.back().empty()) lines.pop_back();
    return lines;
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

Result<std::string> read_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return failure<std::string>("cannot read " + path + ": " + std::strerror(errno));
    std::optional<std::string> text = read_all(fd);
    const int error = errno;
    ::close(fd);
    if (!text) return failure<std::string>("cannot read " + path + ": " + std::strerror(error));
    return success(std::move(*text));
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t put = ::write(fd, text.data(), text.size());
        if (put > 0) text.remove_prefix(static_cast<size_t>(put));
        else if (put < 0 && errno != EINTR) return false;
    }
    return true;
}

// Returns why the write failed, or an empty string. The temporary file sits
// beside the book so rename(2) stays on one filesystem and a reader sees the old
// book or the new one, never half of one; it takes the book's permissions, which
// mkstemp would otherwise narrow to 0600.
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

struct Child {
    pid_t pid = -1;
    int output = -1;  // the read end of the pipe that is the child's stdout
};

// The child's stderr goes to /dev/null: callers report failures themselves, in
// the book's own FILE:LINE form.
Result<Child> spawn_reading(Lines args) {
    int ends[2];
    if (::pipe(ends) != 0) return failure<Child>(std::string("cannot make a pipe: ") + std::strerror(errno));
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, ends[0]);
    posix_spawn_file_actions_addclose(&actions, ends[1]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int error = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(ends[1]);
    if (error == 0) return success(Child{pid, ends[0]});
    ::close(ends[0]);
    return failure<Child>("cannot run " + args[0] + ": " + std::strerror(error));
}

// Returns the wait status, or -1, which no exit status decodes to, on failure.
int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return status;
}

// diff exits 0 when the files are the same and 1 when they differ; only 2 and
// up is trouble.
Result<std::string> run_diff(const std::string& old_file, const std::string& new_file) {
    Result<Child> child = spawn_reading({"diff", "-U3", "--", old_file, new_file});
    if (!child.value) return failure<std::string>(child.error);
    std::optional<std::string> output = read_all(child.value->output);
    ::close(child.value->output);
    const int status = wait_for(child.value->pid);
    if (!output || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
        return failure<std::string>("diff -U3 " + old_file + " " + new_file + " failed");
    return success(std::move(*output));
}

struct Directive {
    enum class Kind { Code, Diff };
    Kind kind = Kind::Code;
    std::string file;
    std::string region;  // code only; empty for the whole file
    int hunk = 0;        // diff only; 0 for every hunk
};

enum class LineKind { Text, Directive, Malformed };

struct Classified {
    LineKind kind = LineKind::Text;
    Directive directive;
    std::string error;  // set for Malformed
};

Classified malformed(std::string_view line) {
    return Classified{LineKind::Malformed, {},
                      "malformed directive '" + std::string(line) +
                          "': expected <!-- code FILE[#REGION] --> or <!-- diff FILE[@N] -->"};
}

Classified parse_code(const std::string& target, std::string_view line) {
    Directive directive{Directive::Kind::Code, target, {}, 0};
    if (const size_t hash = target.rfind('#'); hash != std::string::npos) {
        directive.file = target.substr(0, hash);
        directive.region = target.substr(hash + 1);
        if (directive.region.empty()) return malformed(line);
    }
    if (directive.file.empty()) return malformed(line);
    return Classified{LineKind::Directive, directive, {}};
}

Classified parse_diff(const std::string& target, std::string_view line) {
    Directive directive{Directive::Kind::Diff, target, {}, 0};
    if (const size_t at = target.rfind('@'); at != std::string::npos) {
        directive.file = target.substr(0, at);
        const std::optional<int> hunk = parse_number(std::string_view(target).substr(at + 1));
        if (!hunk || *hunk < 1) return malformed(line);
        directive.hunk = *hunk;
    }
    if (directive.file.empty()) return malformed(line);
    return Classified{LineKind::Directive, directive, {}};
}

// Only comments whose first word is `code` or `diff` are claimed, so the book
// stays free to use HTML comments for anything else.
Classified classify(std::string_view line) {
    const std::string_view text = trim(line);
    if (text.size() < 7 || !text.starts_with("<!--") || !text.ends_with("-->")) return {};
    const Lines parts = words(text.substr(4, text.size() - 7));
    if (parts.empty() || (parts[0] != "code" && parts[0] != "diff")) return {};
    if (parts.size() != 2) return malformed(text);
    return parts[0] == "code" ? parse_code(parts[1], text) : parse_diff(parts[1], text);
}

struct Marker {
    bool opens = false;
    std::string name;  // may be empty or hold spaces when the marker is malformed
};

// `// #region NAME` in C++, `# #region NAME` in Makefiles and shell scripts.
std::optional<Marker> parse_marker(std::string_view line) {
    std::string_view text = trim(line);
    if (text.starts_with("//")) text.remove_prefix(2);
    else if (text.starts_with("#")) text.remove_prefix(1);
    else return std::nullopt;
    text = trim(text);
    for (const std::string_view keyword : {"#region", "#endregion"}) {
        if (!text.starts_with(keyword)) continue;
        const std::string_view rest = text.substr(keyword.size());
        if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') continue;
        return Marker{keyword == "#region", std::string(trim(rest))};
    }
    return std::nullopt;
}

bool is_region_name(std::string_view name) {
    return !name.empty() && name.find_first_of(" \t") == std::string_view::npos;
}

struct OpenRegion {
    std::string name;
    size_t line = 0;
};

// Returns "LINE: what is wrong" for the first broken marker, or an empty
// string. The whole file is checked, not just the region asked for, so a broken
// marker is caught the first time any region of its file is used.
std::string check_markers(const Lines& source) {
    std::vector<OpenRegion> open;
    std::map<std::string, size_t> first_seen;
    for (size_t i = 0; i < source.size(); ++i) {
        const std::optional<Marker> marker = parse_marker(source[i]);
        if (!marker) continue;
        const std::string at = std::to_string(i + 1) + ": ";
        if (!is_region_name(marker->name)) return at + "a region marker needs one name";
        if (marker->opens) {
            const auto [seen, fresh] = first_seen.emplace(marker->name, i + 1);
            if (!fresh)
                return at + "region '" + marker->name + "' appears twice (first at line " +
                       std::to_string(seen->second) + ")";
            open.push_back({marker->name, i + 1});
        } else if (open.empty()) {
            return at + "'#endregion " + marker->name + "' has no '#region " + marker->name + "' before it";
        } else if (open.back().name != marker->name) {
            return at + "'#endregion " + marker->name + "' comes before '#endregion " + open.back().name +
                   "' (opened at line " + std::to_string(open.back().line) + "): regions must nest";
        } else {
            open.pop_back();
        }
    }
    if (open.empty()) return {};
    return std::to_string(open.back().line) + ": region '" + open.back().name + "' is never closed";
}

struct Excerpt {
    Lines lines;
    size_t first = 0;  // line numbers in the file of the first and last line kept
    size_t last = 0;
};

// Assumes check_markers passed. Markers of regions nested inside are dropped:
// they mean something to this tool, nothing to the reader.
std::optional<Excerpt> collect_region(const Lines& source, const std::string& name) {
    std::optional<Excerpt> excerpt;
    for (size_t i = 0; i < source.size(); ++i) {
        const std::optional<Marker> marker = parse_marker(source[i]);
        if (marker && marker->name == name) {
            if (!marker->opens) break;
            excerpt.emplace();
            continue;
        }
        if (!excerpt || marker) continue;
        if (excerpt->lines.empty()) excerpt->first = i + 1;
        excerpt->last = i + 1;
        excerpt->lines.push_back(source[i]);
    }
    return excerpt;
}

Result<Excerpt> find_region(const Lines& source, const std::string& file, const std::string& name) {
    const std::string broken = check_markers(source);
    if (!broken.empty()) return failure<Excerpt>(file + ":" + broken);
    std::optional<Excerpt> excerpt = collect_region(source, name);
    if (!excerpt) return failure<Excerpt>("no region '" + name + "' in " + file);
    if (excerpt->lines.empty()) return failure<Excerpt>("region '" + name + "' in " + file + " is empty");
    return success(std::move(*excerpt));
}

struct Hunk {
    std::string header;  // the "@@ -a,b +c,d @@" line
    int first = 0;       // where the hunk starts in the new file
    int count = 0;       // how many lines of the new file it spans
    Lines body;
};

// Reads the "+c,d" half of "@@ -a,b +c,d @@"; a missing ",d" means one line.
Hunk parse_header(const std::string& line) {
    Hunk hunk{line, 0, 1, {}};
    const size_t plus = line.find(" +");
    if (plus == std::string::npos) return hunk;
    const std::string_view range = std::string_view(line).substr(plus + 2);
    const std::string_view numbers = range.substr(0, range.find(' '));
    const size_t comma = numbers.find(',');
    hunk.first = parse_number(numbers.substr(0, comma)).value_or(0);
    if (comma != std::string_view::npos) hunk.count = parse_number(numbers.substr(comma + 1)).value_or(0);
    return hunk;
}

// The ---/+++ file headers all come before the first @@, and inside a hunk
// every line starts with ' ', '-', '+' or, for diff's own notes such as
// "\ No newline at end of file", a backslash.
std::vector<Hunk> parse_hunks(const std::string& diff_output) {
    std::vector<Hunk> hunks;
    for (const std::string& line : source_lines(diff_output)) {
        if (line.starts_with("@@")) hunks.push_back(parse_header(line));
        else if (!hunks.empty() && !line.starts_with('\\')) hunks.back().body.push_back(line);
    }
    return hunks;
}

struct StagePath {
    fs::path chapters;  // the chapters/ directory itself
    std::string stage;  // "02-request"
    fs::path rest;      // the file's path inside the stage
};

std::optional<StagePath> split_stage_path(const std::string& file) {
    const fs::path path(file);
    StagePath where;
    auto part = path.begin();
    for (; part != path.end() && *part != "chapters"; ++part) where.chapters /= *part;
    if (part == path.end() || std::next(part) == path.end() || std::next(part, 2) == path.end())
        return std::nullopt;
    where.chapters /= *part;
    where.stage = std::next(part)->string();
    for (auto it = std::next(part, 2); it != path.end(); ++it) where.rest /= *it;
    return where;
}

// chapters/ sorted by name is the order of the book.
Result<Lines> list_stages(const fs::path& chapters) {
    std::error_code error;
    Lines stages;
    for (fs::directory_iterator it(chapters, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with('.') && it->is_directory(error)) stages.push_back(name);
    }
    if (error) return failure<Lines>("cannot list " + chapters.string() + ": " + error.message());
    std::sort(stages.begin(), stages.end());
    return success(std::move(stages));
}

struct Stage {
    std::string previous_file;    // the same file in the previous stage
    std::string previous_number;  // "01" for 01-socket
};

Result<Stage> previous_stage(const std::string& file) {
    const std::optional<StagePath> where = split_stage_path(file);
    if (!where) return failure<Stage>(file + " is not in a stage under chapters/, so it has no previous chapter");
    const Result<Lines> stages = list_stages(where->chapters);
    if (!stages.value) return failure<Stage>(stages.error);
    const auto found = std::find(stages.value->begin(), stages.value->end(), where->stage);
    if (found == stages.value->end())
        return failure<Stage>("no stage " + where->stage + " in " + where->chapters.string());
    if (found == stages.value->begin())
        return failure<Stage>(file + " is in the first stage, so it has no previous chapter");
    const std::string& previous = *std::prev(found);
    return success(Stage{(where->chapters / previous / where->rest).string(), previous.substr(0, previous.find('-'))});
}

struct Block {
    std::string label;
    std::string language;
    Lines body;
};

std::string fence_language(const std::string& file) {
    const fs::path path(file);
    const std::string extension = path.extension().string();
    if (extension == ".cpp" || extension == ".hpp" || extension == ".h" || extension == ".cc") return "cpp";
    if (path.filename() == "Makefile" || extension == ".mk") return "make";
    if (extension == ".sh") return "bash";
    return "";
}

std::string line_range(size_t first, size_t last) {
    if (last < first) return "";
    if (first == last) return ", line " + std::to_string(first);
    return ", lines " + std::to_string(first) + "\u2013" + std::to_string(last);
}

Result<Block> code_block(const Directive& directive) {
    const std::string& file = directive.file;
    const Result<std::string> text = read_file(file);
    if (!text.value) return failure<Block>(text.error);
    const Lines source = source_lines(*text.value);
    if (directive.region.empty()) {
        if (source.empty()) return failure<Block>(file + " is empty");
        return success(Block{"*" + file + line_range(1, source.size()) + "*", fence_language(file), source});
    }
    Result<Excerpt> excerpt = find_region(source, file, directive.region);
    if (!excerpt.value) return failure<Block>(excerpt.error);
    const std::string label = "*" + file + line_range(excerpt.value->first, excerpt.value->last) + "*";
    return success(Block{label, fence_language(file), std::move(excerpt.value->lines)});
}

// In a whole-file diff each hunk after the first keeps its @@ line, so the
// reader sees where one hunk ends and the next begins; a lone hunk needs none,
// since the label already says where it is.
Result<Block> pick_hunks(const Directive& directive, const Stage& stage, const std::vector<Hunk>& hunks) {
    const std::string chapter = "chapter " + stage.previous_number;
    if (hunks.empty()) return failure<Block>(directive.file + " has no changes from " + chapter);
    if (directive.hunk > static_cast<int>(hunks.size()))
        return failure<Block>("no hunk " + std::to_string(directive.hunk) + " in the diff of " + directive.file +
                              " from " + chapter + ", which has " + std::to_string(hunks.size()) + " hunk(s)");
    const auto first = directive.hunk == 0 ? hunks.begin() : hunks.begin() + (directive.hunk - 1);
    const auto last = directive.hunk == 0 ? hunks.end() : first + 1;
    Lines body;
    for (auto hunk = first; hunk != last; ++hunk) {
        if (hunk != first) body.push_back(hunk->header);
        body.insert(body.end(), hunk->body.begin(), hunk->body.end());
    }
    const int end = std::prev(last)->first + std::prev(last)->count - 1;
    const std::string range = end < first->first ? "" : line_range(first->first, end);
    return success(Block{"*" + directive.file + range + " (changes from " + chapter + ")*", "diff", body});
}

Result<Block> diff_block(const Directive& directive) {
    const std::string& file = directive.file;
    if (::access(file.c_str(), R_OK) != 0) return failure<Block>("cannot read " + file + ": " + std::strerror(errno));
    const Result<Stage> stage = previous_stage(file);
    if (!stage.value) return failure<Block>(stage.error);
    // A file new in this stage is shown as all additions.
    const std::string& previous = stage.value->previous_file;
    const std::string old_file = ::access(previous.c_str(), F_OK) == 0 ? previous : "/dev/null";
    const Result<std::string> output = run_diff(old_file, file);
    if (!output.value) return failure<Block>(output.error);
    return pick_hunks(directive, *stage.value, parse_hunks(*output.value));
}

struct Fence {
    char mark = '`';
    size_t length = 0;
};

// The leading run of `mark` after at most three spaces, as CommonMark allows
// for fences.
size_t fence_run(std::string_view line, char mark) {
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || indent > 3 || line[indent] != mark) return 0;
    const size_t end = line.find_first_not_of(mark, indent);
    return (end == std::string_view::npos ? line.size() : end) - indent;
}

std::optional<Fence> opening_fence(std::string_view line) {
    for (const char mark : {'`', '~'}) {
        const size_t length = fence_run(line, mark);
        if (length < 3) continue;
        // A backtick in the info string makes the line inline code, not a fence.
        const std::string_view info = line.substr(line.find(mark) + length);
        if (mark == '`' && info.find('`') != std::string_view::npos) return std::nullopt;
        return Fence{mark, length};
    }
    return std::nullopt;
}

bool closes(const Fence& fence, std::string_view line) {
    const size_t length = fence_run(line, fence.mark);
    if (length < fence.length) return false;
    return trim(line.substr(line.find(fence.mark) + length)).empty();
}

// One backtick longer than any run that starts a line of the body, so no line
// of the body can close the fence early.
std::string fence_for(const Lines& body) {
    size_t longest = 2;
    for (const std::string& line : body) longest = std::max(longest, fence_run(line, '`'));
    return std::string(longest + 1, '`');
}

Lines render(const Block& block) {
    const std::string fence = fence_for(block.body);
    Lines lines{block.label, fence + block.language};
    lines.insert(lines.end(), block.body.begin(), block.body.end());
    lines.push_back(fence);
    return lines;
}

struct Problem {
    size_t line = 0;
    std::string message;
};

struct Pass {
    Lines output;               // the book with every block refreshed
    int blocks = 0;             // directives seen
    std::vector<size_t> stale;  // lines of directives whose block was missing or out of date
    std::vector<Problem> errors;
};

// Where the block generated for a directive ends, given the line after the
// directive: that same line when no block follows.
Result<size_t> old_block_end(const Lines& book, size_t after) {
    size_t fence_line = after;
    if (after + 1 < book.size() && book[after].starts_with('*') && opening_fence(book[after + 1])) ++fence_line;
    const std::optional<Fence> fence = fence_line < book.size() ? opening_fence(book[fence_line]) : std::nullopt;
    if (!fence) return success(after);
    for (size_t i = fence_line + 1; i < book.size(); ++i) {
        if (closes(*fence, book[i])) return success(i + 1);
    }
    return failure<size_t>("the block after this directive has no closing fence");
}

Result<Block> generate(const Directive& directive) {
    return directive.kind == Directive::Kind::Code ? code_block(directive) : diff_block(directive);
}

// `after` is the index of the line after the directive, which is also the
// directive's own line number. Returns the index to go on from.
size_t refresh_block(const Lines& book, size_t after, const Directive& directive, Pass& pass) {
    ++pass.blocks;
    const Result<size_t> end = old_block_end(book, after);
    if (!end.value) {
        pass.errors.push_back({after, end.error});
        return after;
    }
    const Lines old(book.begin() + static_cast<std::ptrdiff_t>(after),
                    book.begin() + static_cast<std::ptrdiff_t>(*end.value));
    const Result<Block> block = generate(directive);
    if (!block.value) pass.errors.push_back({after, block.error});
    const Lines fresh = block.value ? render(*block.value) : old;
    if (fresh != old) pass.stale.push_back(after);
    pass.output.insert(pass.output.end(), fresh.begin(), fresh.end());
    return *end.value;
}

// A fence the author wrote holds examples: a directive inside one is shown to
// the reader, not carried out.
Pass refresh_book(const Lines& book) {
    Pass pass;
    std::optional<Fence> example;
    size_t i = 0;
    while (i < book.size()) {
        const std::string& line = book[i++];
        pass.output.push_back(line);
        if (example) {
            if (closes(*example, line)) example.reset();
            continue;
        }
        const Classified found = classify(line);
        if (found.kind == LineKind::Directive) i = refresh_block(book, i, found.directive, pass);
        else if (found.kind == LineKind::Malformed) pass.errors.push_back({i, found.error});
        else example = opening_fence(line);
    }
    return pass;
}

struct Options {
    bool check = false;
    std::string book;
};

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--check" && !options.check) options.check = true;
        else if (!arg.empty() && !arg.starts_with('-') && options.book.empty()) options.book = arg;
        else return std::nullopt;
    }
    if (options.book.empty()) return std::nullopt;
    return options;
}

void print_problems(const std::string& book, std::vector<Problem> problems) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    for (const Problem& problem : problems) std::cerr << book << ':' << problem.line << ": " << problem.message << '\n';
}

int write_book(const Options& options, const std::string& original, const Pass& pass) {
    if (!pass.errors.empty()) {
        print_problems(options.book, pass.errors);
        return 1;
    }
    const std::string updated = join_lines(pass.output);
    if (updated != original) {
        const std::string error = write_atomically(options.book, updated);
        if (!error.empty()) {
            std::cerr << "book: " << error << '\n';
            return 1;
        }
    }
    std::cout << options.book << ": " << pass.blocks << " blocks, " << pass.stale.size() << " refreshed\n";
    return 0;
}

int check_book(const Options& options, const Pass& pass) {
    std::vector<Problem> problems = pass.errors;
    for (const size_t line : pass.stale) problems.push_back({line, "block is stale (run 'make book')"});
    if (!problems.empty()) {
        print_problems(options.book, problems);
        return 1;
    }
    std::cout << options.book << ": " << pass.blocks << " blocks, up to date\n";
    return 0;
}

int main(int argc, char** argv) {
    const std::optional<Options> options = parse_options(argc, argv);
    if (!options) {
        std::cerr << "usage: book [--check] BOOK.md\n";
        return 2;
    }
    const Result<std::string> text = read_file(options->book);
    if (!text.value) {
        std::cerr << "book: " << text.error << '\n';
        return 1;
    }
    const Pass pass = refresh_book(split_lines(*text.value));
    return options->check ? check_book(*options, pass) : write_book(*options, *text.value, pass);
}
