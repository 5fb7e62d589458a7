// Feeding the parser a request split at every offset: the property that no
// way of splitting the input into reads changes the verdict.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "parser.hpp"

namespace porter::test {

// #region every_split
// Feeds `input` in every split: as the prefix of every length, and whole.
inline ParseResult parse_in_every_split(const std::string& input, const Limits& limits, Request& request) {
    ParseResult settled{};
    bool has_settled = false;
    for (std::size_t length = 0; length <= input.size(); ++length) {
        std::string received = input.substr(0, length);  // a copy, as a read would make
        ParseResult result = parse_request(received, limits, request);
        if (has_settled) {
            CHECK_MESSAGE(result.status == settled.status, "verdict changed at offset ", length);
            CHECK(result.error == settled.error);
        } else if (result.status != ParseStatus::incomplete) {
            settled = result;
            has_settled = true;
        }
    }
    return parse_request(input, limits, request);
}
// #endregion every_split

}  // namespace porter::test
