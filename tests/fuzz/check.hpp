// Fuzz checks: a property that fails stops the run, with a line saying which.
//
// Test code, not part of the library. A failed check is a finding, so it
// aborts: libFuzzer then saves the input that caused it as a reproducer.
// assert() would do the same but says only the expression; these lines say
// which property of Porter broke.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace porter::fuzz {

inline void check(bool holds, const char* property) {
    if (holds) return;
    std::fprintf(stderr, "fuzz: property broken: %s\n", property);
    std::abort();
}

}  // namespace porter::fuzz
