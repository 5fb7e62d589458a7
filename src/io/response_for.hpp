// response_for: the handler's Response for an exchange the connection dispatched.
//
// Layer: I/O; internal. The server calls it for each request it dispatches
// (and the core's tests, which play the server). Response's constructor is
// private, so that an application cannot make a Response of its own.
#pragma once

#include <memory>

#include "response.hpp"

namespace porter {

// `mailbox` is the loop's, for a deferred response whose last handle is
// dropped on another thread; none: every thread is the loop's (a test bench).
Response response_for(std::shared_ptr<Exchange> exchange, Mailbox* mailbox = nullptr);

}  // namespace porter
