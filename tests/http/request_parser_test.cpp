// The server-side request parser (sandbox), fed whole and split at every byte offset.
#include <tokenmint/http/request_parser.hpp>

#include <gtest/gtest.h>

using namespace tokenmint;
using namespace tokenmint::http;

namespace {
/// Parses `text` cut at `cut` (0: whole); returns the request or the error.
result<incoming_request> parse(std::string_view text, std::size_t cut, parser_limits limits = {}) {
  request_parser p(limits);
  std::size_t pos = 0;
  for (std::size_t end : {cut, text.size()}) {
    if (end <= pos) continue;
    auto used = p.feed(text.substr(pos, end - pos));
    if (!used) return used.error();
    if (p.done()) return p.release();
    pos = end;
  }
  return error{errc::http_truncated, "incomplete"};
}
}  // namespace

TEST(RequestParser, ParsesAtEverySplit) {
  const std::string text =
      "POST /v2/token/generate?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization:  Bearer k \r\nContent-Length: 5\r\n\r\nAQID=";
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    auto r = parse(text, cut);
    ASSERT_TRUE(r) << cut << ": " << r.error().message;
    EXPECT_EQ(r->method, "POST");
    EXPECT_EQ(r->target, "/v2/token/generate?x=1");
    EXPECT_EQ(r->path(), "/v2/token/generate");
    EXPECT_EQ(*r->headers.get("authorization"), "Bearer k");
    EXPECT_EQ(r->body, "AQID=");
    EXPECT_TRUE(r->keep_alive());
  }
  auto get = parse("GET / HTTP/1.0\r\n\r\n", 0);
  ASSERT_TRUE(get);
  EXPECT_FALSE(get->keep_alive());
}

TEST(RequestParser, LeavesPipelinedBytes) {
  const std::string one = "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nok";
  request_parser p;
  auto used = p.feed(one + "POST /b HTTP/1.1\r\n");
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, one.size());
  EXPECT_TRUE(p.done());
}

TEST(RequestParser, RefusesMalformedAndOversizedRequests) {
  const std::vector<std::pair<std::string, const char*>> bad = {
      {"POST /a HTTP/1.1\nContent-Length: 0\n\n\r\n\r\n", "bare LF"},
      {"POST /a HTTP/1.1\r\nX: a\rb\r\n\r\n", "bare CR"},
      {"POST /a HTTP/1.1\r\n folded: x\r\n\r\n", "obs-fold"},
      {"POST /a HTTP/1.1\r\nBad Name: x\r\n\r\n", "invalid header field name"},
      {"POST a HTTP/1.1\r\n\r\n", "origin form"},
      {"POST /a HTTP/2\r\n\r\n", "unsupported HTTP version"},
      {"POST /a\r\n\r\n", "malformed request line"},
      {"PO(ST /a HTTP/1.1\r\n\r\n", "invalid method"},
      {"POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "only chunked"},
      {"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both Content-Length"},
      {"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "invalid chunk size"},
      {"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", "chunk data not followed by CRLF"},
      {"POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting"},
      {"POST /a HTTP/1.1\r\nContent-Length: x\r\n\r\n", "not a number"},
  };
  for (const auto& [text, why] : bad) {
    for (std::size_t cut = 0; cut < text.size(); ++cut) {
      auto r = parse(text, cut);
      ASSERT_FALSE(r) << text;
      EXPECT_EQ(r.error(), errc::http_protocol) << text << " -> " << r.error().message;
      EXPECT_NE(r.error().message.find(why), std::string::npos) << text << " -> " << r.error().message;
    }
  }
  request_parser head({64, 16});
  auto h = head.feed("POST /a HTTP/1.1\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error(), errc::http_limit_exceeded);
  EXPECT_TRUE(head.head_too_large());
  request_parser body({64, 16});
  auto b = body.feed("POST /a HTTP/1.1\r\nContent-Length: 17\r\n\r\n");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), errc::http_limit_exceeded);
  EXPECT_FALSE(body.head_too_large());
}

// Chunked request bodies are decoded by the one chunked decoder (the response parser's), at any
// split; one whose chunk sizes take it past the body limit fails at that size line, before its
// data arrives (the server answers 413 at once instead of reading on).
TEST(RequestParser, ChunkedBodiesAndTheirLimit) {
  const std::string text =
      "POST /v2/token/refresh HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n4;ext=1\r\nAQID\r\n1\r\n=\r\n0\r\nX-T: 1\r\n\r\n";
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    auto r = parse(text + "GET /next", cut);
    ASSERT_TRUE(r) << cut << ": " << r.error().message;
    EXPECT_EQ(r->body, "AQID=");
  }
  request_parser pipelined;
  auto used = pipelined.feed(text + "GET /next HTTP/1.1\r\n");
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, text.size());  // the next request's bytes are left
  request_parser small({1024, 16});
  ASSERT_TRUE(small.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n"));  // 16: at the limit
  ASSERT_TRUE(small.feed(std::string(16, 'a') + "\r\n"));
  auto over = small.feed("1\r\n");  // the 17th byte is announced: refused now
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), errc::http_limit_exceeded);
  EXPECT_FALSE(small.head_too_large());  // so: 413, not 431
  EXPECT_NE(over.error().message.find("chunked request body"), std::string::npos) << over.error().message;
}

