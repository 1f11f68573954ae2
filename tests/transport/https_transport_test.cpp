// https_transport against real peers started by tests/transport/servers.py: nginx (plain, TLS with
// good and bad certificates, client auth), a scripted raw-TCP fault server, a CONNECT proxy.
#include <tokenmint/transport/https_transport.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace tokenmint;
using namespace std::chrono_literals;

namespace {

std::string env(const char* name) { return test::required_env(name, "tests/transport/servers.py"); }
std::string http_url(const char* port_var, const std::string& path) { return "http://127.0.0.1:" + env(port_var) + path; }
std::string https_url(const char* port_var, const std::string& path, const std::string& host = "localhost") {
  return "https://" + host + ":" + env(port_var) + path;
}

https_transport_options trusted() {
  https_transport_options o;
  o.tls.ca_file = env("TM_CA_FILE");  // the tests' private CA instead of the system store
  return o;
}

asio::awaitable<result<http::response>> send_one(https_transport t, http::request r, request_options o) {
  co_return co_await t.async_send(std::move(r), o);
}

template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  return test::run_on(io, std::move(a));
}

result<http::response> send(asio::io_context& io, https_transport& t, std::string url, http::verb method = http::verb::get,
                            request_options o = {}, std::string body = {}) {
  http::request r;
  r.method = method;
  r.url = std::move(url);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.add("Content-Type", "application/json");
  return run(io, send_one(t, std::move(r), o));
}

struct log_line {
  std::string port, connection, requests, method, uri, status, user_agent;
};

/// nginx's access log lines for `port` and `uri` (nginx writes a line just after the response,
/// so wait briefly for `expected` of them).
std::vector<log_line> nginx_log(const std::string& port, const std::string& uri, std::size_t expected) {
  std::vector<log_line> out;
  for (int attempt = 0; attempt < 100; ++attempt) {
    out.clear();
    std::ifstream in(env("TM_NGINX_LOG"));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream s(line);
      log_line l;
      s >> l.port >> l.connection >> l.requests >> l.method >> l.uri >> l.status;
      std::getline(s, l.user_agent);
      if (l.port == port && l.uri == uri) out.push_back(l);
    }
    if (out.size() >= expected) break;
    std::this_thread::sleep_for(10ms);
  }
  return out;
}

std::string large_body() {  // the same formula as servers.py
  const std::size_t n = 5 * 1024 * 1024 + 123;
  std::string b(n, '\0');
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<char>((i * 31 + (i >> 12)) % 251);
  return b;
}

}  // namespace

static_assert(check_http_transport<https_transport>());

TEST(HttpsTransport, PlainHttpToNginx) {
  asio::io_context io;
  https_transport t(io.get_executor());
  auto r = send(io, t, http_url("TM_NGINX_HTTP", "/token"), http::verb::post, {}, R"({"email":"a@b.c"})");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"token":"abc","expires_in":3600})");
  EXPECT_EQ(*r->headers.get("content-type"), "application/json");
  auto missing = send(io, t, http_url("TM_NGINX_HTTP", "/missing"));
  ASSERT_TRUE(missing);  // an HTTP error status is a response at this layer
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, R"({"error":"not here"})");
}

