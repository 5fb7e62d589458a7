// Status codes: the reason phrase that goes with each.
//
// Layer: core, and part of the API, for handlers that answer an error in the
// server's words. Defined with the writer (writer.cpp), which puts it on the
// status line.
#pragma once

#include <string_view>

namespace porter {

// The reason phrase for a status code (RFC 9110 §15), "" for an unknown one.
std::string_view reason_phrase(int status);

}  // namespace porter
