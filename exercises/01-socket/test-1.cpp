// Exercise 01-1: a Server field naming the software (RFC 9110 §10.2.4).
#include <algorithm>
#include <string>
#include <string_view>

#include "harness.hpp"

using namespace porter::test;

namespace {

// tchar: the characters of a token (RFC 9110 §5.6.2).
bool is_tchar(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar); }

// product = token ["/" product-version], product-version = token (RFC 9110
// §10.2.4). '/' is not a tchar, so the first one splits the two.
bool is_product(std::string_view text) {
    std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) return is_token(text);
    return is_token(text.substr(0, slash)) && is_token(text.substr(slash + 1));
}

// How many fields the response has named `name`, in any case (RFC 9110 §5.1).
long count_fields(const Response& response, std::string_view name) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    auto is_named = [&](const auto& field) { return std::ranges::equal(field.first, name, {}, lower, lower); };
    return std::count_if(response.fields.begin(), response.fields.end(), is_named);
}

}  // namespace

TEST_CASE("the response names its software in one Server field, a product such as porter/0.1 (RFC 9110 §10.2.4)") {
    Server server;
    Response response = exchange(server.port(), get("/"));
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    REQUIRE_MESSAGE(response.field("Server").has_value(), "no Server field in the response head");
    std::string value = *response.field("Server");
    CAPTURE(value);
    CHECK(is_product(value));
    CHECK(count_fields(response, "Server") == 1);
    // The rest of the head is as it was.
    CHECK(response.field("Content-Type").value_or("").starts_with("text/plain"));
    CHECK(response.field("Connection").value_or("") == "close");
    CHECK(response.body.starts_with("hello, "));
}