TEST(HttpsTransport, GoodCertificateAcceptedWithDefaults) {
  asio::io_context io;
  https_transport t(io.get_executor(), trusted());
  ASSERT_TRUE(t.status());
  for (std::string host : {"localhost", "127.0.0.1"}) {
    auto r = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/token", host));
    ASSERT_TRUE(r) << host << ": " << r.error().describe();
    EXPECT_EQ(r->status, 200);
  }
  // The system store does not know the tests' CA: the same server is rejected.
  https_transport system(io.get_executor());
  auto r = send(io, system, https_url("TM_NGINX_TLS_GOOD", "/token"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::certificate_rejected);
  EXPECT_NE(r.error().message.find("unable to get local issuer certificate"), std::string::npos) << r.error().message;
}

TEST(HttpsTransport, BadCertificatesRejectedWithTheReason) {
  asio::io_context io;
  https_transport t(io.get_executor(), trusted());
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"TM_NGINX_TLS_WRONG_HOST", "hostname mismatch"},
      {"TM_NGINX_TLS_EXPIRED", "certificate has expired"},
      {"TM_NGINX_TLS_SELF_SIGNED", "self-signed certificate"},
      {"TM_NGINX_TLS_MISSING_INTERMEDIATE", "unable to get local issuer certificate"},
  };
  for (const auto& [port, why] : cases) {
    auto r = send(io, t, https_url(port, "/token"));
    ASSERT_FALSE(r) << port << " was accepted";
    EXPECT_EQ(r.error(), errc::certificate_rejected) << r.error().describe();
    EXPECT_NE(r.error().message.find(why), std::string::npos) << port << ": " << r.error().message;
    EXPECT_NE(r.error().message.find("localhost:" + env(port)), std::string::npos) << r.error().message;
  }
}

TEST(HttpsTransport, AddressOverrideKeepsSniAndVerificationOnTheUrlHost) {
  asio::io_context io;
  auto o = trusted();
  const auto port = static_cast<std::uint16_t>(std::stoi(env("TM_NGINX_TLS_GOOD")));
  o.resolve.push_back({"tokenmint.test", port, "127.0.0.1"});
  o.resolve.push_back({"wrong.test", port, "127.0.0.1"});
  https_transport t(io.get_executor(), o);
  auto r = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/token", "tokenmint.test"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 200);
  // Same address, a name the certificate does not carry: verification is against the URL's host.
  auto wrong = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/token", "wrong.test"));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("hostname mismatch"), std::string::npos) << wrong.error().message;

  https_transport bad(io.get_executor(), [] {
    https_transport_options b;
    b.resolve.push_back({"x", 1, "not-an-ip"});
    return b;
  }());
  ASSERT_FALSE(bad.status());
  auto refused = send(io, bad, "https://x:1/");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("not-an-ip"), std::string::npos);
}

