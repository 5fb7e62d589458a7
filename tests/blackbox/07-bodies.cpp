// Chapter 07 — request bodies: POST /echo answers the body it was sent,
// framed by Content-Length or chunked (and decoded); a client that asks first
// with Expect: 100-continue is told to go on, or given the final answer at
// once; a body over the limit (1 MiB by default) is refused with 413 before it
// is read; framing that two readers could read two ways is refused.
#include "harness.hpp"

using namespace porter::test;

namespace {

constexpr std::size_t limit = 1 << 20;  // the default largest body

std::string post_echo(std::string_view fields) { return request("POST", "/echo", fields); }

std::string with_length(std::string_view body) {
    return post_echo("Content-Length: " + std::to_string(body.size()) + "\r\n") + std::string(body);
}

// Bytes that no text-only reader would get right: NUL, CR LF, a request, high bytes.
constexpr char awkward_bytes[] = "a\0b\r\n\r\nGET / HTTP/1.1\r\n\xff\xfe end";
const std::string awkward_body(awkward_bytes, sizeof awkward_bytes - 1);

// A chunked body of `awkward_body` in two chunks, with chunk extensions and a
// trailer field (RFC 9112 §7.1): 5 bytes, then the other 24 (0x18).
const std::string chunked_body = "5\r\n" + awkward_body.substr(0, 5) + "\r\n" +
                                 "18;name=value;quoted=\"a b\"\r\n" + awkward_body.substr(5) + "\r\n" +
                                 "0\r\nX-Trailer: ignored\r\n\r\n";

// Sends `bytes`; expects the answer `status` and then the close.
void expect_refusal(std::uint16_t port, const std::string& bytes, int status) {
    Client client(port);
    CHECK(client.send(bytes));
    Response response = client.read_response();
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == status);
    CHECK(response.field("Connection").value_or("") == "close");
    client.read_until_close();
    CHECK(client.saw_close());
}

}  // namespace

TEST_CASE("POST /echo answers the body framed by Content-Length, byte for byte (RFC 9112 §6.3)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string body : {std::string(), std::string("hello"), awkward_body}) {
        CAPTURE(body.size());
        Client client(server.port());
        CHECK(client.send(with_length(body)));
        Response response = client.read_response();
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == 200);
        CHECK(response.body == body);
    }
}

TEST_CASE("a body split from its head at any offset is read whole (RFC 9112 §6.3)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::string bytes = with_length(awkward_body);
    for (std::size_t offset = 1; offset < bytes.size(); ++offset) {
        CAPTURE(offset);
        Client client(server.port());
        CHECK(client.send_split(bytes, offset));
        CHECK(client.read_response().body == awkward_body);
    }
}

TEST_CASE("a chunked upload is decoded: POST /echo answers the data, without sizes, extensions or trailers "
          "(RFC 9112 §7.1)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send(post_echo("Transfer-Encoding: chunked\r\n") + chunked_body));
    Response response = client.read_response();
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 200);
    CHECK(response.body == awkward_body);
}

TEST_CASE("a chunked upload split at any offset is decoded the same (RFC 9112 §7.1)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::string bytes = post_echo("Transfer-Encoding: chunked\r\n") + chunked_body;
    for (std::size_t offset = 1; offset < bytes.size(); ++offset) {
        CAPTURE(offset);
        Client client(server.port());
        CHECK(client.send_split(bytes, offset));
        CHECK(client.read_response().body == awkward_body);
    }
}

