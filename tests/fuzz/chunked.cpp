// Fuzzing the chunked decoder: random bodies, fed whole, in random pieces and byte by byte.
//
// Test code (libFuzzer, built by `make fuzz`). The input's last 16 bytes
// choose the ChunkedLimits and where to cut the body into reads
// (FuzzedDataProvider reads numbers from the end); the rest is the body as sent. Beyond "no crash, no sanitizer
// report", each input checks:
//   1. the verdict is one the contract allows: invalid carries 400 or 413;
//      incomplete consumed every byte; the body never exceeds max_body_bytes;
//   2. fed whole, in random pieces, or a byte at a time, the decoder gives the
//      same verdict, the same bytes consumed and the same body;
//   3. once complete or invalid it stays so, consuming nothing more;
//   4. a complete body agrees with a plain reference decoder (size line, data,
//      CRLF, up to the empty line): the same data, ending at the same byte.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "check.hpp"
#include "chunked.hpp"

namespace {

using porter::fuzz::check;
using namespace porter;

ChunkedLimits choose_limits(FuzzedDataProvider& script) {
    ChunkedLimits limits{.max_line_bytes = script.ConsumeIntegralInRange<std::size_t>(1, 4096),
                         .max_trailer_bytes = script.ConsumeIntegralInRange<std::size_t>(2, 8192),
                         .max_body_bytes = script.ConsumeIntegralInRange<std::uint64_t>(0, 1 << 20)};
    // Now and then no limit at all, so sizes near 2^64 meet no early 413.
    if (script.ConsumeIntegralInRange<int>(0, 7) == 0) limits.max_body_bytes = std::numeric_limits<std::uint64_t>::max();
    return limits;
}

// What feeding a sequence of reads to one decoder came to.
struct Outcome {
    ParseResult last;
    std::size_t consumed = 0;  // over all the pieces
    std::string body;
    bool operator==(const Outcome& other) const {
        // An invalid verdict's count covers only the pieces before it, so
        // it depends on the split: not compared.
        bool counts_agree = last.status == ParseStatus::invalid || consumed == other.consumed;
        return last.status == other.last.status && last.error == other.last.error && counts_agree && body == other.body;
    }
};

// Feeds `pieces` in order to `decoder`, each as a copy of its own (as a read
// would be), stopping at the first final verdict.
Outcome feed(ChunkedDecoder& decoder, const std::vector<std::string_view>& pieces) {
    Outcome outcome;
    for (std::string_view piece : pieces) {
        std::string read(piece);
        outcome.last = decoder.decode(read, outcome.body);
        outcome.consumed += outcome.last.consumed;
        check(outcome.last.consumed <= read.size(), "a call consumes no more than it was given");
        if (outcome.last.status != ParseStatus::incomplete) break;
        check(outcome.last.consumed == read.size(), "incomplete consumed the whole piece");
    }
    return outcome;
}

// Where to cut the body into reads: up to pieces - 1 offsets, in order.
constexpr int max_cuts = 4;

std::vector<std::size_t> choose_cuts(FuzzedDataProvider& script) {
    std::vector<std::size_t> cuts;
    for (int i = 0; i < max_cuts; ++i) cuts.push_back(script.ConsumeIntegral<std::uint16_t>());
    return cuts;
}

std::vector<std::string_view> cut_into_pieces(std::string_view input, std::vector<std::size_t> cuts) {
    for (std::size_t& cut : cuts) cut %= input.size() + 1;
    std::sort(cuts.begin(), cuts.end());
    std::vector<std::string_view> pieces;
    std::size_t start = 0;
    for (std::size_t cut : cuts) {
        pieces.push_back(input.substr(start, cut - start));
        start = cut;
    }
    pieces.push_back(input.substr(start));
    return pieces;
}

std::vector<std::string_view> single_bytes(std::string_view input) {
    std::vector<std::string_view> pieces;
    for (std::size_t i = 0; i < input.size(); ++i) pieces.push_back(input.substr(i, 1));
    return pieces;
}

// --- the reference: chunked framing, spelled out, extensions skipped ------

// The body a valid chunked message at the start of `input` carries, and its
// length on the wire; nullopt if the framing is broken. Extensions and
// trailers are not checked: only accepted bodies are compared with this.
struct ReferenceBody {
    std::string data;
    std::size_t length = 0;
};

std::optional<ReferenceBody> reference_decode(std::string_view input) {
    ReferenceBody body;
    for (;;) {
        std::size_t line_end = input.find("\r\n", body.length);
        if (line_end == std::string_view::npos) return std::nullopt;
        std::uint64_t size = 0;
        const char* first = input.data() + body.length;
        if (std::from_chars(first, input.data() + line_end, size, 16).ec != std::errc()) return std::nullopt;
        body.length = line_end + 2;
        if (size == 0) break;
        if (input.size() - body.length < size + 2 || input.substr(body.length + size, 2) != "\r\n") return std::nullopt;
        body.data.append(input.substr(body.length, size));
        body.length += size + 2;
    }
    for (;;) {  // trailer lines, up to the empty one
        std::size_t line_end = input.find("\r\n", body.length);
        if (line_end == std::string_view::npos) return std::nullopt;
        bool is_last = line_end == body.length;
        body.length = line_end + 2;
        if (is_last) return body;
    }
}

void check_outcome(const Outcome& outcome, std::string_view input, const ChunkedLimits& limits) {
    const ParseResult& last = outcome.last;
    if (last.status == ParseStatus::invalid) check(last.error == 400 || last.error == 413, "invalid answers 400 or 413");
    check(outcome.body.size() <= limits.max_body_bytes, "the body stays within max_body_bytes");
    if (last.status != ParseStatus::complete) return;
    std::optional<ReferenceBody> reference = reference_decode(input);
    check(reference.has_value(), "a complete body has valid framing by the reference");
    check(reference->data == outcome.body && reference->length == outcome.consumed,
          "the decoder and the reference agree on the data and where the body ends");
}

// Once complete or invalid, the decoder answers the same and consumes nothing.
void check_settled(ChunkedDecoder& decoder, const Outcome& outcome, std::string_view more) {
    if (outcome.last.status == ParseStatus::incomplete) return;
    std::string body = outcome.body;
    ParseResult again = decoder.decode(more, body);
    check(again.status == outcome.last.status && again.error == outcome.last.error && again.consumed == 0 &&
              body == outcome.body,
          "a settled decoder answers the same and consumes nothing");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider script(data, size);
    ChunkedLimits limits = choose_limits(script);
    std::vector<std::size_t> cuts = choose_cuts(script);
    std::string input = script.ConsumeRemainingBytesAsString();

    ChunkedDecoder whole_decoder(limits);
    Outcome whole = feed(whole_decoder, {input});
    check_outcome(whole, input, limits);
    check_settled(whole_decoder, whole, "0\r\n\r\n");

    ChunkedDecoder split_decoder(limits);
    check(feed(split_decoder, cut_into_pieces(input, cuts)) == whole, "random pieces give the whole input's outcome");
    ChunkedDecoder byte_decoder(limits);
    check(feed(byte_decoder, single_bytes(input)) == whole, "a byte at a time gives the whole input's outcome");
    return 0;
}