TEST(HttpsTransport, ClientCertificate) {
  asio::io_context io;
  https_transport anonymous(io.get_executor(), trusted());
  auto without = send(io, anonymous, https_url("TM_NGINX_TLS_CLIENT_AUTH", "/token"));
  ASSERT_TRUE(without) << without.error().describe();
  EXPECT_EQ(without->status, 400);  // nginx: "No required SSL certificate was sent"
  auto o = trusted();
  o.tls.client_cert_file = env("TM_CLIENT_CERT");
  o.tls.client_key_file = env("TM_CLIENT_KEY");
  https_transport with(io.get_executor(), o);
  auto r = send(io, with, https_url("TM_NGINX_TLS_CLIENT_AUTH", "/token"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 200);

  o.tls.client_key_file = env("TM_CA_FILE");  // not a key
  https_transport broken(io.get_executor(), o);
  ASSERT_FALSE(broken.status());
  EXPECT_NE(broken.status().error().message.find("tls.client_key_file"), std::string::npos);
  auto missing_ca = trusted();
  missing_ca.tls.ca_file = "/nonexistent/ca.pem";
  ASSERT_FALSE(https_transport(io.get_executor(), missing_ca).status());
}

TEST(HttpsTransport, KeepAliveReuseSeenInNginxLog) {
  for (const char* port_var : {"TM_NGINX_HTTP", "TM_NGINX_TLS_GOOD"}) {
    asio::io_context io;
    https_transport t(io.get_executor(), trusted());
    const bool tls = std::string(port_var).find("TLS") != std::string::npos;
    const std::string uri = std::string("/reuse-") + (tls ? "tls" : "plain") + ".txt";
    for (int i = 0; i < 5; ++i) {
      auto r = send(io, t, tls ? https_url(port_var, uri) : http_url(port_var, uri));
      ASSERT_TRUE(r) << r.error().describe();
      EXPECT_EQ(r->status, 404);
    }
    const auto lines = nginx_log(env(port_var), uri, 5);
    ASSERT_EQ(lines.size(), 5u);
    std::set<std::string> connections;
    for (const auto& l : lines) connections.insert(l.connection);
    EXPECT_EQ(connections.size(), 1u) << "five requests should share one connection";
    EXPECT_EQ(lines.back().requests, "5");
    EXPECT_NE(lines[0].user_agent.find("tokenmint/" + std::string(version_string)), std::string::npos);
  }
}

TEST(HttpsTransport, PoolBoundsConnectionsPerOrigin) {
  asio::io_context io;
  auto o = trusted();
  o.max_connections_per_origin = 2;
  https_transport t(io.get_executor(), o);
  std::vector<result<http::response>> got;
  for (int i = 0; i < 8; ++i) {
    http::request r;
    r.url = https_url("TM_NGINX_TLS_GOOD", "/pool.txt");
    asio::co_spawn(io, send_one(t, r, {}),
                   [&](std::exception_ptr, result<http::response> res) { got.push_back(std::move(res)); });
  }
  io.run();
  ASSERT_EQ(got.size(), 8u);
  for (const auto& r : got) ASSERT_TRUE(r) << r.error().describe();
  std::set<std::string> connections;
  for (const auto& l : nginx_log(env("TM_NGINX_TLS_GOOD"), "/pool.txt", 8)) connections.insert(l.connection);
  EXPECT_GE(connections.size(), 1u);
  EXPECT_LE(connections.size(), 2u);
  EXPECT_LE(t.open_connections("https://localhost:" + env("TM_NGINX_TLS_GOOD")), 2u);
}

TEST(HttpsTransport, ChunkedAndLargeBodies) {
  asio::io_context io;
  https_transport t(io.get_executor(), trusted());
  auto chunked = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/chunked.html"));
  ASSERT_TRUE(chunked) << chunked.error().describe();
  EXPECT_EQ(*chunked->headers.get("transfer-encoding"), "chunked");
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += "<p>chunked</p>";
  expected += env("TM_NGINX_TLS_GOOD") + "<p>end</p>";
  EXPECT_EQ(chunked->body, expected);

  auto large = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/large.bin"));
  ASSERT_TRUE(large) << large.error().describe();
  EXPECT_TRUE(large->body == large_body()) << "large body differs (size " << large->body.size() << ")";

  request_options small;
  small.max_body_bytes = 1024 * 1024;
  auto limited = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/large.bin"), http::verb::get, small);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error(), errc::http_limit_exceeded);
  // A connection left mid-body is not pooled: the next request still works.
  auto after = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/token"));
  ASSERT_TRUE(after) << after.error().describe();
}

TEST(HttpsTransport, ConnectionClosedByNginxWhileIdle) {
  asio::io_context io;
  https_transport t(io.get_executor());
  const std::string port = env("TM_NGINX_HTTP_SHORT_IDLE");
  auto first = send(io, t, http_url("TM_NGINX_HTTP_SHORT_IDLE", "/idle.txt"));
  ASSERT_TRUE(first) << first.error().describe();
  std::this_thread::sleep_for(1500ms);  // nginx's keepalive_timeout here is 1 s
  auto second = send(io, t, http_url("TM_NGINX_HTTP_SHORT_IDLE", "/idle.txt"));
  ASSERT_TRUE(second) << second.error().describe();
  const auto lines = nginx_log(port, "/idle.txt", 2);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].connection, lines[1].connection);
  EXPECT_EQ(t.open_connections("http://127.0.0.1:" + port), 1u);
}

