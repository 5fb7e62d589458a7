// Semantics: what a parsed head says about the request, beyond its syntax.
//
// Layer: core; no system calls, no I/O. The parser checks that a head is
// well-formed; these functions read its target and fields: whether the target
// has a form a server takes and whether the Host is acceptable (RFC 9112
// §3.2). Each refusal names the status to answer with.
//
// Not yet: persistence (§9.3) — chapter 06; how a body is framed (§6) and
// what the client expects before sending it (RFC 9110 §10.1.1) — chapter 07.
#pragma once

#include "request.hpp"

namespace porter {

// 0 if the request's Host is acceptable, else 400 (RFC 9112 §3.2): an
// HTTP/1.1 request needs exactly one Host field; any request with more than
// one, or whose value is not uri-host [ ":" port ] (RFC 9110 §7.2), is
// refused. HTTP/1.0 may omit it, and an empty value is allowed.
int check_host(const Request& request);

// 0 if the request-target has a form a server accepts (RFC 9112 §3.2):
// origin-form "/path", absolute-form "http://host/path", or "*" for OPTIONS;
// else 400. CONNECT passes whatever its target, for the router to refuse.
int check_target(const Request& request);

}  // namespace porter
