// AccessRecord: how one exchange went, for the access log.
//
// Layer: core, and part of the API (ServerOptions::access_log). The
// connection makes one for every request whose head parsed, and for every
// error answer it gives on its own, once the exchange is over: when the
// answer's last byte has gone to the socket, or when the connection ended
// first — a reset, a client that left an event stream, a deadline, the
// server stopping. Nothing is made for a connection that ends before a
// request began, or with half a head and no answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "connection_state.hpp"

namespace porter {

// The views are valid during the access_log call only: copy what you keep.
struct AccessRecord {
    std::uint64_t connection = 0;  // the connection's id, as connections() and Request::connection_id give it
    std::string_view peer{};       // the client's address, as Request::peer gives it
    std::string_view method{};     // as far as it parsed: for a 400, perhaps only the method, or nothing
    std::string_view target{};
    int status = 0;                // 0: no answer was sent (the client or a deadline ended it first)
    std::uint64_t bytes_sent = 0;  // of this answer, head and framing included, as the socket took them
    // Why the connection ended, if it ended with this exchange (its last
    // answer, or the one cut short); none if it stayed open.
    CloseReason close_reason = CloseReason::none;
    std::chrono::microseconds duration{};  // from the head's first byte to the answer's last byte sent, or the end
};

}  // namespace porter