TEST(HttpsTransport, FaultyServers) {
  asio::io_context io;
  https_transport t(io.get_executor());
  const std::vector<std::pair<std::string, std::pair<errc, const char*>>> cases = {
      {"/truncated-length", {errc::http_truncated, "after 15 of 100 body bytes"}},
      {"/truncated-chunked", {errc::http_truncated, "in the chunked body"}},
      {"/truncated-head", {errc::http_truncated, "in the header section"}},
      {"/malformed", {errc::http_protocol, "bare LF"}},
      {"/smuggle", {errc::http_protocol, "both Content-Length and Transfer-Encoding"}},
      {"/garbage", {errc::http_protocol, "malformed status line"}},
  };
  for (const auto& [path, expect] : cases) {
    auto r = send(io, t, http_url("TM_FAULT_PORT", path));
    ASSERT_FALSE(r) << path << " succeeded";
    EXPECT_EQ(r.error(), expect.first) << path << ": " << r.error().describe();
    EXPECT_NE(r.error().message.find(expect.second), std::string::npos) << path << ": " << r.error().message;
  }
  auto reset = send(io, t, http_url("TM_FAULT_PORT", "/reset"));
  ASSERT_FALSE(reset);
  EXPECT_EQ(reset.error(), errc::network) << reset.error().describe();
  EXPECT_NE(reset.error().message.find("reset"), std::string::npos) << reset.error().message;

  auto close_delimited = send(io, t, http_url("TM_FAULT_PORT", "/close-delimited"));
  ASSERT_TRUE(close_delimited) << close_delimited.error().describe();
  EXPECT_EQ(close_delimited->body, "the body ends at close");

  auto drip = send(io, t, http_url("TM_FAULT_PORT", "/drip"));  // ~50 bytes, 10 ms apart
  ASSERT_TRUE(drip) << drip.error().describe();
  EXPECT_EQ(drip->body, "drip by drip");
}

TEST(HttpsTransport, DeadlinesFireOnTime) {
  asio::io_context io;
  https_transport t(io.get_executor());
  const std::vector<std::tuple<std::string, std::chrono::milliseconds, const char*>> cases = {
      {http_url("TM_FAULT_PORT", "/stall"), 300ms, "while reading the response"},
      {http_url("TM_FAULT_PORT", "/drip"), 200ms, "while reading the response"},
      {"https://127.0.0.1:" + env("TM_SILENT_PORT") + "/", 300ms, "while in the TLS handshake"},
  };
  for (const auto& [url, timeout, step] : cases) {
    request_options o;
    o.timeout = timeout;
    const auto start = std::chrono::steady_clock::now();
    auto r = send(io, t, url, http::verb::get, o);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error(), errc::timeout) << r.error().describe();
    EXPECT_NE(r.error().message.find(step), std::string::npos) << r.error().message;
    EXPECT_GE(took, timeout);
    EXPECT_LT(took, timeout + 700ms) << url;
  }
}

TEST(HttpsTransport, DeadlineCoversWaitingForAPooledConnection) {
  asio::io_context io;
  https_transport_options o;
  o.max_connections_per_origin = 1;
  https_transport t(io.get_executor(), o);
  std::vector<result<http::response>> got;
  request_options slow, quick;
  slow.timeout = 1500ms;
  quick.timeout = 200ms;
  http::request stall;
  stall.url = http_url("TM_FAULT_PORT", "/stall");
  http::request other;
  other.url = http_url("TM_FAULT_PORT", "/other");
  auto collect = [&](std::exception_ptr, result<http::response> r) { got.push_back(std::move(r)); };
  asio::co_spawn(io, send_one(t, stall, slow), collect);
  asio::co_spawn(io, send_one(t, other, quick), collect);
  io.run();
  ASSERT_EQ(got.size(), 2u);
  ASSERT_FALSE(got[0]);
  EXPECT_NE(got[0].error().message.find("waiting for a free pooled connection"), std::string::npos) << got[0].error().message;
  ASSERT_FALSE(got[1]);
  EXPECT_EQ(got[1].error(), errc::timeout);
}

