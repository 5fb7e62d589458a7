// Handler: what the application gives the server for a route.
//
// Layer: core, and part of the API. The router stores handlers and never
// calls one, so it needs Response only by name; the server calls them, with a
// Response (response.hpp) whose calls come back to the connection.
#pragma once

#include <functional>

#include "request.hpp"

namespace porter {

class Response;

using Handler = std::function<void(Request&, Response&)>;

}  // namespace porter
