// transcripts: running one chapter's transcripts in a terminal (transcripts.hpp).
#include "transcripts.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>

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

constexpr std::string_view ready_line = "listening on http://127.0.0.1:";
constexpr std::string_view session_ready = "\x1e" "ready\x1e\n";

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
            fs::create_symlink(fs::absolute(entry.path()), scratch.repo() / name, error);
        }
        fs::create_symlink(fs::absolute(setup.build), scratch.repo() / "build", error);
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

// bash starts no rc files, so the session is the same on every machine: what
// a reader's own shell settings change (a prompt, colours, aliases) never
// reaches the book. Sanitizer settings pass through, for the servers.
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

// The session runs in a network namespace of its own (unshare(1), with a user
// namespace too when we are not root), with nothing in it but a loopback
// interface brought up. So a server listens on exactly the port the book
// names, 8080, whatever else runs on this machine, and nothing else's sockets
// show in `ss`. The shell then reads its commands from descriptor 3.
Lines session_command() {
    Lines command{"unshare", "--net"};
    if (::geteuid() != 0) command.insert(command.end(), {"--user", "--map-current-user"});
    command.insert(command.end(), {"bash", "--norc", "--noprofile", "-c",
                                   "ip link set lo up && exec bash --norc --noprofile /dev/fd/3"});
    return command;
}

// "build/chNN/server ... &": a stage's server started in the background.
// Before the next command runs, the server must be listening.
bool starts_a_server(const std::string& command) {
    const std::string_view text = trim(command);
    if (!text.ends_with('&') || text.ends_with("&&")) return false;
    const Lines parts = words(text);
    return std::any_of(parts.begin(), parts.end(),
                       [](const std::string& part) { return part.starts_with("build/") && part.ends_with("/server"); });
}

// A terminal's escape sequence at text[at], or 0: CSI (ESC [ params letter)
// for colours and bold, OSC (ESC ] ... BEL or ESC \\) for hyperlinks.
std::size_t escape_length(std::string_view text, std::size_t at) {
    if (text[at] != '\x1b' || at + 1 >= text.size()) return 0;
    std::size_t end = at + 2;
    if (text[at + 1] == '[') {
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == ';' || text[end] == '?')) ++end;
        return end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])) ? end + 1 - at : 0;
    }
    if (text[at + 1] == ']') {
        while (end < text.size() && text[end] != '\x07' && text[end] != '\x1b') ++end;
        if (end < text.size() && text[end] == '\x07') return end + 1 - at;
        if (end + 1 < text.size() && text[end + 1] == '\\') return end + 2 - at;
    }
    return 0;
}

std::string without_escapes(std::string_view text) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t skip = escape_length(text, at);
        if (skip) at += skip;
        else out += text[at++];
    }
    return out;
}

// Does text at `at` have this shape? 'A' an upper-case letter, 'a' a
// lower-case one, '0' a digit; any other character stands for itself.
bool has_shape(std::string_view text, std::size_t at, std::string_view shape) {
    if (text.size() - at < shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[at + i]);
        const bool fits = shape[i] == 'A' ? std::isupper(c) : shape[i] == 'a' ? std::islower(c)
                        : shape[i] == '0' ? std::isdigit(c) : c == static_cast<unsigned char>(shape[i]);
        if (!fits) return false;
    }
    return true;
}

// Every piece of text with this shape, replaced by `with`.
std::string replace_shape(std::string_view text, std::string_view shape, std::string_view with) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        if (has_shape(text, at, shape)) { out += with; at += shape.size(); }
        else out += text[at++];
    }
    return out;
}

// "127.0.0.1:PORT" where PORT is one the kernel picks for a client: Linux
// takes them from 32768-60999 (ip_local_port_range), five digits; a server's
// port the book chose (8080) stays.
std::string without_client_ports(std::string_view text) {
    static constexpr std::string_view host = "127.0.0.1:";
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        if (text.substr(at, host.size()) == host) {
            std::size_t end = at + host.size();
            while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
            const std::string_view digits = text.substr(at + host.size(), end - at - host.size());
            const std::optional<int> port = digits.size() == 5 ? parse_number(digits) : std::nullopt;
            if (port && *port >= 32768 && *port <= 60999) {
                out += host;
                out += "xxxxx";
                at = end;
                continue;
            }
        }
        out += text[at++];
    }
    return out;
}