TEST(HttpsTransport, StaleReusedConnectionRetriedOnlyWhenSafe) {
  asio::io_context io;
  https_transport t(io.get_executor());
  const auto url = http_url("TM_FAULT_PORT", "/keep-then-drop");
  ASSERT_TRUE(send(io, t, url));
  auto get = send(io, t, url);  // reused connection dropped: GET is replayed once, fresh
  ASSERT_TRUE(get) << get.error().describe();
  EXPECT_EQ(get->body, "ok");
  auto post = send(io, t, url, http::verb::post, {}, "{}");  // not replay-safe: the failure is reported
  ASSERT_FALSE(post);
  EXPECT_TRUE(post.error() == errc::http_truncated || post.error() == errc::network) << post.error().describe();
  ASSERT_TRUE(send(io, t, url, http::verb::post, {}, "{}"));  // fresh connection after the failure
  request_options replay;
  replay.replay_safe = true;
  auto marked = send(io, t, url, http::verb::post, replay, "{}");
  ASSERT_TRUE(marked) << marked.error().describe();
}

TEST(HttpsTransport, ConnectProxyWithBasicAuth) {
  asio::io_context io;
  auto o = trusted();
  o.proxy = proxy_options{"http://127.0.0.1:" + env("TM_PROXY_PORT"), env("TM_PROXY_USER"),
                          secret<std::string>(env("TM_PROXY_PASSWORD"))};
  https_transport t(io.get_executor(), o);
  auto r = send(io, t, https_url("TM_NGINX_TLS_GOOD", "/via-proxy.txt"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 404);
  auto plain = send(io, t, http_url("TM_NGINX_HTTP", "/token"));
  ASSERT_TRUE(plain) << plain.error().describe();
  EXPECT_EQ(plain->status, 200);
  std::ifstream log(env("TM_PROXY_LOG"));
  std::string all((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(all.find("CONNECT localhost:" + env("TM_NGINX_TLS_GOOD")), std::string::npos) << all;
  EXPECT_NE(all.find("CONNECT 127.0.0.1:" + env("TM_NGINX_HTTP")), std::string::npos) << all;

  auto wrong = o;
  wrong.proxy->password = secret<std::string>(std::string("nope"));
  https_transport denied(io.get_executor(), wrong);
  auto d = send(io, denied, https_url("TM_NGINX_TLS_GOOD", "/token"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), errc::proxy_failed);
  EXPECT_NE(d.error().message.find("407 Proxy Authentication Required"), std::string::npos) << d.error().message;
  EXPECT_EQ(d.error().message.find("nope"), std::string::npos);

  auto parsed = proxy_options::parse("http://us%20er:p%40ss@proxy.example:3128");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->url, "http://proxy.example:3128");
  EXPECT_EQ(parsed->username, "us er");
  EXPECT_EQ(parsed->password.reveal(), "p@ss");
  EXPECT_FALSE(proxy_options::parse("https://proxy.example"));
}

TEST(HttpsTransport, CallerCancellation) {
  asio::io_context io;
  https_transport t(io.get_executor());
  asio::cancellation_signal signal;
  std::optional<result<http::response>> got;
  http::request stall;
  stall.url = http_url("TM_FAULT_PORT", "/stall");
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(io, send_one(t, stall, {}),
                 asio::bind_cancellation_slot(signal.slot(),
                                              [&](std::exception_ptr, result<http::response> r) { got.emplace(std::move(r)); }));
  asio::steady_timer timer(io, 100ms);
  timer.async_wait([&](auto) { signal.emit(asio::cancellation_type::terminal); });
  io.run();
  ASSERT_TRUE(got);
  ASSERT_FALSE(*got);
  EXPECT_EQ(got->error(), errc::cancelled) << got->error().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpsTransport, ConnectAndResolveFailures) {
  asio::io_context io;
  https_transport t(io.get_executor());
  // A port nobody listens on (bound, then closed).
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = a.local_endpoint().port();
  a.close();
  auto refused = send(io, t, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), errc::connect_failed);
  EXPECT_NE(refused.error().message.find("refused"), std::string::npos) << refused.error().message;

  request_options o;
  o.timeout = 3s;
  auto unknown = send(io, t, "https://no-such-host.invalid/", http::verb::get, o);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error() == errc::resolve_failed || unknown.error() == errc::timeout) << unknown.error().describe();

  auto bad_url = send(io, t, "ftp://example.com/");
  ASSERT_FALSE(bad_url);
  EXPECT_EQ(bad_url.error(), errc::invalid_url);
}
