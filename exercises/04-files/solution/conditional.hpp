// Conditional requests: how to answer for one version of a file.
//
// Layer: core; pure, with the time passed in. Two validators, Last-Modified
// (RFC 9110 §8.8.2) and ETag (§8.8.3), and the preconditions they make
// possible, If-None-Match (§13.1.2) and If-Modified-Since (§13.1.3), decided
// from the request's fields and the file's size and modification time.
//
// Not yet: If-Match, If-Unmodified-Since, Range — chapter 08.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace porter {

// The version of a file that an answer describes, as fstat(2) saw it.
struct FileVersion {
    std::uint64_t size = 0;                          // in bytes
    std::chrono::system_clock::time_point modified;  // st_mtim, to the nanosecond
    // The content coding the file's bytes are in: "" for the file itself,
    // "gzip" for the PATH.gz beside it. Two representations of one resource
    // need two entity-tags (§8.8.3), even when size and mtime coincide.
    std::string_view coding = "";
};

// The parts of a request an answer depends on: its method and the fields of
// RFC 9110 §13.1.2 and §13.1.3, each the field's whole value (lines joined
// with ", "), or nullopt when the request has none.
struct Conditions {
    std::string_view method = "GET";
    std::optional<std::string> if_none_match = std::nullopt;
    std::optional<std::string> if_modified_since = std::nullopt;
};

// How to answer a request for one version of a file.
struct FileAnswer {
    int status = 200;          // 200 or 304
    std::uint64_t offset = 0;  // 200: the first byte to send
    std::uint64_t length = 0;  // 200: how many bytes
    std::vector<std::pair<std::string, std::string>> fields;  // to set, in order
};

// The answer RFC 9110 §13.2.2 leads to, with If-None-Match and, only when
// there is none, If-Modified-Since the preconditions read: 304 when the
// client's copy is the current one, else 200 and the whole file. Both carry
// ETag and Last-Modified. `now` is the response's Date.
FileAnswer decide_answer(const Conditions& request, const FileVersion& file,
                         std::chrono::system_clock::time_point now);

}  // namespace porter