TEST(ResponseSerializer, WritesLengthAndReason) {
  response r;
  r.status = 401;
  r.reason = std::string(reason_phrase(401));
  r.headers.add("Content-Type", "application/json");
  r.body = R"({"status":"unauthorized"})";
  std::string out;
  serialize_response(r, out);
  EXPECT_EQ(out,
            "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n"
            "{\"status\":\"unauthorized\"}");
  // And the client-side parser reads it back.
  response_parser p;
  ASSERT_TRUE(p.feed(out));
  ASSERT_TRUE(p.done());
  EXPECT_EQ(p.get().body, r.body);
}

// What cannot be HTTP is refused at the byte that shows it, not after the header limit or a
// timeout: a TLS ClientHello (a client pointed at https:// on a plain port), other binary first
// bytes, and bare-LF line ends. Fed one byte at a time, the error comes at that byte.
TEST(RequestParser, RefusesNonHttpAtTheFirstTellingByte) {
  struct row {
    std::string text;
    std::size_t telling;  // 1-based position of the byte that must fail
    std::string message;
  };
  const std::string client_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  const std::vector<row> rows = {
      {client_hello, 1, "TLS handshake on a plain-HTTP port"}, {std::string("\x00\x01GET", 5), 1, "invalid method"},
      {"GE{T / HTTP/1.1\r\n\r\n", 3, "invalid method"},        {"GET / HTTP/1.1\nHost: x\n\n", 15, "bare LF"},
      {"GET / HTTP/1.1\r\nHost: x\n\r\n", 24, "bare LF"},      {"\n", 1, "invalid method"},
  };
  for (const auto& r : rows) {
    request_parser p;
    for (std::size_t i = 0; i < r.text.size(); ++i) {
      auto used = p.feed(std::string_view(r.text).substr(i, 1));
      if (i + 1 < r.telling) {
        ASSERT_TRUE(used) << r.message << " at byte " << i + 1 << ": " << used.error().message;
        continue;
      }
      ASSERT_FALSE(used) << r.message << ": accepted byte " << i + 1;
      EXPECT_EQ(used.error(), errc::http_protocol);
      EXPECT_NE(used.error().message.find(r.message), std::string::npos) << used.error().message;
      break;
    }
  }
  // A well-formed request still parses, cut anywhere.
  EXPECT_TRUE(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 7));
}

// The early checks look at the head only: a body may hold any bytes, LF included.
TEST(RequestParser, EarlyChecksLeaveTheBodyAlone) {
  const std::string text = "POST /v2/token/refresh HTTP/1.1\r\nContent-Length: 4\r\n\r\na\nb\n";
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    auto r = parse(text, cut);
    ASSERT_TRUE(r) << cut << ": " << r.error().message;
    EXPECT_EQ(r->body, "a\nb\n");
  }
}
