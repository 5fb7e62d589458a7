// transcripts: running one chapter's transcripts in a terminal (transcripts.hpp).
#include "transcripts.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>

#include "process.hpp"

namespace book {

namespace {

namespace fs = std::filesystem;
// How long a command may take, and a server to print its ready line: 20 s,
// or PORTER_BOOK_PATIENCE seconds (the tool's own tests wait less).
std::chrono::seconds patience() {
    const char* text = std::getenv("PORTER_BOOK_PATIENCE");
    const std::optional<int> seconds = text ? parse_number(text) : std::nullopt;
    return std::chrono::seconds(seconds && *seconds > 0 ? *seconds : 20);
}
constexpr std::string_view ready_prefix = "listening on http://127.0.0.1:";

// A scratch directory for one session: home/, empty, and repo/, which holds
// the repository's top-level entries as symlinks, with build/ standing for the
// build being checked. Removed with all it holds (symlinks, not what they name).
class Scratch {
public:
    static Result<Scratch> make(const TranscriptSetup& setup) {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = (fs::path(tmp && *tmp ? tmp : "/tmp") / "book.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            return failure<Scratch>("cannot make a scratch directory: " + std::string(std::strerror(errno)));
        Scratch scratch(pattern);
        std::error_code error;
        fs::create_directory(scratch.home(), error);
        fs::create_directory(scratch.repo(), error);
        for (const auto& entry : fs::directory_iterator(setup.root, error)) {
            const std::string name = entry.path().filename().string();
            if (name == "build" || name.starts_with('.')) continue;
            fs::create_directory_symlink(fs::absolute(entry.path()), scratch.repo() / name, error);
        }
        fs::create_directory_symlink(fs::absolute(setup.build), scratch.repo() / "build", error);
        if (error) return failure<Scratch>("cannot fill the scratch directory " + pattern + ": " + error.message());
        return success(std::move(scratch));
    }
    Scratch(Scratch&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    Scratch(const Scratch&) = delete;
    ~Scratch() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }
    fs::path home() const { return path_ / "home"; }
    fs::path repo() const { return path_ / "repo"; }

private:
    explicit Scratch(fs::path path) : path_(std::move(path)) {}
    fs::path path_;
};

// bash reads its commands from descriptor 3 and starts no rc files, so the
// session is the same on every machine; what a reader's own shell settings
// would change (a prompt, colours, aliases) never reaches the book.
Lines session_environment(const Scratch& scratch) {
    Lines environment{"HOME=" + scratch.home().string(), "LC_ALL=C.UTF-8", "TERM=dumb", "SHELL=/bin/bash"};
    const char* path = std::getenv("PATH");
    environment.push_back(std::string("PATH=") + (path ? path : "/usr/bin:/bin"));
    for (char** variable = environ; *variable; ++variable) {
        const std::string_view entry = *variable;
        if (entry.starts_with("ASAN_") || entry.starts_with("UBSAN_") || entry.starts_with("LSAN_"))
            environment.emplace_back(entry);
    }
    return environment;
}

bool is_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A command that starts a stage's server in the background, "build/chNN/server
// PORT ... &": the port it names (8080 when it names none), and the command
// to run instead, which asks for port 0.
struct ServerStart {
    std::string name;
    std::string command;
};

std::optional<ServerStart> server_start(const std::string& command) {
    const std::string_view text = trim(command);
    if (!text.ends_with('&') || text.ends_with("&&")) return std::nullopt;
    Lines parts = words(text);
    for (size_t i = 0; i < parts.size(); ++i) {
        if (!parts[i].starts_with("build/") || !parts[i].ends_with("/server")) continue;
        ServerStart start;
        if (i + 1 < parts.size() && is_digits(parts[i + 1])) {
            start.name = parts[i + 1];
            parts[i + 1] = "0";
        } else {
            start.name = "8080";
            parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1, "0");
        }
        for (const std::string& part : parts) start.command += (start.command.empty() ? "" : " ") + part;
        return start;
    }
    return std::nullopt;
}

using Ports = std::map<std::string, std::string>;  // the port a command names -> the one the server got

bool is_digit_at(std::string_view text, size_t at) {
    return at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]));
}

// Every whole number in `command` that names a running server's port becomes
// the port it really has.
std::string with_real_ports(std::string command, const Ports& ports) {
    for (const auto& [name, real] : ports) {
        for (size_t at = 0; (at = command.find(name, at)) != std::string::npos;) {
            if ((at > 0 && is_digit_at(command, at - 1)) || is_digit_at(command, at + name.size())) {
                at += name.size();
                continue;
            }
            command.replace(at, name.size(), real);
            at += real.size();
        }
    }
    return command;
}

std::string normalise(std::string output, const Ports& ports, const Scratch& scratch) {
    output = replace_all(std::move(output), "\r\n", "\n");
    output = replace_all(std::move(output), scratch.home().string(), "~");
    output = replace_all(std::move(output), scratch.repo().string(), ".");
    for (const auto& [name, real] : ports) {
        const std::regex port("(127\\.0\\.0\\.1:|localhost:|port )" + real + "(?![0-9])");
        output = std::regex_replace(output, port, "$01" + name);  // $01, not $1: the name starts with a digit
    }
    static const std::regex date("Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT");
    return std::regex_replace(output, date, "Date: Www, DD Mmm YYYY hh:mm:ss GMT");
}

