// book: the code and the terminal sessions in the book are generated from the
// stages, never typed, and the book shows every line each stage changes.
//
//   book BOOK          refresh every generated block of BOOK: code from the
//                      sources, transcripts by running the stages; then report
//                      what each chapter leaves unshown and which regions no
//                      block uses
//   book --check BOOK  change nothing; fail when a block is stale, a chapter
//                      leaves a changed line unaccounted for, or a region is unused
//
// The directives are in directives.hpp, the transcripts' rules in
// transcripts.hpp, the coverage rules in coverage.hpp; tools/book/README.md
// puts them together. Run from the repository root: paths in the book are
// relative to it. PORTER_BUILD names the build whose binaries the transcripts
// run (build/ by default). The tool never changes a byte of the book outside
// the generated blocks, and never writes a book in which anything failed.
#include <algorithm>
#include <cstdlib>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "blocks.hpp"
#include "coverage.hpp"
#include "directives.hpp"
#include "text.hpp"
#include "transcripts.hpp"

namespace book {

namespace {

struct Problem {
    size_t line = 0;  // 0: not tied to a line of the book
    std::string message;
};

// Where each directive sits, and which chapter it belongs to.
struct Found {
    size_t line = 0;      // index of the directive's first line
    size_t after = 0;     // index of the line after the directive
    Directive directive;
    size_t chapter = 0;   // index into Scan::chapters, or npos before the first chapter
};

struct Scan {
    std::vector<Found> directives;
    std::vector<ChapterShown> chapters;
    std::vector<Problem> errors;
};

constexpr size_t no_chapter = static_cast<size_t>(-1);

// "## Chapter 04 — Serving files" starts chapter 04.
std::optional<std::string> chapter_heading(std::string_view line) {
    constexpr std::string_view prefix = "## Chapter ";
    if (!line.starts_with(prefix) || line.size() < prefix.size() + 2) return std::nullopt;
    std::string number(line.substr(prefix.size(), 2));
    if (!parse_number(number)) return std::nullopt;
    return number;
}

// A fence the author wrote holds examples: a directive inside one is shown to
// the reader, not carried out.
Scan scan(const Lines& book) {
    Scan found;
    std::optional<Fence> example;
    size_t chapter = no_chapter;
    for (size_t i = 0; i < book.size();) {
        const std::string& line = book[i];
        if (example) {
            if (closes(*example, line)) example.reset();
            ++i;
            continue;
        }
        if (const std::optional<std::string> number = chapter_heading(line)) {
            found.chapters.push_back({*number, i + 1, {}});
            chapter = found.chapters.size() - 1;
        }
        const Classified classified = classify(book, i);
        if (classified.kind == LineKind::directive) {
            const size_t after = i + classified.lines;
            const bool labelled = classified.directive.kind != Directive::Kind::run;
            const Result<size_t> end = block_end(book, after, labelled);
            if (!end.value) found.errors.push_back({i + 1, end.error});
            found.directives.push_back({i, after, classified.directive, chapter});
            i = end.value ? *end.value : after;
            continue;
        }
        if (classified.kind == LineKind::malformed) found.errors.push_back({i + 1, classified.error});
        else example = opening_fence(line);
        ++i;
    }
    return found;
}

// Each chapter's transcripts run as one session; the chapters run side by
// side. A transcript this machine cannot run keeps the block it has, and the
// reason is reported once.
struct AllTranscripts {
    std::map<size_t, Result<Lines>> bodies;  // by the directive's line
    std::optional<std::string> not_run;
};

AllTranscripts run_all_transcripts(const Scan& found, const TranscriptSetup& setup) {
    std::map<size_t, std::vector<const Found*>> by_chapter;
    for (const Found& directive : found.directives) {
        if (directive.directive.kind == Directive::Kind::run) by_chapter[directive.chapter].push_back(&directive);
    }
    std::vector<std::pair<std::vector<const Found*>, std::future<Transcripts>>> sessions;
    for (auto& [chapter, directives] : by_chapter) {
        std::vector<const Directive*> runs;
        for (const Found* directive : directives) runs.push_back(&directive->directive);
        sessions.emplace_back(directives, std::async(std::launch::async, run_transcripts, runs, setup));
    }
    AllTranscripts all;
    for (auto& [directives, future] : sessions) {
        Transcripts made = future.get();
        if (made.not_run) {
            all.not_run = made.not_run;
            continue;
        }
        for (size_t i = 0; i < directives.size(); ++i) all.bodies.emplace(directives[i]->line, std::move(made.bodies[i]));
    }
    return all;
}

struct Pass {
    Lines output;                 // the book with every block refreshed
    int code_blocks = 0;
    int transcripts = 0;
    std::vector<Problem> stale;   // blocks that were missing or out of date
    std::vector<Problem> errors;
    std::vector<ChapterShown> chapters;
    std::vector<RegionUse> used;
    std::optional<std::string> transcripts_not_run;  // why, when this machine could not run them
};

// The first lines where the book's block and the fresh one part, for a reader
// of a CI log who must tell a real change from a flaky one.
std::string first_difference(const Lines& old, const Lines& fresh) {
    size_t i = 0;
    while (i < old.size() && i < fresh.size() && old[i] == fresh[i]) ++i;
    auto line = [](const Lines& lines, size_t at) { return at < lines.size() ? "'" + lines[at] + "'" : "(nothing)"; };
    return "; the book has " + line(old, i) + " where the stage now gives " + line(fresh, i);
}

Result<Block> generate(const Directive& directive) {
    return directive.kind == Directive::Kind::code ? code_block(directive) : diff_block(directive);
}

Pass refresh(const Lines& book, const TranscriptSetup& setup) {
    Scan found = scan(book);
    Pass pass;
    pass.errors = found.errors;
    pass.chapters = found.chapters;
    AllTranscripts transcripts = run_all_transcripts(found, setup);
    pass.transcripts_not_run = transcripts.not_run;
    size_t copied = 0;
    for (const Found& directive : found.directives) {
        const Result<size_t> end = block_end(book, directive.after, directive.directive.kind != Directive::Kind::run);
        if (!end.value) continue;
        pass.output.insert(pass.output.end(), book.begin() + static_cast<long>(copied), book.begin() + static_cast<long>(directive.after));
        const Lines old(book.begin() + static_cast<long>(directive.after), book.begin() + static_cast<long>(*end.value));
        std::optional<Lines> fresh;
        if (directive.directive.kind == Directive::Kind::run) {
            ++pass.transcripts;
            if (const auto body = transcripts.bodies.find(directive.line); body != transcripts.bodies.end()) {
                if (body->second.value) fresh = render(Block{"", "text", std::move(*body->second.value), {}});
                else pass.errors.push_back({directive.line + 1, body->second.error});
            }
        } else {
            ++pass.code_blocks;
            Result<Block> block = generate(directive.directive);
            if (block.value) {
                if (directive.chapter != no_chapter) pass.chapters[directive.chapter].blocks.push_back(block.value->shown);
                fresh = render(*block.value);
            } else {
                pass.errors.push_back({directive.line + 1, block.error});
            }
            if (directive.directive.kind == Directive::Kind::code && !directive.directive.region.empty() &&
                directive.directive.region != "^") {
                pass.used.push_back({directive.directive.file, directive.directive.region});
                if (!directive.directive.except.empty()) pass.used.push_back({directive.directive.file, directive.directive.except});
            }
        }
        const Lines& kept = fresh ? *fresh : old;
        if (fresh && *fresh != old) pass.stale.push_back({directive.line + 1, "block is stale (run 'make book')" + first_difference(old, *fresh)});
        pass.output.insert(pass.output.end(), kept.begin(), kept.end());
        copied = *end.value;
    }
    pass.output.insert(pass.output.end(), book.begin() + static_cast<long>(copied), book.end());
    return pass;
}

// What the chapters leave out and which regions nobody uses: problems for
// --check, a report for a refresh.
struct Audit {
    std::vector<Problem> problems;
    Lines summary;
};

Audit audit(const Pass& pass) {
    Audit audit;
    for (const ChapterShown& chapter : pass.chapters) {
        const Result<ChapterCoverage> coverage = chapter_coverage(chapter);
        if (!coverage.value) {
            audit.summary.push_back("chapter " + chapter.number + ": " + coverage.error);
            continue;
        }
        const ChapterCoverage& c = *coverage.value;
        if (c.unaccounted == 0) {
            audit.summary.push_back("chapter " + c.number + " shows all " + std::to_string(c.changed) + " lines " + c.stage + " changes");
            continue;
        }
        audit.summary.push_back("chapter " + c.number + " leaves " + std::to_string(c.unaccounted) + " of the " +
                                std::to_string(c.changed) + " lines " + c.stage + " changes unshown");
        for (const Missing& missing : c.missing) {
            std::string where = missing.file + ":";
            if (!missing.added.empty()) where += " " + describe_lines(missing.added);
            if (!missing.removed.empty())
                where += std::string(missing.added.empty() ? "" : ";") + " removed " + describe_lines(missing.removed) +
                         " of " + missing.previous_file;
            audit.problems.push_back({chapter.line, "chapter " + c.number + " does not show " + where});
        }
    }
    const RegionReport regions = find_unused_regions(pass.used);
    for (const std::string& error : regions.errors) audit.problems.push_back({0, error});
    for (const UnusedRegion& region : regions.unused)
        audit.problems.push_back({0, region.file + ":" + std::to_string(region.line) + ": region '" + region.name +
                                         "' is used by no block of the book"});
    if (!regions.unused.empty())
        audit.summary.push_back(std::to_string(regions.unused.size()) + " region(s) used by no block");
    return audit;
}

void print_problems(const std::string& book, std::vector<Problem> problems) {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) { return a.line < b.line; });
    for (const Problem& problem : problems) {
        if (problem.line > 0) std::cerr << book << ':' << problem.line << ": ";
        std::cerr << problem.message << '\n';
    }
}

