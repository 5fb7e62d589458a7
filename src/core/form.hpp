// Forms: the name=value&name=value encoding of queries and form bodies.
//
// Layer: core, and part of the API; pure functions. A query ("?q=a+b&page=2")
// and the body of an HTML form posted with the type
// application/x-www-form-urlencoded use one encoding, the WHATWG URL
// standard's, which is not the path's: '+' is a space, and "%2F" is a '/'
// like any other byte. That is why it has its own decoder, and why the
// path's (percent_decode, uri.hpp), which refuses %2F and %00 so that a path
// means one thing to everyone, must never decode a query value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porter {

// One name=value pair, both decoded.
struct FormField {
    std::string name;
    std::string value;
};

// The pairs of a query or form body, in the order sent, repeated names kept:
// "tag=a&tag=b" is two fields called "tag".
struct Form {
    std::vector<FormField> fields;

    // The value of the first field called `name` (names compare exactly, as
    // HTML sends them), or nullopt when there is none.
    std::optional<std::string_view> get(std::string_view name) const;
    // The values of every field called `name`, in order; empty when none.
    std::vector<std::string_view> get_all(std::string_view name) const;
};

// Decodes application/x-www-form-urlencoded text: pairs split at '&' (empty
// ones skipped), name from value at the first '=' (none: the value is ""),
// then in each '+' becomes a space and "%" HEXDIG HEXDIG its byte, any byte:
// a value may hold '/', '&' or NUL. nullopt for an escape that is cut short
// or not hex ("%4", "%zz"): the sender made a mistake, and a guess at what it
// meant would be a silent wrong answer, so the handler answers 400.
std::optional<Form> decode_form(std::string_view encoded);

}  // namespace porter