// One session: the terminal, the ports of the servers it started, and the
// commands run so far.
class Session {
public:
    Session(Terminal terminal, const Scratch& scratch) : terminal_(std::move(terminal)), scratch_(scratch) {}

    Result<Lines> run(const Directive& transcript) {
        Lines shown;
        for (const Command& command : transcript.commands) {
            const Result<std::string> output = run(command);
            if (!output.value) return failure<Lines>(output.error);
            const Lines lines = split_lines(command.text);
            for (size_t i = 0; i < lines.size(); ++i) shown.push_back((i == 0 ? "$ " : "") + lines[i]);
            if (output.value->empty()) continue;
            Lines printed = split_lines(*output.value);
            if (printed.back().empty()) printed.pop_back();
            // Spaces at the end of a line are invisible on a terminal, and an
            // editor that strips them from the book must not make it stale.
            for (std::string& line : printed) line.erase(line.find_last_not_of(" \t") + 1);
            shown.insert(shown.end(), printed.begin(), printed.end());
        }
        return success(std::move(shown));
    }

private:
    // The command, then a marker line: what the terminal shows before the
    // marker is the command's output. A server start also waits for its ready
    // line, and learns its port from it.
    Result<std::string> run(const Command& command) {
        const std::optional<ServerStart> start = server_start(command.text);
        const std::string text = with_real_ports(start ? start->command : command.text, ports_);
        const std::string marker = "\x1e" + std::to_string(++count_) + "\x1e\n";
        const std::string where = "book.md:" + std::to_string(command.line) + ": ";
        if (!terminal_.send(text + "\nprintf '\\036%s\\036\\n' " + std::to_string(count_) + "\n"))
            return failure<std::string>(where + "the shell has gone");
        const std::optional<size_t> end = terminal_.wait_for(marker, 0, Clock::now() + patience_);
        if (!end)
            return failure<std::string>(where + "did not finish within " + std::to_string(patience_.count()) +
                                        " s; it printed: " + terminal_.printed());
        std::string output = terminal_.take(*end);
        terminal_.take(marker.size());
        if (start) {
            // The ready line may come before the marker or after it: the
            // server and the shell print to the terminal side by side.
            if (output.find(ready_prefix) == std::string::npos) {
                const Result<std::string> ready = wait_for_ready(where);
                if (!ready.value) return ready;
                output += *ready.value;
            }
            const Result<std::string> port = ready_port(output, where);
            if (!port.value) return port;
            ports_[start->name] = *port.value;
        }
        return success(normalise(std::move(output), ports_, scratch_));
    }

    Result<std::string> wait_for_ready(const std::string& where) {
        const Clock::time_point deadline = Clock::now() + patience_;
        const std::optional<size_t> at = terminal_.wait_for(ready_prefix, 0, deadline);
        const std::optional<size_t> end = at ? terminal_.wait_for("\n", *at, deadline) : std::nullopt;
        if (!end)
            return failure<std::string>(where + "the server printed no ready line within " +
                                        std::to_string(patience_.count()) + " s: " + terminal_.printed());
        return success(terminal_.take(*end + 1));
    }

    static Result<std::string> ready_port(const std::string& output, const std::string& where) {
        const size_t at = output.find(ready_prefix) + ready_prefix.size();
        const std::string port(trim(std::string_view(output).substr(at, output.find('\n', at) - at)));
        if (!is_digits(port)) return failure<std::string>(where + "a ready line without a port: " + output);
        return success(port);
    }

    Terminal terminal_;
    const Scratch& scratch_;
    Ports ports_;
    unsigned count_ = 0;
    const std::chrono::seconds patience_ = patience();
};

}  // namespace

std::vector<Result<Lines>> run_transcripts(const std::vector<const Directive*>& runs, const TranscriptSetup& setup) {
    std::vector<Result<Lines>> bodies;
    auto fail_all = [&](const std::string& why) {
        for (size_t i = bodies.size(); i < runs.size(); ++i) bodies.push_back(failure<Lines>(why));
        return bodies;
    };
    Result<Scratch> scratch = Scratch::make(setup);
    if (!scratch.value) return fail_all(scratch.error);
    Result<Terminal> terminal = Terminal::start({"bash", "--norc", "--noprofile", "/dev/fd/3"},
                                                session_environment(*scratch.value), scratch.value->repo().string());
    if (!terminal.value) return fail_all(terminal.error);
    Session session(std::move(*terminal.value), *scratch.value);
    for (const Directive* transcript : runs) {
        bodies.push_back(session.run(*transcript));
        // After a failure the session is in an unknown state: what follows
        // could only fail in confusing ways.
        if (!bodies.back().value) return fail_all("not run: an earlier transcript of this chapter failed");
    }
    return bodies;
}

}  // namespace book
