// Conditional requests: how to answer for one version of a file.
//
// Layer: core; pure, with the time passed in. The Last-Modified validator
// (RFC 9110 §8.8.2) and the precondition it makes possible, If-Modified-Since
// (§13.1.3), decided from the request's fields and the file's size and
// modification time; If-None-Match (§13.1.2) only as far as it overrides it.
//
// Not yet: ETag, If-None-Match against tags, Range — chapter 08.
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
};

// The parts of a request an answer depends on: its method and the fields of
// RFC 9110 §13.1.2 and §13.1.3, each one's whole value (lines joined with
// ", "), or nullopt when the request has none.
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

// The answer RFC 9110 §13.2.2 leads to, from the two preconditions this
// stage reads: 304 when the file has not changed since the client's copy (or
// If-None-Match is "*"), else 200 and the whole file. `now` is the
// response's Date.
FileAnswer decide_answer(const Conditions& request, const FileVersion& file,
                         std::chrono::system_clock::time_point now);

}  // namespace porter