std::string counts(const Pass& pass) {
    std::string text = std::to_string(pass.code_blocks) + " code blocks, " + std::to_string(pass.transcripts) + " transcripts";
    if (pass.transcripts_not_run) text += " (not run: " + *pass.transcripts_not_run + ")";
    return text;
}

int write_book(const std::string& path, const std::string& original, const Pass& pass) {
    if (!pass.errors.empty()) {
        print_problems(path, pass.errors);
        std::cerr << path << ": not written\n";
        return 1;
    }
    const std::string updated = join_lines(pass.output);
    if (updated != original) {
        if (const std::string error = write_atomically(path, updated); !error.empty()) {
            std::cerr << "book: " << error << '\n';
            return 1;
        }
    }
    std::cout << path << ": " << counts(pass) << ", " << pass.stale.size() << " refreshed\n";
    const Audit found = audit(pass);
    print_problems(path, found.problems);
    for (const std::string& line : found.summary) std::cout << path << ": " << line << '\n';
    return 0;
}

int check_book(const std::string& path, const Pass& pass) {
    std::vector<Problem> problems = pass.errors;
    problems.insert(problems.end(), pass.stale.begin(), pass.stale.end());
    const Audit found = audit(pass);
    problems.insert(problems.end(), found.problems.begin(), found.problems.end());
    print_problems(path, problems);
    for (const std::string& line : found.summary) std::cout << path << ": " << line << '\n';
    if (!problems.empty()) return 1;
    std::cout << path << ": " << counts(pass) << ", up to date\n";
    return 0;
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

}  // namespace

}  // namespace book

int main(int argc, char** argv) {
    using namespace book;
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
    const char* build = std::getenv("PORTER_BUILD");
    const TranscriptSetup setup{build && *build ? build : "build", "."};
    const Pass pass = refresh(split_lines(*text.value), setup);
    return options->check ? check_book(options->book, pass) : write_book(options->book, *text.value, pass);
}
