// Negotiation: which of the representations the server has the client prefers.
//
// Layer: core; pure functions of the request's fields. This is proactive
// negotiation (RFC 9110 §12.1): the client lists the media types it takes in
// Accept, each with a weight (§12.5.1, §12.4.2), and the server picks among
// what it has. A response picked this way must say so with Vary: Accept
// (§12.5.5), or a cache would hand the HTML page to a client that asked for
// plain text.
#pragma once

#include <initializer_list>
#include <string_view>

#include "request.hpp"

namespace porter {

// The weight the request's Accept fields give `media_type` ("text/html"),
// in thousandths, since a qvalue has at most three decimals (§12.4.2): 1000
// is "q=1", 0 is "not acceptable". It comes from the most specific range that
// covers the type: "text/html" over "text/*" over "*/*" (§12.5.1). With no
// Accept field, every type is acceptable: 1000.
int accept_weight(const Request& request, std::string_view media_type);

// Of the `offered` media types, in the server's order of preference, the one
// the client weighs highest; ties go to the earlier. When none is
// acceptable, the first: §12.5.1 lets a server disregard Accept rather than
// answer 406, and some answer is more use than an error page.
std::string_view choose_media_type(const Request& request, std::initializer_list<std::string_view> offered);

}  // namespace porter
