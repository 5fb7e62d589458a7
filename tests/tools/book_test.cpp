// book_test: the book tool, run for real on a throwaway tree.
//
// Each case builds a tiny repository in a fresh temporary directory (two stages
// of one source file, a fake server in build/, and a book), runs the binary
// named by PORTER_BOOK_TOOL there, and checks how it exited, what it said and
// what it left in the book. It never touches the real book or chapters, and
// never waits on the tool for longer than a fixed deadline.
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
// The region inner is shown too, so that no region of the sandbox is unused.
const std::string book_inner = "\n<!-- code chapters/02-b/x.cpp#inner -->\n";
const std::string inner_block =
    "*chapters/02-b/x.cpp, line 7*\n"
    "```cpp\n"
    "    return 2;\n"
    "```\n";
const std::string book_tail = "\nThe end, without a final newline.";

// A server keeping the stage contract, as far as the tool can tell: it takes
// a moment to start, then writes its arguments to ~/server-args and its ready
// line, and waits to be killed.
const char* const fake_server =
    "#!/bin/bash\n"
    "sleep 0.3\n"
    "echo \"$@\" > \"$HOME/server-args\"\n"
    "echo \"listening on http://127.0.0.1:$1\"\n"
    "exec sleep 600\n";

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
        write("book.md", book_head + book_middle + book_inner + book_tail);
        write("build/x/server", fake_server);
        fs::permissions(root_ / "build/x/server", fs::perms::owner_all);
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
        // The sandbox's build/ is the build the transcripts run, and a
        // command may take two seconds, not twenty.
        std::vector<std::string> variables{"PORTER_BUILD=build", "PORTER_BOOK_PATIENCE=2"};
        for (char** variable = environ; *variable; ++variable) {
            const std::string_view entry = *variable;
            if (!entry.starts_with("PORTER_BUILD=") && !entry.starts_with("PORTER_BOOK_PATIENCE=")) variables.emplace_back(entry);
        }
        std::vector<char*> envp;
        for (std::string& variable : variables) envp.push_back(variable.data());
        envp.push_back(nullptr);
        const std::string dir = root_.string();
        int out[2], err[2];
        REQUIRE(::pipe(out) == 0);
        REQUIRE(::pipe(err) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) exec_child(dir.c_str(), out, err, argv.data(), envp.data());
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
    [[noreturn]] static void exec_child(const char* dir, int out[2], int err[2], char** argv, char** envp) {
        if (::chdir(dir) != 0) ::_exit(126);
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(err[1], STDERR_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        ::close(err[0]);
        ::close(err[1]);
        ::execve(argv[0], argv, envp);
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
        CHECK(run.out == "book.md: 3 code blocks, 0 transcripts, 3 refreshed\n");
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
        CHECK(sandbox.read("book.md") == book_head + region_block + book_middle + hunk_block + book_inner + inner_block + book_tail);
    }

    SUBCASE("a refreshed book is then reported up to date by --check") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.exit_code == 0);
        CHECK(check.err.empty());
        CHECK(check.out == "book.md: 3 code blocks, 0 transcripts, up to date\n");
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
        CHECK(check.err == "book.md:6: block is stale (run 'make book'); the book has '    return 42;' where the "
                           "stage now gives '    return 1;'\n");
        const Run refresh = sandbox.run({"book.md"});
        CHECK(refresh.out == "book.md: 3 code blocks, 0 transcripts, 1 refreshed\n");
        CHECK(sandbox.read("book.md") == fresh);
    }

    SUBCASE("running the tool twice changes nothing the second time") {
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const std::string once = sandbox.read("book.md");
        const Run again = sandbox.run({"book.md"});
        CHECK(again.exit_code == 0);
        CHECK(again.out == "book.md: 3 code blocks, 0 transcripts, 0 refreshed\n");
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

namespace {

// The block the tool writes for a transcript: the commands and what they printed.
std::string transcript(const std::string& lines) { return "```text\n" + lines + "```\n"; }

// Whether any process's command line is exactly `words`, as /proc shows it.
bool is_running(const std::vector<std::string>& words) {
    std::string wanted;
    for (const std::string& word : words) wanted += word + '\0';
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::ifstream file(entry.path() / "cmdline", std::ios::binary);
        std::ostringstream text;
        text << file.rdbuf();
        if (text.str() == wanted) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("book runs the book's transcripts and shows what each command printed") {
    Sandbox sandbox;

    SUBCASE("a chapter's transcripts are one session, in order; the next chapter starts afresh") {
        sandbox.write("book.md",
                      "## Chapter 01 — one\n\n<!-- run\n$ echo one > ~/state\n$ cat ~/state; printf 'two\\n'\n-->\n\n"
                      "Prose.\n\n<!-- run\n$ cat ~/state\n-->\n\n"
                      "## Chapter 02 — two\n\n<!-- run\n$ cat ~/state || echo gone\n-->\n");
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 0);
        const std::string book = sandbox.read("book.md");
        CHECK(book.find("-->\n" + transcript("$ echo one > ~/state\n$ cat ~/state; printf 'two\\n'\none\ntwo\n") +
                        "\nProse.") != std::string::npos);
        CHECK(book.find("$ cat ~/state\n-->\n" + transcript("$ cat ~/state\none\n")) != std::string::npos);
        CHECK(book.find(transcript("$ cat ~/state || echo gone\ncat: ~/state: No such file or directory\ngone\n")) !=
              std::string::npos);
    }

    SUBCASE("a server started with & is waited for: the next command runs once its ready line is out") {
        sandbox.write("book.md", "<!-- run\n$ build/x/server 8080 &\n$ cat ~/server-args\n-->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find(transcript(
                  "$ build/x/server 8080 &\nlistening on http://127.0.0.1:8080\n$ cat ~/server-args\n8080\n")) !=
              std::string::npos);
    }

    SUBCASE("the session has a network of its own, with nothing in it but loopback") {
        sandbox.write("book.md", "<!-- run\n$ ip -o link | wc -l\n$ ip -o link | grep -c 'lo:.*UP'\n-->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find(transcript(
                  "$ ip -o link | wc -l\n1\n$ ip -o link | grep -c 'lo:.*UP'\n1\n")) != std::string::npos);
    }

    SUBCASE("a port the kernel picked for a client is shown as xxxxx, a server's port as it is") {
        sandbox.write("book.md", "<!-- run\n$ echo 127.0.0.1:45678 127.0.0.1:8080 127.0.0.1:32768 127.0.0.1:61000\n-->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find("\n127.0.0.1:xxxxx 127.0.0.1:8080 127.0.0.1:xxxxx 127.0.0.1:61000\n") !=
              std::string::npos);
    }

    SUBCASE("the time in a Date field is shown in a fixed form, HOME as ~, and no line ends in spaces") {
        sandbox.write("book.md",
                      "<!-- run\n$ echo 'Date: Thu, 03 Dec 2026 11:35:43 GMT'; echo \"$HOME/x  \"\n-->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find(transcript("$ echo 'Date: Thu, 03 Dec 2026 11:35:43 GMT'; echo \"$HOME/x  \"\n"
                                                      "Date: Www, DD Mmm YYYY hh:mm:ss GMT\n~/x\n")) != std::string::npos);
    }

    SUBCASE("a terminal's bold, colours and hyperlinks are left out, so a bold field name is still a Date") {
        sandbox.write("book.md", "<!-- run\n$ printf '\\033[1mDate\\033[0m: Thu, 03 Dec 2026 11:35:43 GMT\\n'\n"
                                 "$ printf 'Location:\\033]8;;http://x/y\\033\\\\ y\\n\\033]8;;\\033\\\\'\n-->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find("\nDate: Www, DD Mmm YYYY hh:mm:ss GMT\n$ ") != std::string::npos);
        CHECK(sandbox.read("book.md").find("\nLocation: y\n```") != std::string::npos);
    }

    SUBCASE("a transcript whose output changed is stale to --check, which says where the two part") {
        sandbox.write("notes.txt", "first\n");
        // The code blocks use both regions of x.cpp, so --check has nothing else to report.
        sandbox.write("book.md", "<!-- run\n$ cat notes.txt\n-->\n" + book_head + book_inner);
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.run({"--check", "book.md"}).exit_code == 0);
        sandbox.write("notes.txt", "second\n");
        const std::string before = sandbox.read("book.md");
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.exit_code == 1);
        CHECK(check.err.find("book.md:1: block is stale") != std::string::npos);
        CHECK(check.err.find("the book has 'first' where the stage now gives 'second'") != std::string::npos);
        CHECK(sandbox.read("book.md") == before);
    }

    SUBCASE("a command that does not finish in time is an error naming its line, and the book is not written") {
        sandbox.write("book.md", "<!-- run\n$ echo waiting\n$ sleep 30\n-->\n");
        const std::string before = sandbox.read("book.md");
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 1);
        CHECK(run.err.find("book.md:3: did not finish within 2 s") != std::string::npos);
        CHECK(sandbox.read("book.md") == before);
    }

    SUBCASE("everything a session started is killed when it ends") {
        // The loop waits until the background job has become sleep, so that
        // nothing but the tool's kill can stop it.
        sandbox.write("book.md", "<!-- run\n$ sleep 317 & until grep -qa 317 /proc/$!/cmdline; do :; done\n-->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK_FALSE(is_running({"sleep", "317"}));
    }

    SUBCASE("a transcript without commands, or without its end, is malformed") {
        for (const std::string& book : {std::string("<!-- run\nno dollar sign\n-->\n"), std::string("<!-- run\n$ echo\n")}) {
            sandbox.write("book.md", book);
            const Run run = sandbox.run({"book.md"});
            CHECK(run.exit_code == 1);
            CHECK(run.err.find("book.md:1: malformed directive") != std::string::npos);
        }
    }
}

