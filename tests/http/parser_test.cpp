// The response parser, fed every input whole, split in two at every byte offset, and byte by byte.
#include <tokenmint/http/parser.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace tokenmint;
using tokenmint::http::parser_limits;
using tokenmint::http::response;
using tokenmint::http::response_parser;

namespace {

struct outcome {
  bool ok = false;
  response res;
  error err;
  std::size_t consumed = 0;
};

/// Feeds `text` in the pieces given by `cuts` (ascending offsets); at the end of the input, the
/// stream "closes" unless the response completed.
outcome run(std::string_view text, const std::vector<std::size_t>& cuts, bool no_body = false, parser_limits limits = {}) {
  response_parser p(limits);
  p.reset(no_body);
  outcome o;
  std::size_t pos = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(text.size());
  for (std::size_t end : ends) {
    if (end < pos) continue;
    auto used = p.feed(text.substr(pos, end - pos));
    if (!used) {
      o.err = used.error();
      return o;
    }
    o.consumed += *used;
    if (p.done()) break;
    pos = end;
  }
  if (!p.done()) {
    if (auto f = p.finish(); !f) {
      o.err = f.error();
      return o;
    }
  }
  o.ok = true;
  o.res = p.release();
  return o;
}

/// Every way of cutting `text`: whole, at each offset, and into single bytes.
std::vector<std::vector<std::size_t>> all_splits(std::string_view text) {
  std::vector<std::vector<std::size_t>> out{{}};
  for (std::size_t i = 1; i < text.size(); ++i) out.push_back({i});
  std::vector<std::size_t> bytes;
  for (std::size_t i = 1; i < text.size(); ++i) bytes.push_back(i);
  out.push_back(bytes);
  return out;
}

struct valid_case {
  const char* name;
  std::string text;
  int status;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // expected present (first value)
  bool no_body = false;
};

const std::vector<valid_case>& valid_cases() {
  static const std::vector<valid_case> cases = {
      {"content-length",
       "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
       200,
       "hello",
       {{"content-type", "text/plain"}, {"CONTENT-LENGTH", "5"}}},
      {"chunked with extensions and trailers",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
       200,
       "hello world",
       {{"transfer-encoding", "chunked"}}},
      {"chunked hex sizes, both cases",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n",
       200,
       "0123456789abcdefghijk",
       {}},
      {"close-delimited", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil the end", 200, "until the end", {{"server", "x"}}},
      {"204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", 204, "", {}},
      {"304 ignores Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", 304, "", {}},
      {"HEAD ignores Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 200, "", {}, true},
      {"1xx skipped",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: "
       "2\r\n\r\nok",
       200,
       "ok",
       {}},
      {"empty reason with space", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 200, "", {}},
      {"no reason, no space", "HTTP/1.1 404\r\nContent-Length: 1\r\n\r\nx", 404, "x", {}},
      {"identical duplicate lengths", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3, 3\r\n\r\nabc", 200, "abc", {}},
      {"optional whitespace trimmed",
       "HTTP/1.1 200 OK\r\nX-A:  a b \t\r\nX-B:\r\nContent-Length: 0\r\n\r\n",
       200,
       "",
       {{"x-a", "a b"}, {"x-b", ""}}},
      {"obs-text in a value",
       "HTTP/1.1 200 OK\r\nX-Name: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n",
       200,
       "",
       {{"x-name", "caf\xc3\xa9"}}},
      {"error status with JSON body",
       "HTTP/1.1 401 Unauthorized\r\nContent-Length: 25\r\n\r\n{\"status\":\"unauthorized\"}",
       401,
       "{\"status\":\"unauthorized\"}",
       {}},
      {"an empty line before the status line (RFC 9112 section 2.2)",
       "\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
       200,
       "ok",
       {}},
      {"several empty lines before the status line and before a final response after a 1xx",
       "\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
       201,
       "",
       {}},
      {"chunk extensions with whitespace around '=' and a quoted value",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;a = b;c=\"q \\\" ;d\"\r\nok\r\n0;last\r\n\r\n",
       200,
       "ok",
       {}},
      {"binary body with CR and LF",
       std::string("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n\r\n\0\n\r\xff", 44),
       200,
       std::string("\r\n\0\n\r\xff", 6),
       {}},
  };
  return cases;
}

}  // namespace

TEST(ResponseParser, ValidResponsesAtEverySplit) {
  for (const auto& c : valid_cases()) {
    for (const auto& cuts : all_splits(c.text)) {
      const auto o = run(c.text, cuts, c.no_body);
      ASSERT_TRUE(o.ok) << c.name << " cut " << (cuts.empty() ? 0 : cuts[0]) << ": " << o.err.message;
      EXPECT_EQ(o.res.status, c.status) << c.name;
      EXPECT_EQ(o.res.body, c.body) << c.name;
      EXPECT_EQ(o.consumed, c.text.size()) << c.name;
      for (const auto& [n, v] : c.headers) {
        ASSERT_TRUE(o.res.headers.get(n)) << c.name << " " << n;
        EXPECT_EQ(*o.res.headers.get(n), v) << c.name;
      }
    }
  }
}

TEST(ResponseParser, DetailsOfParsedResponses) {
  auto o = run(valid_cases()[1].text, {});
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(o.res.reason, "OK");
  ASSERT_EQ(o.res.trailers.size(), 1u);
  EXPECT_EQ(*o.res.trailers.get("x-trailer"), "t");
  auto interim = run(valid_cases()[7].text, {});
  EXPECT_FALSE(interim.res.headers.contains("link")) << "1xx fields must not leak into the final response";
  auto v10 = run(valid_cases()[3].text, {});
  EXPECT_EQ(v10.res.version_minor, 0);
  EXPECT_FALSE(v10.res.keep_alive());
}

TEST(ResponseParser, TruncatedResponsesFailAtEndOfStream) {
  // Every proper prefix of a framed response is an error when the stream ends there.
  for (const auto& c : valid_cases()) {
    if (std::string_view(c.name) == "close-delimited") continue;
    for (std::size_t n = 0; n < c.text.size(); ++n) {
      response_parser p;
      p.reset(c.no_body);
      auto used = p.feed(std::string_view(c.text).substr(0, n));
      ASSERT_TRUE(used) << c.name << " prefix " << n;
      if (p.done()) continue;  // e.g. a HEAD response complete before its (absent) body
      auto f = p.finish();
      ASSERT_FALSE(f) << c.name << " prefix " << n << " was accepted";
      EXPECT_EQ(f.error(), errc::http_truncated) << c.name << " prefix " << n;
    }
  }
  response_parser p;
  EXPECT_EQ(p.finish().error().message, "HTTP: connection closed before any response byte");
  response_parser q;
  ASSERT_TRUE(q.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
  EXPECT_EQ(q.finish().error().message, "HTTP: connection closed after 5 of 10 body bytes");
}

TEST(ResponseParser, StopsAtTheEndOfTheResponse) {
  const std::string one = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  response_parser p;
  auto used = p.feed(one + "HTTP/1.1 200 OK\r\n");
  ASSERT_TRUE(used);
  EXPECT_EQ(*used, one.size());
  EXPECT_TRUE(p.done());
  auto again = p.feed("more");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
}

TEST(ResponseParser, IgnoresAnEmptyLineBetweenPipelinedResponsesAtEverySplit) {
  // A server that ends a Content-Length body with a stray CRLF: the next response still parses.
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string second = "\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nx";
  const std::string text = first + second;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    response_parser p;
    std::string_view rest = text;
    std::vector<response> got;
    // Two pieces, as two reads of a socket; each response's leftover bytes go to the next one.
    for (std::string_view piece : {rest.substr(0, cut), rest.substr(cut)}) {
      while (!piece.empty()) {
        auto used = p.feed(piece);
        ASSERT_TRUE(used) << used.error().message;
        piece.remove_prefix(*used);
        if (p.done()) {
          got.push_back(p.release());
          p.reset();
        }
      }
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].status, 200);
    EXPECT_EQ(got[0].body, "ok");
    EXPECT_EQ(got[1].status, 404);
    EXPECT_EQ(got[1].body, "x");
  }
}

namespace {
struct invalid_case {
  std::string text;
  errc code;
  std::string message;  // substring of the error message
};
}  // namespace

TEST(ResponseParser, RejectsMalformedResponsesAtEverySplit) {
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  const std::vector<invalid_case> cases = {
      {"HTTP/1.1 200 OK\nContent-Length: 0\n\n", errc::http_protocol, "bare LF"},
      {ok + "Content-Length: 0\n\r\n", errc::http_protocol, "bare LF"},
      {ok + "X: a\rb\r\nContent-Length: 0\r\n\r\n", errc::http_protocol, "bare CR"},
      {"HTTP/1.1 200 OK\r\r\n\r\n", errc::http_protocol, "bare CR"},
      {ok + "X: a\r\n  b\r\nContent-Length: 0\r\n\r\n", errc::http_protocol, "obs-fold"},
      {ok + "\tX: a\r\n\r\n", errc::http_protocol, "obs-fold"},
      {ok + "X Y: a\r\n\r\n", errc::http_protocol, "invalid header field name 'X Y'"},
      {ok + "Content-Length : 0\r\n\r\n", errc::http_protocol, "invalid header field name"},
      {ok + "X(: a\r\n\r\n", errc::http_protocol, "invalid header field name"},
      {ok + ": a\r\n\r\n", errc::http_protocol, "invalid header field name"},
      {ok + "no colon here\r\n\r\n", errc::http_protocol, "without ':'"},
      {ok + "X: a\x01z\r\n\r\n", errc::http_protocol, "control character"},
      {ok + "X: a\x7fz\r\n\r\n", errc::http_protocol, "control character"},
      {ok + std::string("X: a\0z\r\n\r\n", 10), errc::http_protocol, "control character"},
      {ok + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", errc::http_protocol,
       "both Content-Length and Transfer-Encoding"},
      {ok + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", errc::http_protocol, "conflicting Content-Length"},
      {ok + "Content-Length: 3, 4\r\n\r\nabcd", errc::http_protocol, "conflicting Content-Length"},
      {ok + "Content-Length: -1\r\n\r\n", errc::http_protocol, "not a number"},
      {ok + "Content-Length: 0x10\r\n\r\n", errc::http_protocol, "not a number"},
      {ok + "Content-Length: 1 0\r\n\r\n", errc::http_protocol, "not a number"},
      {ok + "Content-Length: \r\n\r\n", errc::http_protocol, "empty Content-Length"},
      {ok + "Content-Length: 99999999999999999999999\r\n\r\n", errc::http_protocol, "overflows"},
      {ok + "Transfer-Encoding: gzip, chunked\r\n\r\n", errc::http_protocol, "unsupported Transfer-Encoding"},
      {ok + "Transfer-Encoding: chunked, chunked\r\n\r\n", errc::http_protocol, "unsupported Transfer-Encoding"},
      {ok + "Transfer-Encoding: ,\r\n\r\n", errc::http_protocol, "empty Transfer-Encoding"},
      {ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", errc::http_protocol, "invalid chunk size"},
      {"\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", errc::http_protocol, "bare LF"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n25  \r\n", errc::http_protocol, "whitespace at the end"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2\t\r\nok\r\n0\r\n\r\n", errc::http_protocol, "whitespace at the end"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2;a \r\nok\r\n0\r\n\r\n", errc::http_protocol, "whitespace at the end"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2;\r\nok\r\n0\r\n\r\n", errc::http_protocol, "without a name"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2; \r\nok\r\n0\r\n\r\n", errc::http_protocol, "without a name"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2;=v\r\nok\r\n0\r\n\r\n", errc::http_protocol, "without a name"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2;a;\r\nok\r\n0\r\n\r\n", errc::http_protocol, "without a name"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2;a=\r\nok\r\n0\r\n\r\n", errc::http_protocol, "without a value"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2;a=\"x\r\nok\r\n0\r\n\r\n", errc::http_protocol, "unterminated"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n2 x\r\nok\r\n0\r\n\r\n", errc::http_protocol, "only ';' extensions"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n\r\n", errc::http_protocol, "invalid chunk size"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n-1\r\n", errc::http_protocol, "invalid chunk size"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n", errc::http_protocol, "invalid chunk size"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", errc::http_protocol, "chunk size too large"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", errc::http_protocol, "not followed by CRLF"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", errc::http_protocol, "not followed by CRLF"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n5;a\x01\r\nhello\r\n", errc::http_protocol,
       "control character in a chunk extension"},
      {"HTTP/2.0 200 OK\r\n\r\n", errc::http_protocol, "malformed status line"},
      {"HTTP/1.2 200 OK\r\n\r\n", errc::http_protocol, "unsupported HTTP version"},
      {"HTTX/1.1 200 OK\r\n\r\n", errc::http_protocol, "malformed status line"},
      {"HTTP/1.1 20 OK\r\n\r\n", errc::http_protocol, "three digits"},
      {"HTTP/1.1 2000 OK\r\n\r\n", errc::http_protocol, "three digits"},
      {"HTTP/1.1 600 OK\r\n\r\n", errc::http_protocol, "out of range"},
      {"HTTP/1.1 099 OK\r\n\r\n", errc::http_protocol, "out of range"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", errc::http_protocol, "three digits"},
      {"HTTP/1.1 200 O\x01K\r\n\r\n", errc::http_protocol, "reason phrase"},
      {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", errc::http_protocol, "101"},
      {"<html>hello</html>\r\n", errc::http_protocol, "malformed status line"},
      {ok + "Content-Length: 20\r\n\r\n", errc::http_limit_exceeded, "body (Content-Length) exceeds the limit of 16 bytes"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\n", errc::http_limit_exceeded, "body exceeds"},
      {"HTTP/1.0 200 OK\r\n\r\n0123456789abcdefX", errc::http_limit_exceeded, "body exceeds"},
      {ok + "X: " + std::string(200, 'a') + "\r\n\r\n", errc::http_limit_exceeded, "header section exceeds the limit of 128"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n0\r\nT: " + std::string(200, 'a') + "\r\n\r\n", errc::http_limit_exceeded,
       "trailer section exceeds"},
      {ok + "Transfer-Encoding: chunked\r\n\r\n1;" + std::string(5000, 'e') + "\r\n", errc::http_limit_exceeded,
       "chunk size line exceeds"},
  };
  const parser_limits small{128, 16};
  for (const auto& c : cases) {
    for (const auto& cuts : all_splits(c.text)) {
      const auto o = run(c.text, cuts, false, small);
      ASSERT_FALSE(o.ok) << "accepted: " << c.text;
      EXPECT_EQ(o.err.code, make_error_code(c.code)) << c.text << " -> " << o.err.message;
      EXPECT_NE(o.err.message.find(c.message), std::string::npos) << c.text << " -> " << o.err.message;
      if (cuts.size() > 1 && c.text.size() > 600) break;  // byte-by-byte of the long ones is enough once
    }
  }
}

TEST(ResponseParser, ErrorsAreSticky) {
  response_parser p;
  ASSERT_FALSE(
      p.feed("HTTP/9"
             "\r\n"));
  EXPECT_FALSE(p.feed("HTTP/1.1 200 OK\r\n\r\n"));
  EXPECT_FALSE(p.finish());
}

TEST(ResponseParser, MemoryStaysWithinTheHeaderLimit) {
  // A peer streaming one endless header line is cut off at the limit, not buffered.
  response_parser p({1024, 1024});
  ASSERT_TRUE(p.feed("HTTP/1.1 200 OK\r\nX: "));
  const std::string piece(100, 'a');
  int fed = 0;
  result<std::size_t> r = std::size_t{0};
  while ((r = p.feed(piece)) && fed < 1000) ++fed;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::http_limit_exceeded);
  EXPECT_LE(fed, 11);
}

TEST(ResponseParser, KeepAliveFollowsVersionAndConnection) {
  auto parse = [](std::string text) { return run(text, {}).res; };
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_FALSE(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_TRUE(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keep_alive());
}
