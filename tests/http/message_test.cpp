// Header fields, URLs, percent- and form-encoding, and request serialization, byte-exact.
#include <tokenmint/http/message.hpp>
#include <tokenmint/http/serializer.hpp>
#include <tokenmint/http/url.hpp>

#include <gtest/gtest.h>

using namespace tokenmint;
using namespace tokenmint::http;

TEST(Fields, CaseInsensitiveLookupKeepsOrderAndRepeats) {
  fields f{{"Content-Type", "application/json"}, {"Set-Cookie", "a=1"}, {"set-cookie", "b=2"}};
  EXPECT_EQ(*f.get("content-type"), "application/json");
  EXPECT_EQ(*f.get("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(f.get("content-typ"));
  EXPECT_EQ(f.all("SET-COOKIE"), (std::vector<std::string_view>{"a=1", "b=2"}));
  f.set("Set-Cookie", "c=3");
  EXPECT_EQ(f.all("set-cookie"), (std::vector<std::string_view>{"c=3"}));
  EXPECT_EQ(f.erase("content-type"), 1u);
  EXPECT_EQ(f.size(), 1u);
  EXPECT_TRUE(iequals("X-Api-Key", "x-api-KEY"));
  EXPECT_FALSE(iequals("X-Api-Key", "X-Api-Ke"));
}

TEST(Url, ParsesTheParts) {
  auto u = parse_url("HTTPS://Operator-Integ.UIDAPI.com/v2/token/generate?a=1&b=%20#frag");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "operator-integ.uidapi.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/v2/token/generate");
  EXPECT_EQ(u->query, "a=1&b=%20");
  EXPECT_EQ(u->target(), "/v2/token/generate?a=1&b=%20");
  EXPECT_EQ(u->authority(), "operator-integ.uidapi.com");
  EXPECT_EQ(u->host_port(), "operator-integ.uidapi.com:443");

  auto p = parse_url("http://127.0.0.1:8080");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->path, "/");
  EXPECT_EQ(p->port, 8080);
  EXPECT_EQ(p->authority(), "127.0.0.1:8080");
  EXPECT_FALSE(p->tls());

  auto q = parse_url("http://h?x");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->target(), "/?x");
}

TEST(Url, Ipv6Literals) {
  auto u = parse_url("https://[::1]:8443/x");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->ipv6);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->authority(), "[::1]:8443");
  EXPECT_EQ(u->host_port(), "[::1]:8443");
  for (const char* ok : {"http://[2001:db8::1]/", "http://[2001:DB8:0:0:8:800:200C:417A]/", "http://[::ffff:192.0.2.128]/",
                         "http://[::]/", "http://[fe80::]/", "http://[1:2:3:4:5:6:7::]/"})
    EXPECT_TRUE(parse_url(ok)) << ok;
  for (const char* bad : {"http://[::1/", "http://[:::1]/", "http://[1:2:3:4:5:6:7:8:9]/", "http://[12345::]/", "http://[::1]x/",
                          "http://[1::2::3]/", "http://[fe80::1%25eth0]/", "http://[::ffff:1.2.3]/", "http://[::ffff:1.2.3.256]/",
                          "http://[]/", "http://[1:]/"})
    EXPECT_FALSE(parse_url(bad)) << bad;
}

TEST(Url, RefusesWhatItCannotSendTo) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"ftp://example.com/", "unsupported scheme 'ftp'"},
      {"example.com/path", "absolute URL"},
      {"https://user:pw@example.com/", "user information"},
      {"https:///path", "missing host"},
      {"https://exa mple.com/", "invalid host"},
      {"https://example.com:0/", "port out of range"},
      {"https://example.com:65536/", "port out of range"},
      {"https://example.com:123456/", "port out of range"},
      {"https://example.com:/", "empty port"},
      {"https://example.com:8x/", "not a number"},
      {"https://example.com/a b", "must be percent-encoded"},
      {"https://example.com/a\r\nHost: evil", "must be percent-encoded"},
      {"https://example.com/%zz", "invalid percent-escape"},
      {"https://example.com/%4", "invalid percent-escape"},
  };
  for (const auto& [text, why] : cases) {
    auto u = parse_url(text);
    ASSERT_FALSE(u) << text;
    EXPECT_EQ(u.error(), errc::invalid_url);
    EXPECT_NE(u.error().message.find(why), std::string::npos) << text << " -> " << u.error().message;
  }
}

