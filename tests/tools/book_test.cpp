// book_test: the book tool, run for real on a throwaway tree.
//
// Each case builds a tiny repository in a fresh temporary directory (two stages
// of one source file and a book), runs the binary named by PORTER_BOOK_TOOL
// there, and checks how it exited, what it said and what it left in the book.
// It never touches the real book or chapters, and never waits on the tool for
// longer than a fixed deadline.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Stage one: lines 4-10 are the region greet, with the region inner nested in it.
const char* const stage_one =
    "// x: stage one.\n"
    "#include <cstdio>\n"
    "\n"
    "// #region greet\n"
    "int greet() {\n"
    "    // #region inner\n"
    "    return 1;\n"
    "    // #endregion inner\n"
    "}\n"
    "// #endregion greet\n"
    "\n"
    "int one() { return 1; }\n"
    "int two() { return 2; }\n"
    "int three() { return 3; }\n"
    "int four() { return 4; }\n"
    "int five() { return 5; }\n"
    "int six() { return 6; }\n"
    "int seven() { return 7; }\n"
    "\n"
    "int main() { return greet(); }\n";

// Stage two changes lines 7 and 20, far enough apart for two hunks.
const char* const stage_two =
    "// x: stage one.\n"
    "#include <cstdio>\n"
    "\n"
    "// #region greet\n"
    "int greet() {\n"
    "    // #region inner\n"
    "    return 2;\n"
    "    // #endregion inner\n"
    "}\n"
    "// #endregion greet\n"
    "\n"
    "int one() { return 1; }\n"
    "int two() { return 2; }\n"
    "int three() { return 3; }\n"
    "int four() { return 4; }\n"
    "int five() { return 5; }\n"
    "int six() { return 6; }\n"
    "int seven() { return 7; }\n"
    "\n"
    "int main() { return greet() - 2; }\n";

// Prose around the directives, an HTML comment that is not a directive, and a
// fenced example holding a directive, which must stay an example. No final
// newline, which must stay missing.
const std::string book_head =
    "# A tiny book\n"
    "\n"
    "Prose with <!-- an inline comment --> in it.\n"
    "<!-- a note for the editor -->\n"
    "\n"
    "<!-- code chapters/01-a/x.cpp#greet -->\n";
const std::string book_middle =
    "\n"
    "Between the blocks.\n"
    "\n"
    "```markdown\n"
    "<!-- code chapters/01-a/x.cpp -->\n"
    "```\n"
    "\n"
    "<!-- diff chapters/02-b/x.cpp@1 -->\n";
const std::string book_tail = "\nThe end, without a final newline.";

const std::string region_block =
    "*chapters/01-a/x.cpp, lines 5\u20139*\n"
    "```cpp\n"
    "int greet() {\n"
    "    return 1;\n"
    "}\n"
    "```\n";

const std::string hunk_block =
    "*chapters/02-b/x.cpp, lines 4\u201310 (changes from chapter 01)*\n"
    "```diff\n"
    " // #region greet\n"
    " int greet() {\n"
    "     // #region inner\n"
    "-    return 1;\n"
    "+    return 2;\n"
    "     // #endregion inner\n"
    " }\n"
    " // #endregion greet\n"
    "```\n";

struct Run {
    int exit_code = -1;  // -1 when the tool did not exit normally
    std::string out;
    std::string err;
};

std::string tool_path() {
    const char* tool = std::getenv("PORTER_BOOK_TOOL");
    REQUIRE_MESSAGE(tool != nullptr, "set PORTER_BOOK_TOOL to the path of the book binary");
    char resolved[PATH_MAX];
    // The tool runs in the sandbox, so a relative path must be fixed here first.
    REQUIRE_MESSAGE(::realpath(tool, resolved) != nullptr, "PORTER_BOOK_TOOL does not exist: ", std::string(tool));
    return resolved;
}

// Reads the child's stdout and stderr until both close, or the deadline passes.
bool drain(int out_fd, int err_fd, Run& run) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    std::string* sinks[2] = {&run.out, &run.err};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || ::poll(fds, 2, static_cast<int>(left.count())) <= 0) return false;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buffer[4096];
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0) sinks[i]->append(buffer, static_cast<size_t>(got));
            else fds[i].fd = -1;
        }
    }
    return true;
}