TEST_CASE("bodies on a kept-alive connection are consumed exactly, so the next request starts in the right place "
          "(RFC 9112 §6.3)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    // The bodies hold request-like bytes: were they read as requests, the answers would be out of step.
    std::string fake = get("/echo/smuggled");
    CHECK(client.send(with_length(fake) + post_echo("Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n0\r\n\r\n" +
                      "GET /echo/plain HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                      std::to_string(fake.size()) + "\r\n\r\n" + fake + request("GET", "/echo/after")));
    CHECK(client.read_response().body == fake);
    CHECK(client.read_response().body == "abc");
    CHECK(client.read_response().body == "plain");  // a GET may have a body too; it is read and passed over
    Response after = client.read_response();
    CHECK(after.body == "after");
    CHECK_FALSE(after.field("Connection").value_or("") == "close");
}

TEST_CASE("Expect: 100-continue: 100 Continue comes before the body is sent, then the final answer "
          "(RFC 9110 §10.1.1)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    SUBCASE("with Content-Length") {
        Client client(server.port());
        CHECK(client.send(post_echo("Expect: 100-continue\r\nContent-Length: 5\r\n")));
        Response interim = client.read_response();  // within patience: the client waits for it
        CHECK_MESSAGE(interim.well_formed, interim.problem);
        CHECK(interim.status == 100);
        CHECK(client.send("hello"));
        Response response = client.read_response();
        CHECK(response.status == 200);
        CHECK(response.body == "hello");
    }
    SUBCASE("chunked") {
        Client client(server.port());
        CHECK(client.send(post_echo("Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n")));
        CHECK(client.read_response().status == 100);
        CHECK(client.send(chunked_body));
        CHECK(client.read_response().body == awkward_body);
    }
}

TEST_CASE("Expect: 100-continue to a route that would refuse the body gets that final answer, with no 100 "
          "(RFC 9110 §10.1.1)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    struct Case {
        std::string target;
        int status;
    };
    for (const Case& c : {Case{"/no/such/path", 404}, Case{"/", 405}}) {
        CAPTURE(c.target);
        Client client(server.port());
        CHECK(client.send(request("POST", c.target, "Expect: 100-continue\r\nContent-Length: 5\r\n")));
        Response response = client.read_response();
        CHECK_MESSAGE(response.well_formed, response.problem);
        CHECK(response.status == c.status);
    }
}

TEST_CASE("Expect: 100-continue in an HTTP/1.0 request is ignored: no 100, just the answer (RFC 9110 §10.1.1)" *
          chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    Client client(server.port());
    CHECK(client.send("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello"));
    Response response = client.read_response();
    CHECK(response.status == 200);
    CHECK(response.body == "hello");
}

TEST_CASE("a Content-Length over 1 MiB is answered 413 before any of the body is sent (RFC 9110 §15.5.14)" *
          chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    // The head alone: the answer must not wait for a body that never comes.
    expect_refusal(server.port(), post_echo("Content-Length: " + std::to_string(limit + 1) + "\r\n"), 413);
    // With Expect, too: no 100 for a body that would be refused.
    expect_refusal(server.port(), post_echo("Expect: 100-continue\r\nContent-Length: " + std::to_string(limit + 1) + "\r\n"),
                   413);
}

TEST_CASE("a Content-Length too large for any integer is refused, never wrapped around (RFC 9110 §8.6)" *
          chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    // 2^64 + 5: a reader that wraps around would take "hello" as the whole body.
    Client client(server.port());
    CHECK(client.send(post_echo("Content-Length: 18446744073709551621\r\n") + "hello"));
    Response response = client.read_response();
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK((response.status == 400 || response.status == 413));
}

TEST_CASE("a body of exactly 1 MiB is accepted, and echoed whole" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    std::string body(limit, 'b');
    for (std::size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + i % 26);
    Client client(server.port());
    CHECK(client.send(with_length(body)));
    Response response = client.read_response();
    CHECK(response.status == 200);
    CHECK(response.body == body);
}

TEST_CASE("a chunked upload that grows past 1 MiB is answered 413 (RFC 9110 §15.5.14)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    // One chunk announced too large; and two chunks that are only too large together.
    expect_refusal(server.port(), post_echo("Transfer-Encoding: chunked\r\n") + "100001\r\n", 413);
    std::string half(limit / 2, 'h');
    expect_refusal(server.port(),
                   post_echo("Transfer-Encoding: chunked\r\n") + "80000\r\n" + half + "\r\n80001\r\n", 413);
}

TEST_CASE("a 413 is not lost when the refused body arrives anyway" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    // The client sends 8 MiB without waiting: more than the socket buffers
    // between them hold. The server must read (and drop) them, or the client
    // could not finish sending, and the server's close, with bytes unread,
    // would reset the connection and destroy the 413.
    std::string body(8 * limit, 'x');
    Client client(server.port());
    CHECK(client.send(post_echo("Content-Length: " + std::to_string(body.size()) + "\r\n") + body));
    client.finish_sending();
    Response response = parse_response(client.read_until_close());
    CHECK_MESSAGE(response.well_formed, response.problem);
    CHECK(response.status == 413);
    CHECK(!client.saw_reset());
}

TEST_CASE("both Content-Length and Transfer-Encoding is refused with 400 and a close: a smuggling vector "
          "(RFC 9112 §6.1, §11.2)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    expect_refusal(server.port(),
                   post_echo("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n" + get("/"), 400);
    expect_refusal(server.port(),
                   post_echo("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n") + "0\r\n\r\n" + get("/"), 400);
}

TEST_CASE("Transfer-Encoding whose last coding is not chunked is 400 (RFC 9112 §6.3); an unknown coding 501 "
          "(RFC 9112 §6.1)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string codings : {"gzip", "chunked, gzip", "identity"}) {
        CAPTURE(codings);
        expect_refusal(server.port(), post_echo("Transfer-Encoding: " + codings + "\r\n") + "5\r\nhello\r\n0\r\n\r\n",
                       400);
    }
    expect_refusal(server.port(), post_echo("Transfer-Encoding: gzip, chunked\r\n") + "0\r\n\r\n", 501);
}

