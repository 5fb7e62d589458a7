// The connection fuzzer's script: how an input's bytes become options, steps and handler choices.
//
// Test code. FuzzedDataProvider (libFuzzer's) takes numbers from the end of
// an input and wire bytes from its front, so a mutation of the request bytes
// leaves the script alone, and the other way round. The readers below are
// what connection.cpp consumes, in order; ScriptWriter is their mirror image,
// for seeds.cpp to write inputs that mean what a seed says.
//
// Order of reading: the options; then steps, each with its arguments; inside
// a receive, for each head with Expect: 100-continue and a body, one byte
// for body_policy(), and for each dispatched request, one ReplyChoice; at the
// finish step, the Ending.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "connection.hpp"

namespace porter::fuzz {

constexpr std::size_t max_receive = 1024;   // bytes one receive step offers at most
constexpr std::size_t max_read = 8192;      // bytes one read_some step takes at most
constexpr int max_wait_ms = 40'000;         // a wait step: past every default timeout
constexpr std::size_t max_reply_body = 255; // a handler's body, a stream piece

// What the I/O layer, the client or the clock does next.
enum class Step {
    receive,          // the client sends 1..max_receive bytes, within input_room()
    read_some,        // the client reads 0..max_read bytes of what is due
    read_all,         // the client reads everything due
    wait,             // the clock moves 0..max_wait_ms; expire() if a deadline passed
    peer_fin,         // the client half-closes: receive_end()
    answer_deferred,  // the application takes up the oldest response it kept
    shutdown,         // the server begins to stop: begin_shutdown()
    abort,            // a socket error: abort()
    finish,           // the script ends: the Ending follows
};

// Receiving and reading come up more often than the rest.
constexpr Step step_table[] = {
    Step::receive, Step::receive, Step::receive, Step::read_some, Step::read_all, Step::read_all, Step::wait,
    Step::wait, Step::peer_fin, Step::answer_deferred, Step::answer_deferred, Step::shutdown, Step::abort, Step::finish,
};

// What the application does with a request.
enum class ReplyKind {
    text,             // text(status, body)
    empty,            // empty(status)
    informational,    // text(1xx): refused, so the connection answers 500
    none,             // nothing: the connection answers 500
    stream,           // stream, write up to 3 pieces, end
    stream_unended,   // stream and write, then return: the connection ends it
    defer,            // defer(): answered by a later answer_deferred step
    defer_stream,     // stream, then defer(): pieces and the end come later
    file,             // file(status, a body of `size` bytes)
    field_then_text,  // set_field, text, then a second text (refused)
};
constexpr int reply_kinds = static_cast<int>(ReplyKind::field_then_text) + 1;

struct ReplyChoice {
    ReplyKind kind = ReplyKind::text;
    std::uint8_t status = 0;  // an index into reply_statuses
    std::size_t size = 0;     // the body, piece or file size
};

constexpr int reply_statuses[] = {200, 201, 204, 304, 301, 400, 404, 413, 500, 503, 599, 206};

// How the client behaves once the script is done and the application has
// answered everything.
enum class Ending {
    half_close,    // reads everything and sends its FIN
    quiet,         // reads everything, sends nothing more, never closes
    stop_reading,  // reads nothing more and never closes
};

inline ConnectionOptions read_options(FuzzedDataProvider& script) {
    ConnectionOptions options;
    options.head.max_request_line = script.ConsumeIntegralInRange<std::size_t>(16, 4096);
    options.head.max_header_bytes = script.ConsumeIntegralInRange<std::size_t>(32, 4096);
    options.head.max_fields = script.ConsumeIntegralInRange<std::size_t>(1, 32);
    options.max_body_bytes = script.ConsumeIntegralInRange<std::uint64_t>(0, 8192);
    options.max_requests = script.ConsumeIntegralInRange<std::size_t>(1, 16);
    options.high_water = script.ConsumeIntegralInRange<std::size_t>(256, 8192);
    options.low_water = script.ConsumeIntegralInRange<std::size_t>(0, options.high_water);
    return options;
}

inline Step read_step(FuzzedDataProvider& script) {
    return step_table[script.ConsumeIntegralInRange<std::size_t>(0, std::size(step_table) - 1)];
}

inline ReplyChoice read_reply(FuzzedDataProvider& script) {
    ReplyChoice choice;
    choice.kind = static_cast<ReplyKind>(script.ConsumeIntegralInRange<int>(0, reply_kinds - 1));
    choice.status = script.ConsumeIntegral<std::uint8_t>();
    choice.size = script.ConsumeIntegralInRange<std::size_t>(0, max_reply_body);
    return choice;
}

inline Ending read_ending(FuzzedDataProvider& script) {
    return static_cast<Ending>(script.ConsumeIntegralInRange<int>(0, 2));
}

// Writes an input that the readers above read back as written: wire bytes
// at the front, the script's numbers reversed at the back.
class ScriptWriter {
public:
    // A number that ConsumeIntegralInRange(min, max) reads back as `value`:
    // as many bytes as the range needs, the most significant read first.
    void number(std::uint64_t min, std::uint64_t max, std::uint64_t value) {
        std::uint64_t offset = value - min;
        std::vector<std::uint8_t> bytes;  // least significant first
        for (std::uint64_t left = max - min; left > 0; left >>= 8, offset >>= 8) bytes.push_back(offset & 0xff);
        tail_.insert(tail_.end(), bytes.rbegin(), bytes.rend());
    }
    void wire(std::string_view bytes) { wire_ += bytes; }

    void options(const ConnectionOptions& o) {
        number(16, 4096, o.head.max_request_line);
        number(32, 4096, o.head.max_header_bytes);
        number(1, 32, o.head.max_fields);
        number(0, 8192, o.max_body_bytes);
        number(1, 16, o.max_requests);
        number(256, 8192, o.high_water);
        number(0, o.high_water, o.low_water);
    }
    void step(Step step) {
        std::size_t index = 0;
        while (step_table[index] != step) ++index;
        number(0, std::size(step_table) - 1, index);
    }
    // A receive step sending `bytes`; the replies to requests it completes follow it.
    void receive(std::string_view bytes) {
        step(Step::receive);
        number(1, max_receive, bytes.size());
        wire(bytes);
    }
    void reply(ReplyKind kind, std::uint8_t status = 0, std::size_t size = 0) {
        number(0, reply_kinds - 1, static_cast<std::uint64_t>(kind));
        number(0, 255, status);
        number(0, max_reply_body, size);
    }
    void finish(Ending ending) {
        step(Step::finish);
        number(0, 2, static_cast<std::uint64_t>(ending));
    }

    std::string input() const { return wire_ + std::string(tail_.rbegin(), tail_.rend()); }

private:
    std::string wire_;                // the client's bytes, in order
    std::vector<std::uint8_t> tail_;  // the script, in the order it is read
};

}  // namespace porter::fuzz
