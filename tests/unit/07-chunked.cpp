// The chunked decoder, with exact bytes (RFC 9112 §7.1).
//
// A conformance table: a chunked body as wire bytes, then the verdict and the
// data decoded. The decoder keeps state and takes each byte once, so every
// case is fed three ways, each to a fresh decoder and each piece a fresh copy
// (as separate reads would be): whole; split in two at every offset; and one
// byte at a time. All must give the same verdict, the same count of bytes
// consumed and the same body.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "chunked.hpp"

using namespace porter;

namespace {

struct ChunkedCase {
    const char* label;
    std::string input;
    ParseStatus status;
    int error = 0;              // for invalid
    std::string body = "";      // the data decoded, also when incomplete or invalid
    std::size_t unused = 0;     // complete: bytes at the end that belong to the next request
};

// What feeding a sequence of reads to one decoder came to.
struct Outcome {
    ParseStatus status = ParseStatus::incomplete;
    int error = 0;
    std::size_t consumed = 0;  // over all the pieces
    std::string body;
};

// Feeds `pieces` in order to a fresh decoder, stopping at the first final
// verdict. After `incomplete`, the whole piece must have been consumed.
Outcome decode_pieces(const std::vector<std::string>& pieces, const ChunkedLimits& limits) {
    ChunkedDecoder decoder(limits);
    Outcome outcome;
    for (const std::string& piece : pieces) {
        ParseResult result = decoder.decode(piece, outcome.body);
        outcome.consumed += result.consumed;
        outcome.status = result.status;
        outcome.error = result.error;
        if (result.status != ParseStatus::incomplete) break;
        CHECK(result.consumed == piece.size());
    }
    return outcome;
}

// `way` names how the input was fed, for the failure message.
void check_outcome(const char* way, const Outcome& outcome, const ChunkedCase& c) {
    CAPTURE(std::string(way));
    CHECK(outcome.status == c.status);
    CHECK(outcome.error == c.error);
    CHECK(outcome.body == c.body);
    if (c.status != ParseStatus::invalid) CHECK(outcome.consumed == c.input.size() - c.unused);
}

void check_case(const ChunkedCase& c, const ChunkedLimits& limits) {
    CAPTURE(std::string(c.label));
    check_outcome("whole", decode_pieces({c.input}, limits), c);
    for (std::size_t split = 0; split <= c.input.size(); ++split) {
        CAPTURE(split);
        check_outcome("in two pieces", decode_pieces({c.input.substr(0, split), c.input.substr(split)}, limits), c);
    }
    std::vector<std::string> bytes;
    for (char byte : c.input) bytes.emplace_back(1, byte);
    check_outcome("one byte at a time", decode_pieces(bytes, limits), c);
}

void check_cases(const std::vector<ChunkedCase>& cases, const ChunkedLimits& limits = ChunkedLimits{}) {
    for (const ChunkedCase& c : cases) check_case(c, limits);
}

}  // namespace

