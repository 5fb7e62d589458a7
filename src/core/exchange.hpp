// Exchange: one request and its answer, as the handler's Response handles and
// the connection share it.
//
// Layer: core; internal. The connection owns the exchange it is serving and
// creates it when it dispatches a request; Response handles (response.hpp)
// reach the connection through `connection`, which the connection clears when
// the response is finished or the client goes, so a late call on a kept
// handle does nothing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace porter {

class Connection;

struct Exchange {
    Connection* connection = nullptr;  // null once finished or the client has gone
    bool deferred = false;             // the handler kept the response past its return
    std::weak_ptr<void> keeper;        // what the handles defer() made share (response.cpp)
    bool input_ended = false;          // the client's FIN came: it sends nothing more, and may have left
    bool decided = false;              // a status has been given
    bool finished = false;             // the whole response has been handed over
    std::vector<std::pair<std::string, std::string>> fields;  // set_field() before the status
    std::function<void()> on_drain;    // output fell below the low-water mark
    std::function<void()> on_close;    // the client went away before `finished`
    // A streamed request body (RouteOptions::stream_body): its pieces, as read.
    std::function<void(std::string_view piece, bool done)> on_body;
    bool body_paused = false;          // pause_body(): read no more of it until resume_body()
    bool body_streamed = false;        // this exchange's body goes to on_body, not req.body
};

}  // namespace porter
