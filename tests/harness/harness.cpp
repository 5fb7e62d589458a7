// Test harness: start a stage's server, talk raw bytes to it, read its answer.
#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace porter::test {

namespace {

using Clock = std::chrono::steady_clock;

int milliseconds_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` is readable or the deadline passes.
bool wait_readable(int fd, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, milliseconds_until(deadline));
        if (ready > 0) return true;
        if (ready == 0) return false;
        if (errno != EINTR) return false;
    }
}

std::string server_path() {
    const char* path = std::getenv("PORTER_SERVER");
    if (!path || !*path) throw std::runtime_error("PORTER_SERVER is not set");
    return path;
}

struct Spawned {
    pid_t pid;
    int out;  // read end of the child's stdout
    int err;  // read end of its stderr, or -1 when inherited
};

Spawned spawn_server(const std::vector<std::string>& arguments, bool capture_stderr) {
    std::string path = server_path();
    std::vector<char*> argv{path.data()};
    std::vector<std::string> copies = arguments;
    for (std::string& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);

    int out[2], err[2] = {-1, -1};
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    if (capture_stderr && ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    if (capture_stderr) posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (capture_stderr) ::close(err[1]);
    if (failed != 0) throw std::runtime_error("cannot start " + path + ": " + std::strerror(failed));
    return {pid, out[0], err[0]};
}

// Reads from `fd` until end of file or the deadline.
std::string read_all(int fd, Clock::time_point deadline) {
    std::string text;
    char buffer[4096];
    while (wait_readable(fd, deadline)) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

// Waits for `pid` to end; kills it if the deadline passes. Returns its wait
// status, as waitpid(2) gives it.
int reap(pid_t pid, Clock::time_point deadline) {
    int status = 0;
    for (;;) {
        if (::waitpid(pid, &status, WNOHANG) == pid) return status;
        if (Clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return status;
        }
        std::this_thread::sleep_for(2ms);  // no portable way to wait on a child with a timeout
    }
}

// Waits for `pid` to exit; kills it if the deadline passes. -1 unless it exited.
int wait_for_exit(pid_t pid, Clock::time_point deadline) {
    int status = reap(pid, deadline);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

int chapter() {
    const char* value = std::getenv("PORTER_CHAPTER");
    return value && *value ? std::atoi(value) : 99;
}

doctest::skip chapters(int from, int until) {
    int now = chapter();
    return doctest::skip(now < from || now >= until);
}

std::optional<std::string> Response::field(std::string_view name) const {
    for (const auto& [field_name, value] : fields)
        if (iequals(field_name, name)) return value;
    return std::nullopt;
}

namespace {

// Strict on purpose: a test server may be a reader's own, and these are the
// rules every response head must keep (RFC 9112 §4, §5). `head` is the status
// line and the field lines, each ending in CRLF, without the empty line.
bool parse_head(std::string_view head, Response& response) {
    auto fail = [&](std::string problem) { response.problem = std::move(problem); return false; };
    std::size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    // HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 §4): the second space is required.
    bool digits = status_line.size() >= 13 &&
                  std::string_view("0123456789").find(status_line[9]) != std::string_view::npos &&
                  std::string_view("0123456789").find(status_line[10]) != std::string_view::npos &&
                  std::string_view("0123456789").find(status_line[11]) != std::string_view::npos;
    if (!digits || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ' || status_line[12] != ' ')
        return fail("malformed status line: " + std::string(status_line));
    response.version = status_line.substr(0, 8);
    response.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    response.reason = status_line.substr(13);
    head.remove_prefix(line_end + 2);

    while (!head.empty()) {
        line_end = head.find("\r\n");
        std::string_view line = head.substr(0, line_end);
        if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
            return fail("bare CR or LF in the head");
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return fail("malformed field: " + std::string(line));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        response.fields.emplace_back(line.substr(0, colon), value);
        head.remove_prefix(line_end + 2);
    }
    return true;
}

// Content-Length = 1*DIGIT (RFC 9110 §8.6), or nullopt with response.problem set.
std::optional<std::size_t> announced_length(Response& response) {
    std::optional<std::string> length = response.field("Content-Length");
    if (!length) return std::nullopt;
    if (length->empty() || length->size() > 15 || length->find_first_not_of("0123456789") != std::string::npos) {
        response.problem = "bad Content-Length: " + *length;
        return std::nullopt;
    }
    return std::stoul(*length);
}

}  // namespace

Response parse_response(std::string_view raw) {
    Response response;
    std::size_t head_end = raw.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        response.problem = "no empty line ending the head";
        return response;
    }
    if (!parse_head(raw.substr(0, head_end + 2), response)) return response;
    std::string_view body = raw.substr(head_end + 4);
    std::optional<std::size_t> length = announced_length(response);
    if (!response.problem.empty()) return response;
    if (length && body.size() != *length) {
        response.problem = "Content-Length " + std::to_string(*length) + " but " + std::to_string(body.size()) +
                           " body bytes";
        return response;
    }
    response.body = body;
    response.well_formed = true;
    return response;
}

std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view text) {
    // day-name "," SP DD SP month SP YYYY SP hh ":" mm ":" ss SP "GMT": 29 bytes.
    constexpr std::string_view days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' ||
        text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT")
        return std::nullopt;
    auto number = [&](std::size_t at, std::size_t width) -> std::optional<int> {
        int value = 0;
        for (char c : text.substr(at, width)) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        return value;
    };
    auto day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
         second = number(23, 2);
    auto name_index = [](std::span<const std::string_view> names, std::string_view name) {
        return static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
    };
    int weekday = name_index(days, text.substr(0, 3));
    int month = name_index(months, text.substr(8, 3));
    if (!day || !year || !hour || !minute || !second || weekday == 7 || month == 12) return std::nullopt;
    if (*hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(month + 1)),
                                     std::chrono::day(static_cast<unsigned>(*day))};
    if (!date.ok()) return std::nullopt;
    std::chrono::sys_days days_since_epoch(date);
    if (std::chrono::weekday(days_since_epoch).c_encoding() != static_cast<unsigned>(weekday)) return std::nullopt;
    return days_since_epoch + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
           std::chrono::seconds(*second);
}

Server::Server(std::vector<std::string> arguments) {
    Spawned child = spawn_server(arguments, false);
    pid_ = child.pid;
    stdout_fd_ = child.out;
    Clock::time_point deadline = Clock::now() + patience;
    while (ready_line_.find('\n') == std::string::npos && wait_readable(stdout_fd_, deadline)) {
        char c;
        if (::read(stdout_fd_, &c, 1) != 1) break;  // one byte at a time: take nothing past the line
        ready_line_ += c;
    }
    constexpr std::string_view prefix = "listening on http://127.0.0.1:";
    REQUIRE_MESSAGE(ready_line_.starts_with(prefix), "no ready line from the server, got: ", ready_line_);
    port_ = static_cast<std::uint16_t>(std::atoi(ready_line_.c_str() + prefix.size()));
    REQUIRE(port_ != 0);
}

bool Server::is_running() {
    int status = 0;
    return pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == 0;
}

std::optional<int> Server::stop() {
    if (pid_ <= 0) return std::nullopt;
    ::kill(pid_, SIGTERM);
    int status = reap(pid_, Clock::now() + patience);
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) return std::nullopt;
    return -1;
}

Server::~Server() {
    if (pid_ > 0) {
        CHECK_MESSAGE(is_running(), "the server exited during the test");
        ::kill(pid_, SIGTERM);
        wait_for_exit(pid_, Clock::now() + patience);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

namespace {

// A directory's entries, but "." and "..": how many, or 0 if it can't be read.
std::size_t count_entries(const std::string& directory) {
    std::error_code error;
    std::filesystem::directory_iterator entries(directory, error);
    if (error) return 0;
    return static_cast<std::size_t>(std::distance(entries, std::filesystem::directory_iterator()));
}

// A "Vm...:   1234 kB" line of /proc/PID/status, in bytes; 0 if absent.
std::size_t status_bytes(pid_t pid, std::string_view name) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':')
            return std::strtoull(line.c_str() + name.size() + 1, nullptr, 10) * 1024;
    return 0;
}

}  // namespace

std::size_t Server::open_descriptors() const { return count_entries("/proc/" + std::to_string(pid_) + "/fd"); }

std::size_t Server::wait_for_descriptors(std::size_t count) const {
    Clock::time_point deadline = Clock::now() + patience;
    for (;;) {
        std::size_t open = open_descriptors();
        if (open == count || Clock::now() > deadline) return open;
        std::this_thread::sleep_for(2ms);  // nothing to wait on: another process's descriptor table
    }
}

std::size_t Server::resident_bytes() const { return status_bytes(pid_, "VmRSS"); }

std::size_t Server::peak_resident_bytes() const { return status_bytes(pid_, "VmHWM"); }

DescriptorCheck::DescriptorCheck(const Server& server) : server_(server), before_(server.open_descriptors()) {}

DescriptorCheck::~DescriptorCheck() {
    std::size_t after = server_.wait_for_descriptors(before_);
    CHECK_MESSAGE(after == before_, "the server held ", before_, " descriptors before the test and ", after,
                  " after it: a connection or a file was not closed");
}

TempDirectory::TempDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/porter-test-XXXXXX";
    REQUIRE_MESSAGE(::mkdtemp(pattern.data()) != nullptr, "mkdtemp: ", std::strerror(errno));
    path_ = pattern;
}

TempDirectory::~TempDirectory() {
    std::error_code ignored;  // nothing a test could do about a leftover directory
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDirectory::write(std::string_view relative, std::string_view content) const {
    std::filesystem::path full = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream file(full, std::ios::binary | std::ios::trunc);
    file.write(content.data(), static_cast<std::streamsize>(content.size()));
    REQUIRE_MESSAGE(file.good(), "cannot write ", full.string());
    return full.string();
}

void set_modified(const std::string& path, std::chrono::sys_seconds when) {
    timespec time{static_cast<time_t>(when.time_since_epoch().count()), 0};
    timespec both[2] = {time, time};  // access, modification
    REQUIRE_MESSAGE(::utimensat(AT_FDCWD, path.c_str(), both, 0) == 0, "utimensat: ", std::strerror(errno));
}

Exit run_to_exit(const std::vector<std::string>& arguments) {
    Spawned child = spawn_server(arguments, true);
    Clock::time_point deadline = Clock::now() + patience;
    Exit result;
    result.out = read_all(child.out, deadline);
    result.err = read_all(child.err, deadline);
    result.status = wait_for_exit(child.pid, deadline);
    ::close(child.out);
    ::close(child.err);
    return result;
}

Client::Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // A blocking connect to loopback finishes at once: the kernel completes the
    // handshake for a listening socket even while the server is busy.
    REQUIRE_MESSAGE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0,
                    "connect: ", std::strerror(errno));
    timeval timeout{static_cast<time_t>(patience.count() / 1000), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

Client::~Client() {
    if (fd_ >= 0) ::close(fd_);
}

bool Client::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool Client::trickle(std::string_view bytes) {
    int yes = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    for (char c : bytes) {
        if (!send(std::string_view(&c, 1))) return false;
        std::this_thread::sleep_for(1ms);  // pacing the sender, not waiting for the server
    }
    return true;
}

bool Client::send_split(std::string_view bytes, std::size_t offset) {
    int yes = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    if (!send(bytes.substr(0, offset))) return false;
    std::this_thread::sleep_for(1ms);  // pacing the sender, not waiting for the server
    return send(bytes.substr(offset));
}

void Client::finish_sending() { ::shutdown(fd_, SHUT_WR); }

std::string Client::read_until_close(std::size_t limit) {
    std::string received = std::move(received_);
    received_.clear();
    saw_close_ = false;
    Clock::time_point deadline = Clock::now() + patience;
    char buffer[16384];
    while (received.size() < limit && wait_readable(fd_, deadline)) {
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) saw_reset_ = true;
        if (n <= 0) {
            saw_close_ = true;
            break;
        }
        received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
}

// Appends what the server sends next to `received_`; false on its close or
// reset (noted), or when the deadline passes first.
bool Client::receive_more(Clock::time_point deadline) {
    char buffer[16384];
    for (;;) {
        if (!wait_readable(fd_, deadline)) return false;
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) saw_reset_ = true;
        if (n <= 0) {
            saw_close_ = true;
            return false;
        }
        received_.append(buffer, static_cast<std::size_t>(n));
        return true;
    }
}

// chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 §7.1),
// read strictly: hex sizes, CRLF after each chunk's data; extensions and
// trailer fields are skipped. Reads at an offset into received_ and erases
// once at the end: erasing each chunk off the front would cost a copy of the
// whole buffer per chunk, quadratic for a stream of many small ones.
bool Client::read_chunked_body(Clock::time_point deadline, std::size_t limit, Response& response) {
    auto fail = [&](std::string problem) { response.problem = std::move(problem); return false; };
    std::size_t at = 0;  // the first byte of received_ not yet read
    auto next_line = [&](std::string& line) {
        std::size_t end;
        while ((end = received_.find("\r\n", at)) == std::string::npos)
            if (received_.size() - at > 4096 || !receive_more(deadline)) return false;
        line = received_.substr(at, end - at);
        at = end + 2;
        return true;
    };
    std::string line;
    for (;;) {
        if (!next_line(line)) return fail("a chunk-size line did not come");
        std::size_t digits = std::min(line.find_first_not_of("0123456789abcdefABCDEF"), line.size());
        if (digits == 0 || digits > 15) return fail("bad chunk-size line: " + line);
        if (digits < line.size() && line[digits] != ';' && line[digits] != ' ' && line[digits] != '\t')
            return fail("bad chunk-size line: " + line);
        std::size_t size = std::stoul(line.substr(0, digits), nullptr, 16);
        if (size == 0) break;
        if (response.body.size() + size > limit) return fail("body over the test's limit");
        while (received_.size() - at < size + 2)
            if (!receive_more(deadline)) return fail("a chunk ended early");
        if (received_.compare(at + size, 2, "\r\n") != 0) return fail("no CRLF after a chunk's data");
        response.body.append(received_, at, size);
        at += size + 2;
    }
    do {
        if (!next_line(line)) return fail("the trailer section did not end");
    } while (!line.empty());
    received_.erase(0, at);
    return true;
}

Response Client::read_response(std::string_view method, std::size_t limit) {
    Clock::time_point deadline = Clock::now() + patience;
    Response response;
    auto fail = [&](std::string problem) {
        if (response.problem.empty()) response.problem = std::move(problem);
        return response;
    };
    std::size_t head_end;
    while ((head_end = received_.find("\r\n\r\n")) == std::string::npos) {
        if (received_.size() > 64 * 1024) return fail("a head over 64 KiB");
        if (!receive_more(deadline))
            return fail(saw_close_ ? "the server closed before a whole head" : "no whole head in time");
    }
    if (!parse_head(std::string_view(received_).substr(0, head_end + 2), response)) return response;
    received_.erase(0, head_end + 4);

    std::optional<std::size_t> length = announced_length(response);
    if (!response.problem.empty()) return response;
    std::optional<std::string> codings = response.field("Transfer-Encoding");
    // RFC 9112 §6.2, RFC 9110 §8.6: never both; no length on 1xx or 204.
    if (codings && length) return fail("both Transfer-Encoding and Content-Length");
    bool informational = response.status >= 100 && response.status < 200;
    if ((informational || response.status == 204) && (codings || length))
        return fail("framing fields on a " + std::to_string(response.status));
    // RFC 9112 §6.3 rules 1 and 2: these never have a body, whatever they say.
    if (method == "HEAD" || informational || response.status == 204 || response.status == 304) {
        response.well_formed = true;
        return response;
    }
    if (codings) {
        std::string last = codings->substr(codings->size() < 7 ? 0 : codings->size() - 7);
        if (!iequals(last, "chunked")) return fail("a transfer coding other than chunked last: " + *codings);
        if (!read_chunked_body(deadline, limit, response)) return response;
    } else if (length) {
        if (*length > limit) return fail("Content-Length over the test's limit");
        while (received_.size() < *length)
            if (!receive_more(deadline)) return fail("the body ended before its Content-Length");
        response.body = received_.substr(0, *length);
        received_.erase(0, *length);
    } else {
        response.body = read_until_close(limit);  // RFC 9112 §6.3 rule 8: the close ends it
        if (!saw_close_) return fail("no close to end a body without length");
    }
    response.well_formed = true;
    return response;
}

void Client::reset() {
    linger abort_on_close{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    ::close(fd_);
    fd_ = -1;
}

Response exchange(std::uint16_t port, std::string_view request) {
    Client client(port);
    CHECK(client.send(request));
    Response response = parse_response(client.read_until_close());
    CHECK_MESSAGE(client.saw_close(), "the server did not close the connection");
    CHECK_MESSAGE(!client.saw_reset(), "the server reset the connection instead of closing it");
    return response;
}

namespace {

// `bytes` in double quotes, escaped as escaped() says.
std::string quoted(std::string_view bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string shown = "\"";
    for (char c : bytes) {
        auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '\r': shown += "\\r"; break;
        case '\n': shown += "\\n"; break;
        case '\t': shown += "\\t"; break;
        case '\0': shown += "\\0"; break;
        case '"': shown += "\\\""; break;
        case '\\': shown += "\\\\"; break;
        default:
            if (byte >= 0x20 && byte < 0x7f) shown += c;
            else shown += std::string("\\x") + hex[byte >> 4] + hex[byte & 0xf];
        }
    }
    return shown + '"';
}

}  // namespace

std::string escaped(std::string_view bytes, std::size_t at_most) {
    if (bytes.size() <= at_most) return quoted(bytes);
    std::size_t half = at_most / 2;
    return quoted(bytes.substr(0, half)) + " ... " + quoted(bytes.substr(bytes.size() - half)) + " (" +
           std::to_string(bytes.size()) + " bytes in all)";
}

std::string get(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
}

std::string request(std::string_view method, std::string_view target, std::string_view fields) {
    return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           std::string(fields) + "\r\n";
}

}  // namespace porter::test

namespace doctest {

String StringMaker<std::optional<std::string>>::convert(const std::optional<std::string>& value) {
    return value ? porter::test::escaped(*value).c_str() : "nullopt";
}

String StringMaker<std::optional<std::string_view>>::convert(const std::optional<std::string_view>& value) {
    return value ? porter::test::escaped(*value).c_str() : "nullopt";
}

}  // namespace doctest
