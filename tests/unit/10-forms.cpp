// Queries and form bodies: the application/x-www-form-urlencoded decoder
// (WHATWG URL §5.1), which is not the path's, and what a handler sees of a
// query that cannot be decoded.
#include "connection_driver.hpp"
#include "form.hpp"
#include "uri.hpp"

using namespace porter;
using namespace porter::test;

namespace {

std::vector<std::pair<std::string, std::string>> pairs(std::string_view encoded) {
    std::optional<Form> form = decode_form(encoded);
    REQUIRE(form.has_value());
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, value] : form->fields) out.emplace_back(name, value);
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Request with_target(std::string_view target) {
    Request request;
    request.method = "GET";
    request.target = target;
    return request;
}

}  // namespace

TEST_CASE("a form's '+' is a space and its escapes are any byte, '/' and NUL too") {
    CHECK(pairs("q=a+b") == Pairs{{"q", "a b"}});
    CHECK(pairs("q=a%2Bb") == Pairs{{"q", "a+b"}});  // a literal '+' travels escaped
    CHECK(pairs("dir=a%2Fb") == Pairs{{"dir", "a/b"}});  // the path's decoder refuses this one
    CHECK(pairs("x=%00") == Pairs{{"x", std::string(1, '\0')}});
    CHECK(pairs("and=%26%3D") == Pairs{{"and", "&="}});
    CHECK(pairs("caf%C3%A9=%e2%82%AC") == Pairs{{"caf\xC3\xA9", "\xE2\x82\xAC"}});  // either case of hex
    CHECK(pairs("a%20b=c%20d") == Pairs{{"a b", "c d"}});
}

TEST_CASE("a form's pairs keep their order and their repeats; empty ones are skipped") {
    CHECK(pairs("tag=a&tag=b&page=2") == Pairs{{"tag", "a"}, {"tag", "b"}, {"page", "2"}});
    CHECK(pairs("&&a=1&&b=2&") == Pairs{{"a", "1"}, {"b", "2"}});
    CHECK(pairs("flag&x=") == Pairs{{"flag", ""}, {"x", ""}});  // no '=' and nothing after it read the same
    CHECK(pairs("=v") == Pairs{{"", "v"}});
    CHECK(pairs("eq=a=b") == Pairs{{"eq", "a=b"}});  // split at the first '='
    CHECK(pairs("a;b=c") == Pairs{{"a;b", "c"}});  // ';' separated pairs once; it no longer does
    CHECK(pairs("").empty());
}

TEST_CASE("an escape cut short or not hex makes the whole form an error") {
    for (std::string_view bad : {"q=%", "q=%4", "q=%zz", "q=%4g", "q=ok&r=%%41", "k%zz=v", "%=v", "q=a+%2"}) {
        CAPTURE(bad);
        CHECK_FALSE(decode_form(bad).has_value());
    }
}

TEST_CASE("get finds the first value of a name, get_all every one") {
    std::optional<Form> form = decode_form("tag=a&page=2&tag=b&Tag=c");
    REQUIRE(form);
    CHECK(form->get("tag") == "a");
    CHECK(form->get("page") == "2");
    CHECK_FALSE(form->get("missing").has_value());
    CHECK(form->get_all("tag") == std::vector<std::string_view>{"a", "b"});  // names compare exactly
    CHECK(form->get_all("missing").empty());
}

TEST_CASE("query_param decodes the query's value; the path's decoder would not") {
    Request request = with_target("/search?q=a+b%2Fc&limit=10&q=second");
    CHECK(request.path() == "/search");
    CHECK(request.query_param("q") == "a b/c");
    CHECK(request.query_param("limit") == "10");
    CHECK_FALSE(request.query_param("page").has_value());
    CHECK_FALSE(percent_decode("a+b%2Fc").has_value());  // the trap this decoder replaces
    REQUIRE(request.query_form());
    CHECK(request.query_form()->get_all("q") == std::vector<std::string_view>{"a b/c", "second"});
    CHECK_FALSE(with_target("/search").query_param("q").has_value());
    CHECK(with_target("/search").query_form()->fields.empty());
}

TEST_CASE("a query that cannot be decoded is an error the handler sees") {
    Request request = with_target("/search?q=ok&limit=%zz");
    CHECK_FALSE(request.query_form().has_value());
    CHECK_THROWS_AS(request.query_param("q"), BadRequest);  // a bad escape anywhere: the query means nothing sure
}

TEST_CASE("a handler that lets BadRequest go answers 400, keeps the connection, and reports nothing") {
    Driver driver;
    driver.handler = [](Request& req, Response& res) {
        int limit = std::stoi(req.query_param("limit").value_or("20"));
        res.text(200, std::to_string(limit) + "\n");
    };
    CHECK(driver.send(get("/items?limit=5")) == response_bytes(200, "OK", "5\n"));
    CHECK(driver.send(get("/items?limit=%zz")) == response_bytes(400, "Bad Request", "Bad Request\n"));
    CHECK(driver.failures.empty());  // the client's mistake, not the application's
    CHECK(driver.connection->state() == ConnectionState::waiting);  // the request was whole: keep-alive holds
    CHECK(driver.send(get("/items")) == response_bytes(200, "OK", "20\n"));
}

TEST_CASE("BadRequest's 400 takes the error_answer hook's words") {
    Driver driver;
    driver.render_error = [](int status, const Request&) {
        return ErrorAnswer{"{\"status\":" + std::to_string(status) + "}", "application/json"};
    };
    driver.handler = [](Request&, Response&) { throw BadRequest("no"); };
    std::string out = driver.send(get("/"));
    CHECK(out.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(out.find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(out.ends_with("\r\n\r\n{\"status\":400}"));
}

TEST_CASE("BadRequest thrown after the answer was given is the application's failure") {
    Driver driver;
    driver.handler = [](Request&, Response& res) {
        res.text(200, "fine\n");
        throw BadRequest("too late");
    };
    CHECK(driver.send(get("/late")) == response_bytes(200, "OK", "fine\n"));
    REQUIRE(driver.failures.size() == 1);
    CHECK(driver.failures[0] == "GET /late: too late");
}