TEST_CASE("book accounts for every line each chapter's stage changes") {
    Sandbox sandbox;
    // Chapter 01 shows the opening of x.cpp and the region greet; chapter 02,
    // the first hunk of its diff only.
    const std::string chapter_one =
        "## Chapter 01 — a\n\n<!-- code chapters/01-a/x.cpp#^ -->\n\n<!-- code chapters/01-a/x.cpp#greet -->\n\n";
    const std::string chapter_two = "## Chapter 02 — b\n\n<!-- diff chapters/02-b/x.cpp@1 -->\n";

    SUBCASE("the lines no block of a chapter shows are reported, and --check fails on them") {
        sandbox.write("book.md", chapter_one + chapter_two);
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 0);
        CHECK(run.err.find("book.md:1: chapter 01 does not show chapters/01-a/x.cpp: lines 12\u201318, 20\n") !=
              std::string::npos);
        CHECK(run.err.find("chapter 02 does not show chapters/02-b/x.cpp: line 20; removed line 20 of "
                           "chapters/01-a/x.cpp\n") != std::string::npos);
        CHECK(run.out.find("chapter 01 leaves 8 of the 13 lines chapters/01-a changes unshown") != std::string::npos);
        CHECK(sandbox.run({"--check", "book.md"}).exit_code == 1);
    }

    SUBCASE("#^ shows a file's opening, up to its first region marker") {
        sandbox.write("book.md", chapter_one);
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find("*chapters/01-a/x.cpp, lines 1\u20132*\n```cpp\n// x: stage one.\n"
                                           "#include <cstdio>\n```\n") != std::string::npos);
    }

    SUBCASE("a chapter that shows every changed line passes --check") {
        sandbox.write("book.md", chapter_one + "<!-- code chapters/01-a/x.cpp#rest -->\n" + chapter_two +
                                     "<!-- diff chapters/02-b/x.cpp@2 -->\n\n<!-- code chapters/02-b/x.cpp#inner -->\n");
        sandbox.write("chapters/01-a/x.cpp",
                      replaced(replaced(stage_one, "int one()", "// #region rest\nint one()"), "\nint main() { return greet(); }\n",
                               "\nint main() { return greet(); }\n// #endregion rest\n"));
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.err == "");
        CHECK(check.exit_code == 0);
        CHECK(check.out.find("chapter 01 shows all 13 lines chapters/01-a changes") != std::string::npos);
    }

    SUBCASE("a code block around a changed line accounts for the line it replaced") {
        sandbox.write("book.md", "## Chapter 02 — b\n\n<!-- code chapters/02-b/x.cpp#greet -->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.err.find("chapters/02-b/x.cpp: line 20; removed line 20 of") != std::string::npos);
        CHECK(check.err.find("removed line 7") == std::string::npos);
    }

    SUBCASE("except leaves out a nested region with a line that says why, and accounts for it") {
        sandbox.write("book.md", "## Chapter 02 — b\n\n<!-- code chapters/02-b/x.cpp#greet except inner: the value -->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.read("book.md").find("*chapters/02-b/x.cpp, lines 5\u20139*\n```cpp\nint greet() {\n"
                                           "    // \u2026 not shown: the value\n}\n```\n") != std::string::npos);
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.err.find("line 7") == std::string::npos);
        CHECK(check.err.find("region 'inner'") == std::string::npos);
    }

    SUBCASE("a region no block uses is reported in every stage that has it; using it in one stage is enough") {
        sandbox.write("book.md", "<!-- code chapters/01-a/x.cpp#greet -->\n");
        const Run run = sandbox.run({"book.md"});
        CHECK(run.exit_code == 0);
        CHECK(run.err.find("chapters/01-a/x.cpp:6: region 'inner' is used by no block of the book") != std::string::npos);
        CHECK(run.err.find("chapters/02-b/x.cpp:6: region 'inner' is used by no block of the book") != std::string::npos);
        CHECK(sandbox.run({"--check", "book.md"}).exit_code == 1);
        sandbox.write("book.md", "<!-- code chapters/01-a/x.cpp#greet -->\n\n<!-- code chapters/02-b/x.cpp#inner -->\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        CHECK(sandbox.run({"--check", "book.md"}).exit_code == 0);
    }

    SUBCASE("an unused region anywhere in src/ or tests/ fails --check too") {
        sandbox.write("src/lib.cpp", "// #region spare\nint spare() { return 0; }\n// #endregion spare\n");
        REQUIRE(sandbox.run({"book.md"}).exit_code == 0);
        const Run check = sandbox.run({"--check", "book.md"});
        CHECK(check.exit_code == 1);
        CHECK(check.err.find("src/lib.cpp:1: region 'spare' is used by no block of the book") != std::string::npos);
    }
}