// What changes from run to run, shown the same way every time; see transcripts.hpp.
std::string normalise(std::string output, const Scratch& scratch) {
    output = replace_all(std::move(output), "\r\n", "\n");
    // A terminal's colours and bold (curl -i makes field names bold) and its
    // hyperlinks (curl makes a Location one, with OSC 8): the book shows the text.
    output = without_escapes(output);
    output = replace_all(std::move(output), scratch.home().string(), "~");
    output = replace_all(std::move(output), scratch.repo().string(), ".");
    output = replace_shape(output, "Date: Aaa, 00 Aaa 0000 00:00:00 GMT", "Date: Www, DD Mmm YYYY hh:mm:ss GMT");
    return without_client_ports(output);
}

// One session: the terminal, and the commands run so far.
class Session {
public:
    Session(Terminal terminal, const Scratch& scratch) : terminal_(std::move(terminal)), scratch_(scratch) {}

    // Waits for the shell inside the namespace to say it is there. Its first
    // command closes descriptor 3, the pipe it was given: bash reads its
    // commands through a copy of its own, and the programs it runs must find
    // descriptor 3 free, as a reader's would, or every descriptor number a
    // transcript shows (strace's, say) would be one higher.
    Result<bool> wait_until_ready() {
        if (!terminal_.send("exec 3<&-\nprintf '\\036ready\\036\\n'\n")) return failure<bool>("the shell has gone");
        const std::optional<size_t> at = terminal_.wait_for(session_ready, 0, Clock::now() + patience_);
        if (!at)
            return failure<bool>("transcripts need a network namespace of their own (unshare --net), which this "
                                 "machine does not give: " + std::string(trim(terminal_.printed())));
        terminal_.take(*at + session_ready.size());
        return success(true);
    }

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
    // marker is the command's output. A server started in the background is
    // also waited for, until its ready line is out.
    Result<std::string> run(const Command& command) {
        const std::string marker = "\x1e" + std::to_string(++count_) + "\x1e\n";
        const std::string where = "book.md:" + std::to_string(command.line) + ": ";
        if (!terminal_.send(command.text + "\nprintf '\\036%s\\036\\n' " + std::to_string(count_) + "\n"))
            return failure<std::string>(where + "the shell has gone");
        const std::optional<size_t> end = terminal_.wait_for(marker, 0, Clock::now() + patience_);
        if (!end)
            return failure<std::string>(where + "did not finish within " + std::to_string(patience_.count()) +
                                        " s; it printed: " + terminal_.printed());
        std::string output = terminal_.take(*end);
        terminal_.take(marker.size());
        // The ready line may come before the marker or after it: the server
        // and the shell print to the terminal side by side.
        if (starts_a_server(command.text) && output.find(ready_line) == std::string::npos) {
            const Result<std::string> ready = wait_for_ready(where);
            if (!ready.value) return ready;
            output += *ready.value;
        }
        return success(normalise(std::move(output), scratch_));
    }

    Result<std::string> wait_for_ready(const std::string& where) {
        const Clock::time_point deadline = Clock::now() + patience_;
        const std::optional<size_t> at = terminal_.wait_for(ready_line, 0, deadline);
        const std::optional<size_t> end = at ? terminal_.wait_for("\n", *at, deadline) : std::nullopt;
        if (!end)
            return failure<std::string>(where + "the server printed no ready line within " +
                                        std::to_string(patience_.count()) + " s: " + terminal_.printed());
        return success(terminal_.take(*end + 1));
    }

    Terminal terminal_;
    const Scratch& scratch_;
    unsigned count_ = 0;
    const std::chrono::seconds patience_ = patience();
};

}  // namespace

Transcripts run_transcripts(const std::vector<const Directive*>& runs, const TranscriptSetup& setup) {
    Transcripts made;
    auto fail_all = [&](const std::string& why) {
        for (size_t i = made.bodies.size(); i < runs.size(); ++i) made.bodies.push_back(failure<Lines>(why));
        return made;
    };
    Result<Scratch> scratch = Scratch::make(setup);
    if (!scratch.value) return fail_all(scratch.error);
    Result<Terminal> terminal = Terminal::start(session_command(), session_environment(*scratch.value),
                                                scratch.value->repo().string());
    if (!terminal.value) return fail_all(terminal.error);
    Session session(std::move(*terminal.value), *scratch.value);
    if (const Result<bool> ready = session.wait_until_ready(); !ready.value) {
        made.not_run = ready.error;
        return made;
    }
    for (const Directive* transcript : runs) {
        made.bodies.push_back(session.run(*transcript));
        // After a failure the session is in an unknown state: what follows
        // could only fail in confusing ways.
        if (!made.bodies.back().value) return fail_all("not run: an earlier transcript of this chapter failed");
    }
    return made;
}

}  // namespace book