TEST_CASE("an invalid Content-Length is answered 400 and closed (RFC 9112 §6.3, RFC 9110 §8.6)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string fields : {"Content-Length: abc\r\n", "Content-Length: -1\r\n", "Content-Length: +5\r\n",
                               "Content-Length: 0x5\r\n", "Content-Length: 5.0\r\n", "Content-Length: 5, 6\r\n",
                               "Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: \r\n"}) {
        CAPTURE(fields);
        expect_refusal(server.port(), post_echo(fields) + "hello", 400);
    }
}

TEST_CASE("a malformed chunked body is answered 400 and closed (RFC 9112 §7.1)" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string body : {"zz\r\nhello\r\n0\r\n\r\n",     // not a hex size
                             "0x5\r\nhello\r\n0\r\n\r\n",    // no "0x"
                             "-5\r\nhello\r\n0\r\n\r\n",     // no sign
                             "3\r\nhello\r\n0\r\n\r\n",      // more data than the size says
                             "5\r\nhello0\r\n\r\n",          // no CRLF after the data
                             "5\nhello\r\n0\r\n\r\n",        // a bare LF ending the size line
                             "5;=x\r\nhello\r\n0\r\n\r\n",   // an extension without a name
                             "fffffffffffffffff\r\n"}) {     // a size past 64 bits
        CAPTURE(body);
        Client client(server.port());
        CHECK(client.send(post_echo("Transfer-Encoding: chunked\r\n") + body));
        Response response = client.read_response();
        CHECK(response.status >= 400);  // 400, or 413 for the size past any limit
        CHECK(response.status < 500);
        CHECK(response.field("Connection").value_or("") == "close");
    }
}

TEST_CASE("a body cut short by the client's end of file is never answered as if whole" * chapters(7)) {
    Server server;
    DescriptorCheck descriptors(server);
    for (std::string bytes : {post_echo("Content-Length: 10\r\n") + "hello",
                              post_echo("Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n"}) {
        CAPTURE(bytes);
        Client client(server.port());
        CHECK(client.send(bytes));
        client.finish_sending();
        std::string answer = client.read_until_close();
        CHECK(client.saw_close());
        // RFC 9112 §8: the server MAY answer (400) before closing, or just close.
        if (!answer.empty()) CHECK(parse_response(answer).status == 400);
    }
}
