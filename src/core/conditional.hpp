// Conditional and range requests: how to answer for one version of a file.
//
// Layer: core; pure, with the time passed in. Validators (RFC 9110 §8.8), the
// preconditions of §13 in their order, and a single byte range (§14), decided
// from the request's fields and the file's size and modification time.
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
// RFC 9110 §13.1 and §14.2, each the field's whole value (lines joined with
// ", "), or nullopt when the request has none.
struct Conditions {
    std::string_view method = "GET";
    std::optional<std::string> if_match = std::nullopt;
    std::optional<std::string> if_none_match = std::nullopt;
    std::optional<std::string> if_modified_since = std::nullopt;
    std::optional<std::string> if_unmodified_since = std::nullopt;
    std::optional<std::string> range = std::nullopt;
    std::optional<std::string> if_range = std::nullopt;
};

// How to answer a request for one version of a file.
struct FileAnswer {
    int status = 200;          // 200, 206 or 304; 412 or 416 to answer as errors
    std::uint64_t offset = 0;  // 200 and 206: the first byte to send
    std::uint64_t length = 0;  // 200 and 206: how many bytes
    std::vector<std::pair<std::string, std::string>> fields;  // to set, in order
};

// The answer RFC 9110 §13.2.2 leads to: preconditions first, in its order
// (If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since), then the
// Range (§14.2), under If-Range (§13.1.5). `now` is the response's Date.
FileAnswer decide_answer(const Conditions& request, const FileVersion& file,
                         std::chrono::system_clock::time_point now);

}  // namespace porter