TEST(Encoding, PercentAndForm) {
  EXPECT_EQ(percent_encode("a b/c?d=é~_.-"), "a%20b%2Fc%3Fd%3D%C3%A9~_.-");
  EXPECT_EQ(*percent_decode("a%20b%2fc+d"), "a b/c+d");
  EXPECT_EQ(*percent_decode("a%20b+c", true), "a b c");
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%g0"));
  auto fields = form_decode("grant_type=client_credentials&scope=a+b%26c%3Dd&flag&=v&");
  ASSERT_TRUE(fields) << fields.error();
  ASSERT_EQ(fields->size(), 4u);
  EXPECT_EQ((*fields)[0].name, "grant_type");
  EXPECT_EQ((*fields)[0].value, "client_credentials");
  EXPECT_EQ((*fields)[1].value, "a b&c=d");
  EXPECT_EQ((*fields)[2].name, "flag");
  EXPECT_EQ((*fields)[2].value, "");
  EXPECT_EQ((*fields)[3].name, "");
  EXPECT_EQ((*fields)[3].value, "v");
  EXPECT_TRUE(form_decode("")->empty());
  EXPECT_FALSE(form_decode("a=%2"));
  // What form_encode writes, form_decode reads back.
  auto back = form_decode(form_encode({{"k y", "a b&c=d/é*~"}}));
  ASSERT_TRUE(back && back->size() == 1u);
  EXPECT_EQ((*back)[0].name, "k y");
  EXPECT_EQ((*back)[0].value, "a b&c=d/é*~");
  // Expected bytes from the WHATWG urlencoded serializer (what browsers send).
  EXPECT_EQ(form_encode({{"grant_type", "client_credentials"}, {"scope", "a b&c=d/é*~"}}),
            "grant_type=client_credentials&scope=a+b%26c%3Dd%2F%C3%A9*%7E");
  EXPECT_EQ(form_encode({{"client_secret", "p+s%w"}}), "client_secret=p%2Bs%25w");
  EXPECT_EQ(form_encode({}), "");
}

TEST(Serializer, WritesFramingItself) {
  request req;
  req.method = verb::post;
  req.url = "https://operator-integ.uidapi.com/v2/token/generate";
  req.headers.add("Authorization", "Bearer k");
  req.headers.add("Content-Type", "text/plain");
  req.body = "AQID";
  auto u = parse_url(req.url);
  std::string out;
  ASSERT_TRUE(serialize(req, *u, out, "tokenmint/0.1.0"));
  EXPECT_EQ(out,
            "POST /v2/token/generate HTTP/1.1\r\nHost: operator-integ.uidapi.com\r\nUser-Agent: tokenmint/0.1.0\r\n"
            "Authorization: Bearer k\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nAQID");

  request get;
  get.url = "http://[::1]:8080/list?cursor=a%2Fb";
  get.headers.add("User-Agent", "mine/1");
  auto gu = parse_url(get.url);
  out.clear();
  ASSERT_TRUE(serialize(get, *gu, out, "tokenmint/0.1.0"));
  EXPECT_EQ(out, "GET /list?cursor=a%2Fb HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: mine/1\r\n\r\n");

  request empty_post;
  empty_post.method = verb::post;
  empty_post.url = "http://h/x";
  out.clear();
  ASSERT_TRUE(serialize(empty_post, *parse_url(empty_post.url), out, "", target_form::absolute));
  EXPECT_EQ(out, "POST http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST(Serializer, RefusesHeaderInjectionAndCallerFraming) {
  auto u = parse_url("http://h/");
  const std::vector<std::pair<field, const char*>> bad = {
      {{"X-A", "v\r\nInjected: 1"}, "control character"},
      {{"X-A", std::string("v\0", 2)}, "control character"},
      {{"X A", "v"}, "invalid field name"},
      {{"", "v"}, "invalid field name"},
      {{"X:A", "v"}, "invalid field name"},
      {{"Content-Length", "4"}, "set by the transport"},
      {{"transfer-encoding", "chunked"}, "set by the transport"},
  };
  for (const auto& [f, why] : bad) {
    request req;
    req.url = "http://h/";
    req.headers.add(f.name, f.value);
    std::string out;
    auto r = serialize(req, *u, out, "ua");
    ASSERT_FALSE(r) << f.name;
    EXPECT_EQ(r.error(), errc::invalid_argument);
    EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
  }
}