TEST_CASE("RFC 9112 §7.1: chunks are decoded into the body, up to the last chunk and the final CRLF") {
    check_cases({
        {"one chunk", "5\r\nhello\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"several chunks", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello world"},
        {"only the last chunk: an empty body", "0\r\n\r\n", ParseStatus::complete, 0, ""},
        {"hex sizes in upper and lower case", "A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n",
         ParseStatus::complete, 0, "0123456789abcdefghijk"},
        {"leading zeros in a size and in the last chunk", "0005\r\nhello\r\n000\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"data that looks like framing is data", "7\r\n0\r\n\r\nab\r\n0\r\n\r\n", ParseStatus::complete, 0, "0\r\n\r\nab"},
        {"data with NUL and high bytes", std::string("3\r\n\0\xff\n\r\n0\r\n\r\n", 13), ParseStatus::complete, 0,
         std::string("\0\xff\n", 3)},
    });
}

TEST_CASE("RFC 9112 §7.1: the body ends at its final CRLF; what follows belongs to the next request") {
    check_cases({
        {"a pipelined request after the body", "5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n", ParseStatus::complete, 0,
         "hello", 18},
        {"bytes after an empty body", "0\r\n\r\nX", ParseStatus::complete, 0, "", 1},
    });
}

TEST_CASE("RFC 9112 §7.1: a body not yet ended is incomplete, with the data so far decoded") {
    check_cases({
        {"nothing yet", "", ParseStatus::incomplete},
        {"half a size line", "5", ParseStatus::incomplete},
        {"a size line, no data", "5\r\n", ParseStatus::incomplete},
        {"part of the data", "5\r\nhel", ParseStatus::incomplete, 0, "hel"},
        {"data, no CRLF yet", "5\r\nhello", ParseStatus::incomplete, 0, "hello"},
        {"the last chunk without the final CRLF", "5\r\nhello\r\n0\r\n", ParseStatus::incomplete, 0, "hello"},
        {"a trailer line without the final CRLF", "0\r\nX: 1\r\n", ParseStatus::incomplete},
    });
}

TEST_CASE("RFC 9112 §7.1: chunk-size is 1*HEXDIG; anything else is answered 400") {
    check_cases({
        {"a non-hex digit", "g\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"no size at all", "\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a minus sign", "-5\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a plus sign", "+5\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"whitespace before the size", " 5\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"whitespace after the size, with no extension", "5 \r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"2^64: a size that overflows 64 bits", "10000000000000000\r\n", ParseStatus::invalid, 400},
        {"a bad size after a good chunk", "5\r\nhello\r\nz\r\n", ParseStatus::invalid, 400, "hello"},
    });
}

TEST_CASE("RFC 9112 §2.2: lines end in CRLF; a bare LF or a bare CR is answered 400") {
    check_cases({
        {"a bare LF after the size", "5\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a bare CR after the size", "5\rhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a bare LF after the data", "5\r\nhello\n0\r\n\r\n", ParseStatus::invalid, 400, "hello"},
        {"a bare LF after the last chunk", "5\r\nhello\r\n0\n\r\n", ParseStatus::invalid, 400, "hello"},
        {"a bare LF as the final line", "0\r\n\n", ParseStatus::invalid, 400},
        {"a bare LF ending a trailer line", "0\r\nX: 1\n\r\n", ParseStatus::invalid, 400},
    });
}

TEST_CASE("RFC 9112 §7.1: chunk-data is exactly chunk-size bytes, then CRLF; anything else is answered 400") {
    check_cases({
        {"a chunk longer than its size", "5\r\nhello!\r\n0\r\n\r\n", ParseStatus::invalid, 400, "hello"},
        {"a chunk shorter than its size", "5\r\nhell\r\n0\r\n\r\n", ParseStatus::invalid, 400, "hell\r"},
        {"no CRLF between chunks", "5\r\nhello5\r\nworld\r\n0\r\n\r\n", ParseStatus::invalid, 400, "hello"},
    });
}

TEST_CASE("RFC 9112 §7.1.1: chunk extensions are checked, then ignored") {
    check_cases({
        {"a name alone", "5;flag\r\nhello\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"a name and a token value", "5;name=value\r\nhello\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"several extensions", "5;a=1;b;c=2\r\nhello\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"a quoted-string value with escapes", "5;a=\"x; \\\"y\\\" z\"\r\nhello\r\n0\r\n\r\n", ParseStatus::complete,
         0, "hello"},
        {"BWS around the semicolon and the equals sign", "5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n",
         ParseStatus::complete, 0, "hello"},
        {"an extension on the last chunk", "5\r\nhello\r\n0;end\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"a semicolon with no name", "5;\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a value with no name", "5;=x\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"an equals sign with no value", "5;a=\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a name that is not a token", "5;a@b\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a value that is two tokens", "5;a=b c\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"whitespace after a name, with nothing following", "5;a \r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"an unterminated quoted-string", "5;a=\"x\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a control in a quoted-string", "5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
        {"a bare CR in an extension", "5;a\rb\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
    });
}

TEST_CASE("RFC 9112 §7.1.2: trailer fields are checked like header fields, then discarded") {
    check_cases({
        {"one trailer field", "5\r\nhello\r\n0\r\nChecksum: abc\r\n\r\n", ParseStatus::complete, 0, "hello"},
        {"two trailer fields", "0\r\nA: 1\r\nB:2\r\n\r\n", ParseStatus::complete, 0, ""},
        {"a trailer field with an empty value", "0\r\nA:\r\n\r\n", ParseStatus::complete, 0, ""},
        {"whitespace before the colon", "0\r\nA : 1\r\n\r\n", ParseStatus::invalid, 400},
        {"no colon", "0\r\nA\r\n\r\n", ParseStatus::invalid, 400},
        {"an empty name", "0\r\n: 1\r\n\r\n", ParseStatus::invalid, 400},
        {"obs-fold", "0\r\nA: 1\r\n 2\r\n\r\n", ParseStatus::invalid, 400},
        {"a control in a value", "0\r\nA: \x01\r\n\r\n", ParseStatus::invalid, 400},
        {"a bare CR in a value", "0\r\nA: 1\r2\r\n\r\n", ParseStatus::invalid, 400},
    });
}

TEST_CASE("limits: a chunk-size line over max_line_bytes is answered 400") {
    ChunkedLimits limits{.max_line_bytes = 8};
    check_cases(
        {
            {"a size line at the limit", "5;abcdef\r\nhello\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello"},
            {"a size line one byte over", "5;abcdefg\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
            {"leading zeros at the limit", "00000005\r\nhello\r\n0\r\n\r\n", ParseStatus::complete, 0, "hello"},
            {"leading zeros past the limit", "000000005\r\nhello\r\n0\r\n\r\n", ParseStatus::invalid, 400},
            {"a size line that never ends", std::string(100, 'a'), ParseStatus::invalid, 400},
            {"a last-chunk line over the limit", "0;abcdefg\r\n\r\n", ParseStatus::invalid, 400},
        },
        limits);
}

TEST_CASE("limits: a trailer section over max_trailer_bytes is answered 400") {
    ChunkedLimits limits{.max_trailer_bytes = 10};  // "A: 123\r\n" is 8 bytes, the final CRLF 2 more
    check_cases(
        {
            {"a trailer section at the limit", "0\r\nA: 123\r\n\r\n", ParseStatus::complete, 0, ""},
            {"a trailer section one byte over", "0\r\nA: 1234\r\n\r\n", ParseStatus::invalid, 400},
            {"many short lines over the limit", "0\r\nA:\r\nB:\r\nC:\r\n\r\n", ParseStatus::invalid, 400},
            {"a trailer line that never ends", "0\r\n" + std::string(100, 'A'), ParseStatus::invalid, 400},
        },
        limits);
}

TEST_CASE("RFC 9110 §15.5.14: a body over max_body_bytes is answered 413 from the chunk size, before its data") {
    ChunkedLimits limits{.max_body_bytes = 10};
    check_cases(
        {
            {"a body at the limit", "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", ParseStatus::complete, 0, "helloworld"},
            {"one chunk over the limit, with no data sent", "b\r\n", ParseStatus::invalid, 413},
            {"the second chunk takes the body over", "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", ParseStatus::invalid,
             413, "hello"},
            {"2^64 - 1 is over any limit, not an overflow", "ffffffffffffffff\r\n", ParseStatus::invalid, 413},
        },
        limits);
    check_cases({{"one byte over the default of 1 MiB", "100001\r\n", ParseStatus::invalid, 413}});
}

TEST_CASE("once the body has ended or been refused, the decoder answers the same and consumes nothing") {
    std::string body;
    ChunkedDecoder ended;
    ParseResult first = ended.decode("0\r\n\r\n", body);
    REQUIRE(first.status == ParseStatus::complete);
    ParseResult again = ended.decode("5\r\nhello\r\n", body);
    CHECK(again.status == ParseStatus::complete);
    CHECK(again.consumed == 0);
    CHECK(body.empty());

    ChunkedDecoder refused;
    REQUIRE(refused.decode("x\r\n", body).status == ParseStatus::invalid);
    ParseResult still = refused.decode("0\r\n\r\n", body);
    CHECK(still.status == ParseStatus::invalid);
    CHECK(still.error == 400);
}