class Sandbox {
public:
    Sandbox() {
        std::string pattern = (fs::temp_directory_path() / "book_test.XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        root_ = pattern;
        write("chapters/01-a/x.cpp", stage_one);
        write("chapters/02-b/x.cpp", stage_two);
        write("book.md", book_head + book_middle + book_tail);
    }
    ~Sandbox() {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    void write(const std::string& relative, const std::string& text) const {
        const fs::path path = root_ / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << text;
    }

    std::string read(const std::string& relative) const {
        std::ifstream file(root_ / relative, std::ios::binary);
        std::ostringstream text;
        text << file.rdbuf();
        return text.str();
    }

    Run run(const std::vector<std::string>& args) const {
        std::vector<std::string> words{tool_path()};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& word : words) argv.push_back(word.data());
        argv.push_back(nullptr);
        const std::string dir = root_.string();
        int out[2], err[2];
        REQUIRE(::pipe(out) == 0);
        REQUIRE(::pipe(err) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) exec_child(dir.c_str(), out, err, argv.data());
        ::close(out[1]);
        ::close(err[1]);
        Run run;
        const bool finished = drain(out[0], err[0], run);
        ::close(out[0]);
        ::close(err[0]);
        if (!finished) ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        REQUIRE_MESSAGE(finished, "the book tool did not finish in time");
        if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
        return run;
    }

private:
    // Between fork and exec only async-signal-safe calls are allowed.
    [[noreturn]] static void exec_child(const char* dir, int out[2], int err[2], char** argv) {
        if (::chdir(dir) != 0) ::_exit(126);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        ::close(err[0]);
        ::close(err[1]);
        ::execv(argv[0], argv);
        ::_exit(127);
    }

    fs::path root_;
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "expected to find: ", from);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("book fills in the code blocks of the book from the stage sources") {
    Sandbox sandbox;
    const std::string original = sandbox.read("book.md");

    SUBCASE("a region is filled in with the right label and lines, nested markers left out") {
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 0);
        CHECK(run.err.empty());
        CHECK(run.out == "book.md: 2 blocks, 2 refreshed\n");
        CHECK(sandbox.read("book.md").find(book_head + region_block + "\nBetween") != std::string::npos);
    }

    SUBCASE("a diff hunk shows the right added and removed lines under the right label") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find("<!-- diff chapters/02-b/x.cpp@1 -->\n" + hunk_block) !=
              std::string::npos);
    }

    SUBCASE("a whole-file diff keeps the @@ line between its hunks and spans them all in its label") {
        sandbox.write("book.md", "<!-- diff chapters/02-b/x.cpp -->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const std::string book = sandbox.read("book.md");
        CHECK(book.find("*chapters/02-b/x.cpp, lines 4\u201320 (changes from chapter 01)*\n") != std::string::npos);
        CHECK(book.find(" // #endregion greet\n@@ -17,4 +17,4 @@\n int six()") != std::string::npos);
        CHECK(book.find("-int main() { return greet(); }\n+int main() { return greet() - 2; }\n```\n") !=
              std::string::npos);
    }

    SUBCASE("text outside the blocks is left byte for byte as it was") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md") == book_head + region_block + book_middle + hunk_block + book_tail);
    }

    SUBCASE("a refreshed book is then reported up to date by --check") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.exit_code == 0);
        CHECK(check.err.empty());
        CHECK(check.out == "book.md: 2 blocks, up to date\n");
    }

    SUBCASE("a book whose blocks were never generated is stale to --check, which changes nothing") {
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.exit_code == 1);
        CHECK(check.err.find("book.md:6: block is stale") != std::string::npos);
        CHECK(check.err.find("book.md:14: block is stale") != std::string::npos);
        CHECK(sandbox.read("book.md") == original);
    }

    SUBCASE("a hand edit inside a generated block makes --check fail as stale, and a refresh undoes it") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const std::string fresh = sandbox.read("book.md");
        sandbox.write("book.md", replaced(fresh, "    return 1;\n}\n```", "    return 42;\n}\n```"));
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.exit_code == 1);
        CHECK(check.err == "book.md:6: block is stale (run 'make book')\n");
        const Run refresh = sandbox.run({"book.md"});
        CHECK(refresh.out == "book.md: 2 blocks, 1 refreshed\n");
        CHECK(sandbox.read("book.md") == fresh);
    }

    SUBCASE("running the tool twice changes nothing the second time") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const std::string once = sandbox.read("book.md");
        const Run again = sandbox.run({"book.md"});
        CHECK(again.exit_code == 0);
        CHECK(again.out == "book.md: 2 blocks, 0 refreshed\n");
        CHECK(sandbox.read("book.md") == once);
    }

    SUBCASE("an unknown region is an error that names it, and the book is not written") {
        sandbox.write("book.md", replaced(original, "x.cpp#greet", "x.cpp#farewell"));
        const std::string before = sandbox.read("book.md");
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 1);
        CHECK(run.err.find("book.md:6:") != std::string::npos);
        CHECK(run.err.find("'farewell'") != std::string::npos);
        CHECK(sandbox.read("book.md") == before);
        CHECK(sandbox.run({"--check", "book.md"}).err.find("'farewell'") != std::string::npos);
    }

    SUBCASE("an unknown hunk is an error that names it") {
        sandbox.write("book.md", replaced(original, "x.cpp@1", "x.cpp@3"));
        const Run run = sandbox.run({"--check", "book.md"});
        CHECK(run.exit_code == 1);
        CHECK(run.err.find("book.md:14:") != std::string::npos);
        CHECK(run.err.find("hunk 3") != std::string::npos);
    }

    SUBCASE("a malformed directive is an error, an unrelated comment is not") {
        sandbox.write("book.md", "<!-- code -->\n<!-- codes are fun -->\n");
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 1);
        CHECK(run.err.find("book.md:1: malformed directive") != std::string::npos);
        CHECK(run.err.find("book.md:2:") == std::string::npos);
    }

    SUBCASE("bad usage exits 2 with one usage line") {
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{}, {"--check"}, {"--bogus", "book.md"}, {"book.md", "other.md"}}) {
            const Run run = sandbox.run(args);
            CHECK(run.exit_code == 2);
            CHECK(run.err.find("usage") != std::string::npos);
            CHECK(run.err.find('\n') == run.err.size() - 1);
        }
        CHECK(sandbox.read("book.md") == original);
    }
}
