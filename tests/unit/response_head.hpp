// A response head written by the writer, with a fixed Date, for the tests
// of writer.hpp's rules: a ResponseHead in, its exact bytes out.
#pragma once

#include <string>
#include <string_view>

#include "writer.hpp"

namespace porter::test {

inline constexpr std::string_view fixed_date = "Sun, 06 Nov 1994 08:49:37 GMT";

inline std::string head_of(ResponseHead head) {
    head.date = fixed_date;
    std::string out;
    append_head(out, head);
    return out;
}

}  // namespace porter::test
