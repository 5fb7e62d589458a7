// Seeds for the fuzzers: rows of the unit tests' conformance tables, written as fuzz inputs.
//
// Test code, run by `make fuzz-seeds` to (re)write tests/fuzz/corpus/. Each
// seed is a case from tests/unit (02-parser.cpp, 07-chunked.cpp, 05–10 for
// the connection), in the input shape its fuzzer reads: the bytes, then the
// script of numbers FuzzedDataProvider takes from the end (script.hpp). The
// fuzzers start from these instead of from nothing, so the first minute goes
// on the edges of valid requests, not on finding "GET".
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "script.hpp"

namespace {

using namespace porter;
using namespace porter::fuzz;

std::filesystem::path corpus;

void write_seed(const std::string& target, const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(corpus / target);
    std::ofstream(corpus / target / name, std::ios::binary) << bytes;
}

std::string get(std::string_view target, std::string_view extra = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n" + std::string(extra) + "\r\n";
}

std::string post(std::string_view fields, std::string_view body) {
    return "POST /upload HTTP/1.1\r\nHost: h\r\n" + std::string(fields) + "\r\n" + std::string(body);
}

// --- the parser: a head, then Limits (parser.cpp) ---------------------------

void parser_seed(const std::string& name, const std::string& head, Limits limits = {}) {
    ScriptWriter script;
    script.wire(head);
    script.number(1, 8192, limits.max_request_line);
    script.number(1, 16384, limits.max_header_bytes);
    script.number(0, 100, limits.max_fields);
    write_seed("parser", name, script.input());
}

// From 02-parser.cpp's tables.
void write_parser_seeds() {
    Limits small{.max_request_line = 20, .max_header_bytes = 60, .max_fields = 2};
    parser_seed("simple-get", "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
    parser_seed("post-with-body", "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nbody bytes");
    parser_seed("whitespace-around-values", "GET / HTTP/1.1\r\nX-A: \t a b \t \r\nX-Empty:\r\nX-Spaces:   \r\n\r\n");
    parser_seed("http-1.0", "GET / HTTP/1.0\r\n\r\n");
    parser_seed("http-1.9", "GET / HTTP/1.9\r\nHost: h\r\n\r\n");
    parser_seed("http-2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n");
    parser_seed("any-token-method", "M-SEARCH * HTTP/1.1\r\nHost: h\r\n\r\n");
    parser_seed("absolute-form", "GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n");
    parser_seed("empty-lines-first", "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    parser_seed("two-spaces", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n");
    parser_seed("tab-separator", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n");
    parser_seed("nul-in-target", std::string("GET /\0 HTTP/1.1\r\nHost: h\r\n\r\n", 30));
    parser_seed("lower-case-protocol", "GET / http/1.1\r\nHost: h\r\n\r\n");
    parser_seed("two-digit-minor", "GET / HTTP/1.10\r\nHost: h\r\n\r\n");
    parser_seed("bare-lf-request-line", "GET / HTTP/1.1\nHost: h\r\n\r\n");
    parser_seed("bare-cr-request-line", "GET / HTTP/1.1\rHost: h\r\n\r\n");
    parser_seed("obs-text-value", "GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n");
    parser_seed("space-before-colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n");
    parser_seed("empty-name", "GET / HTTP/1.1\r\n: h\r\n\r\n");
    parser_seed("obs-fold", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n");
    parser_seed("bare-lf-field", "GET / HTTP/1.1\r\nX: a\n\r\n");
    parser_seed("bare-lf-head-end", "GET / HTTP/1.1\r\nX: a\r\n\n");
    parser_seed("del-in-value", "GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n");
    parser_seed("line-at-limit", "GET /aaaaaa HTTP/1.1\r\n\r\n", small);
    parser_seed("line-over-limit", "GET /aaaaaaa HTTP/1.1\r\n\r\n", small);
    parser_seed("head-at-limit", "GET /aaaaaa HTTP/1.1\r\nX: " + std::string(31, 'v') + "\r\n\r\n", small);
    parser_seed("head-over-limit", "GET /aaaaaa HTTP/1.1\r\nX: " + std::string(32, 'v') + "\r\n\r\n", small);
    parser_seed("too-many-fields", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", small);
    parser_seed("crs-before-request-line", std::string(100, '\r'), small);
    parser_seed("incomplete", "GET / HTTP/1.1\r\nHost: h\r\n");
}

// --- the chunked decoder: a body, then ChunkedLimits and cuts (chunked.cpp) ---

void chunked_seed(const std::string& name, const std::string& body, ChunkedLimits limits = {}) {
    ScriptWriter script;
    script.wire(body);
    script.number(1, 4096, limits.max_line_bytes);
    script.number(2, 8192, limits.max_trailer_bytes);
    script.number(0, 1 << 20, limits.max_body_bytes);
    script.number(0, 7, 1);  // not unlimited
    for (std::uint64_t cut : {3, 7, 11, 20}) script.number(0, 65535, cut);
    write_seed("chunked", name, script.input());
}

// From 07-chunked.cpp's tables.
void write_chunked_seeds() {
    chunked_seed("one-chunk", "5\r\nhello\r\n0\r\n\r\n");
    chunked_seed("several-chunks", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n");
    chunked_seed("empty-body", "0\r\n\r\n");
    chunked_seed("hex-cases", "A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n");
    chunked_seed("leading-zeros", "0005\r\nhello\r\n000\r\n\r\n");
    chunked_seed("data-like-framing", "7\r\n0\r\n\r\nab\r\n0\r\n\r\n");
    chunked_seed("nul-and-high-bytes", std::string("3\r\n\0\xff\n\r\n0\r\n\r\n", 13));
    chunked_seed("pipelined-after", "5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    chunked_seed("part-of-data", "5\r\nhel");
    chunked_seed("non-hex", "g\r\nhello\r\n0\r\n\r\n");
    chunked_seed("0x-prefix", "0x5\r\nhello\r\n0\r\n\r\n");
    chunked_seed("size-overflow", "10000000000000000\r\n");
    chunked_seed("bare-lf-after-size", "5\nhello\r\n0\r\n\r\n");
    chunked_seed("bare-lf-after-data", "5\r\nhello\n0\r\n\r\n");
    chunked_seed("chunk-too-long", "5\r\nhello!\r\n0\r\n\r\n");
    chunked_seed("chunk-too-short", "5\r\nhell\r\n0\r\n\r\n");
    chunked_seed("extensions", "5;a=1;b;c=2\r\nhello\r\n0;end\r\n\r\n");
    chunked_seed("quoted-extension", "5;a=\"x; \\\"y\\\" z\"\r\nhello\r\n0\r\n\r\n");
    chunked_seed("bws-extension", "5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n");
    chunked_seed("empty-extension", "5;\r\nhello\r\n0\r\n\r\n");
    chunked_seed("unterminated-quote", "5;a=\"x\r\nhello\r\n0\r\n\r\n");
    chunked_seed("trailers", "5\r\nhello\r\n0\r\nChecksum: abc\r\nB:2\r\n\r\n");
    chunked_seed("trailer-obs-fold", "0\r\nA: 1\r\n 2\r\n\r\n");
    chunked_seed("line-limit", "5;abcdefg\r\nhello\r\n0\r\n\r\n", {.max_line_bytes = 8});
    chunked_seed("trailer-limit", "0\r\nA: 1234\r\n\r\n", {.max_trailer_bytes = 10});
    chunked_seed("body-limit", "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", {.max_body_bytes = 10});
    chunked_seed("max-size", "ffffffffffffffff\r\n", {.max_body_bytes = 10});
}

// --- the connection: wire bytes, then the script (connection.cpp) -------------

ConnectionOptions seed_options() {
    return ConnectionOptions{.head = {.max_request_line = 4096, .max_header_bytes = 4096, .max_fields = 32},
                             .max_body_bytes = 8192, .max_requests = 16, .high_water = 8192, .low_water = 2048};
}

// A connection seed: `bytes` in one receive, each request answered by the
// next of `replies`, everything read, then the client half-closes.
void connection_seed(const std::string& name, const std::string& bytes, const std::vector<ReplyKind>& replies,
                     ConnectionOptions options = seed_options()) {
    ScriptWriter script;
    script.options(options);
    script.receive(bytes);
    std::uint8_t status = 0;
    for (ReplyKind kind : replies) script.reply(kind, status++, 5);
    script.step(Step::read_all);
    script.finish(Ending::half_close);
    write_seed("connection", name, script.input());
}

void write_scripted_connection_seeds() {
    {  // 07-bodies: Expect: 100-continue, a handler wants the body
        ScriptWriter s;
        s.options(seed_options());
        s.receive(post("Content-Length: 5\r\nExpect: 100-continue\r\n", ""));
        s.number(0, 255, 1);  // body_policy, for a 100-continue client: wanted
        s.step(Step::read_all);
        s.receive("hello");
        s.reply(ReplyKind::text, 0, 3);
        s.step(Step::read_all);
        s.finish(Ending::half_close);
        write_seed("connection", "expect-100-continue", s.input());
    }
    {  // 10-deferred: an answer later, with a pipelined request waiting
        ScriptWriter s;
        s.options(seed_options());
        s.receive(get("/later") + get("/next"));
        s.reply(ReplyKind::defer);
        s.step(Step::answer_deferred);
        s.number(0, 255, 4);  // action: a whole answer
        s.reply(ReplyKind::text, 1, 2);
        s.step(Step::read_all);
        s.finish(Ending::quiet);
        write_seed("connection", "deferred", s.input());
    }
    {  // 08-streaming: a deferred stream, written in pieces under a low high-water mark
        ScriptWriter s;
        ConnectionOptions options = seed_options();
        options.high_water = 256, options.low_water = 64;
        s.options(options);
        s.receive(get("/stream"));
        s.reply(ReplyKind::defer_stream);
        for (int i = 0; i < 3; ++i) s.step(Step::answer_deferred), s.number(0, 255, 201);  // odd: a piece
        s.step(Step::read_some), s.number(0, max_read, 100);
        s.step(Step::answer_deferred), s.number(0, 255, 2);  // even: the end
        s.step(Step::read_all);
        s.finish(Ending::half_close);
        write_seed("connection", "deferred-stream", s.input());
    }
    {  // 09-deadlines: a head that never ends gets 408
        ScriptWriter s;
        s.options(seed_options());
        s.receive("GET / HT");
        s.step(Step::wait), s.number(0, max_wait_ms, 11'000);
        s.step(Step::read_all);
        s.finish(Ending::quiet);
        write_seed("connection", "header-timeout", s.input());
    }
    {  // 09-deadlines: kept alive, then idle too long
        ScriptWriter s;
        s.options(seed_options());
        s.receive(get("/"));
        s.reply(ReplyKind::text);
        s.step(Step::read_all);
        s.step(Step::wait), s.number(0, max_wait_ms, 31'000);
        s.finish(Ending::quiet);
        write_seed("connection", "idle-timeout", s.input());
    }
    {  // 07-bodies: a body cut short by the client's FIN
        ScriptWriter s;
        s.options(seed_options());
        s.receive(post("Content-Length: 10\r\n", "hello"));
        s.step(Step::peer_fin);
        s.step(Step::read_all);
        s.finish(Ending::half_close);
        write_seed("connection", "fin-mid-body", s.input());
    }
    {  // 06-keep-alive: a client that half-closes after its request still gets the answer
        ScriptWriter s;
        s.options(seed_options());
        s.receive(get("/") + get("/last"));
        s.reply(ReplyKind::defer);
        s.step(Step::peer_fin);
        s.step(Step::answer_deferred), s.number(0, 255, 0);
        s.reply(ReplyKind::stream, 0, 7);
        s.step(Step::read_all);
        s.finish(Ending::half_close);
        write_seed("connection", "half-close-pipelined", s.input());
    }
    {  // server shutdown while a head is on its way
        ScriptWriter s;
        s.options(seed_options());
        s.receive("GET / HTTP/1.1\r\nHo");
        s.step(Step::shutdown);
        s.receive("st: h\r\n\r\n");
        s.reply(ReplyKind::text);
        s.step(Step::read_all);
        s.finish(Ending::half_close);
        write_seed("connection", "shutdown-mid-head", s.input());
    }
    {  // a client that stops reading: answers pile up past the high-water mark
        ScriptWriter s;
        ConnectionOptions options = seed_options();
        options.high_water = 256, options.low_water = 0;
        s.options(options);
        s.receive(get("/1") + get("/2") + get("/3") + get("/4"));
        s.reply(ReplyKind::text, 0, 255), s.reply(ReplyKind::file, 0, 255);
        s.step(Step::read_some), s.number(0, max_read, 300);
        s.reply(ReplyKind::text, 0, 255), s.reply(ReplyKind::text, 0, 255);
        s.finish(Ending::stop_reading);
        write_seed("connection", "stops-reading", s.input());
    }
    {  // a socket error while the application holds the request
        ScriptWriter s;
        s.options(seed_options());
        s.receive(get("/"));
        s.reply(ReplyKind::defer);
        s.step(Step::abort);
        s.finish(Ending::half_close);
        write_seed("connection", "abort-while-handling", s.input());
    }
}

// From 05-connection, 06-keep-alive, 07-bodies, 07-framing, 08-streaming, 09-limits.
void write_connection_seeds() {
    ConnectionOptions small = seed_options();
    small.head = {.max_request_line = 20, .max_header_bytes = 60, .max_fields = 2};
    small.max_body_bytes = 10;
    small.max_requests = 2;
    connection_seed("get", get("/"), {ReplyKind::text});
    connection_seed("pipelined", get("/a") + get("/b") + get("/c"), {ReplyKind::text, ReplyKind::empty, ReplyKind::stream});
    connection_seed("head", "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", {ReplyKind::text});
    connection_seed("head-stream", "HEAD / HTTP/1.1\r\nHost: h\r\n\r\n", {ReplyKind::stream});
    connection_seed("content-length", post("Content-Length: 5\r\n", "hello"), {ReplyKind::text});
    connection_seed("chunked", post("Transfer-Encoding: chunked\r\n", "5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n"), {ReplyKind::stream});
    connection_seed("streamed", "POST /stream HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", {ReplyKind::text});
    connection_seed("streamed-chunked", "POST /stream HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                    {ReplyKind::defer});
    connection_seed("expect-no-taker", post("Content-Length: 5\r\nExpect: 100-continue\r\n", "hello"), {ReplyKind::text});
    connection_seed("http-1.0-stream", "GET / HTTP/1.0\r\n\r\n", {ReplyKind::stream});
    connection_seed("http-1.0-keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
                    {ReplyKind::text, ReplyKind::text});
    connection_seed("connection-close", get("/", "Connection: close\r\n") + get("/never"), {ReplyKind::text});
    connection_seed("kinds", get("/1") + get("/2") + get("/3") + get("/4") + get("/5"),
                    {ReplyKind::informational, ReplyKind::none, ReplyKind::stream_unended, ReplyKind::field_then_text,
                     ReplyKind::file});
    connection_seed("bare-lf", "GET / HTTP/1.1\nHost: h\r\n\r\n", {});
    connection_seed("no-host", "GET / HTTP/1.1\r\n\r\n", {});
    connection_seed("cl-and-te", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), {});
    connection_seed("te-gzip", post("Transfer-Encoding: gzip\r\n", ""), {});
    connection_seed("expect-bogus", post("Content-Length: 1\r\nExpect: bogus\r\n", "x"), {});
    connection_seed("http-2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", {});
    connection_seed("bad-chunk", post("Transfer-Encoding: chunked\r\n", "5\r\nhello!\r\n0\r\n\r\n"), {});
    connection_seed("body-over-limit", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", {}, small);
    connection_seed("chunked-over-limit", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n", {}, small);
    connection_seed("line-over-limit", "GET /aaaaaaa HTTP/1.1\r\n\r\n", {}, small);
    connection_seed("too-many-fields", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", {}, small);
    connection_seed("request-cap", "GET / HTTP/1.1\r\nHost:h\r\n\r\nGET / HTTP/1.1\r\nHost:h\r\n\r\nGET / HTTP/1.1\r\n\r\n",
                    {ReplyKind::text, ReplyKind::text}, small);
    write_scripted_connection_seeds();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR (writes CORPUS_DIR/{parser,chunked,connection}/)\n", argv[0]);
        return 2;
    }
    corpus = argv[1];
    write_parser_seeds();
    write_chunked_seeds();
    write_connection_seeds();
    return 0;
}
