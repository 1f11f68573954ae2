// Retry, Retry-After, rate-limit headers and the token cache over real sockets: a scripted
// loopback server of the tests' own (tokenmint's tokenmint::testing::http_server on 127.0.0.1), the real
// https_transport, and a virtual clock and sleeper so that no test waits for real. Then the
// three services' clients, and UID2 retries, end to end against the sandbox.
#include <tokenmint/testing/virtual_sleeper.hpp>
#include <tokenmint/alterian/blocking.hpp>
#include <tokenmint/benchling/blocking.hpp>
#include <tokenmint/hubspot/blocking.hpp>
#include <tokenmint/hubspot/oauth_client.hpp>
#include <tokenmint/uid2/blocking.hpp>
#include <tokenmint/testing/http_server.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/testing/sandbox.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "../common/run.hpp"
#include "../common/sandbox_thread.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <asio/write.hpp>

#include <deque>
#include <filesystem>
#include <functional>
#include <thread>

using namespace tokenmint;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;  // Tue, 14 Nov 2023 22:13:20 GMT

/// A loopback server answering from a script (then 404), recording every request.
struct scripted_server {
  asio::io_context& io;
  std::deque<http::response> script;
  std::vector<http::incoming_request> seen;
  std::function<http::response(const http::incoming_request&)> fallback;
  tokenmint::testing::http_server server;

  explicit scripted_server(asio::io_context& ctx)
      : io(ctx), server(ctx.get_executor(), [this](const http::incoming_request& r) { return answer(r); }) {
    server.start();
  }

  http::response answer(const http::incoming_request& r) {
    seen.push_back(r);
    if (!script.empty()) {
      auto res = std::move(script.front());
      script.pop_front();
      return res;
    }
    if (fallback) return fallback(r);
    http::response res;
    res.status = 404;
    return res;
  }

  scripted_server& then(int status, std::string body, http::fields headers = {}) {
    http::response r;
    r.status = status;
    headers.add("Content-Type", "application/json");
    r.headers = std::move(headers);
    r.body = std::move(body);
    script.push_back(std::move(r));
    return *this;
  }
};

struct Loopback : ::testing::Test {
  asio::io_context io;
  fixed_clock clock{t0};
  tokenmint::testing::virtual_sleeper sleeper{clock};
  https_transport transport{io.get_executor()};

  service::call_options call() {
    service::call_options o;
    o.clock = &clock;
    o.sleep = &sleeper;
    o.timeout = 10'000ms;
    o.retry.random = [] { return 0.5; };
    return o;
  }

  template <class T>
  T run(asio::awaitable<T> a) {
    return test::run_on(io, std::move(a));
  }

  hubspot::basic_client<https_transport> hubspot_client(const std::string& base) {
    hubspot::client_options o;
    o.base_url = base;
    o.access_token = secret_string(std::string("pat"));
    o.call = call();
    return {transport, o};
  }
  benchling::basic_client<https_transport> benchling_client(const std::string& base, const std::string& id = "client-id",
                                                            const std::string& secret = "client-secret") {
    benchling::client_options o;
    o.base_url = base;
    o.client_id = id;
    o.client_secret = secret_string(secret);
    o.call = call();
    return {transport, o};
  }
};

hubspot::visitor_token_request visitor() {
  hubspot::visitor_token_request r;
  r.email = "visitor@example.com";
  return r;
}

}  // namespace

TEST_F(Loopback, RetryAfterInSeconds) {
  scripted_server s(io);
  s.then(503, "{}", {{"Retry-After", "2"}}).then(200, R"j({"token":"t"})j");
  auto c = hubspot_client(s.server.base_url());
  auto r = run(c.async_create_visitor_token(visitor()));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(s.seen.size(), 2u);
  EXPECT_EQ(sleeper.waits(), std::vector<std::chrono::milliseconds>{2000ms});
}

TEST_F(Loopback, RetryAfterAsAnHttpDate) {
  scripted_server s(io);
  s.then(429, R"j({"message":"slow down","policyName":"TEN_SECONDLY_ROLLING"})j",
         {{"Retry-After", "Tue, 14 Nov 2023 22:13:50 GMT"}})
      .then(200, R"j({"token":"t"})j");
  auto c = hubspot_client(s.server.base_url());
  auto r = run(c.async_create_visitor_token(visitor()));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(sleeper.waits(), std::vector<std::chrono::milliseconds>{30'000ms});  // t0 + 30 s
}

TEST_F(Loopback, HubSpotDailyLimitStopsAtOnceWithTheRateLimitHeaders) {
  scripted_server s(io);
  s.then(429,
         R"j({"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"})j",
         {{"X-HubSpot-RateLimit-Daily", "250000"},
          {"X-HubSpot-RateLimit-Daily-Remaining", "0"},
          {"X-HubSpot-Correlation-Id", "c033cdaa-2c40-4a64-ae48-b4cec88dad24"}});
  auto c = hubspot_client(s.server.base_url());
  auto r = run(c.async_create_visitor_token(visitor()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::rate_limited);
  EXPECT_EQ(s.seen.size(), 1u);
  EXPECT_TRUE(sleeper.waits().empty());
  EXPECT_EQ(r.error().diag.header("X-HubSpot-RateLimit-Daily-Remaining"), "0");
  EXPECT_EQ(r.error().diag.correlation_id, "c033cdaa-2c40-4a64-ae48-b4cec88dad24");
}

TEST_F(Loopback, GatewayErrorsBackOffWithJitterUntilAttemptsRunOut) {
  scripted_server s(io);
  s.then(502, "{}").then(504, "{}").then(503, "{}");
  auto c = hubspot_client(s.server.base_url());
  auto r = run(c.async_create_visitor_token(visitor()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::service_error);
  EXPECT_EQ(r.error().diag.http_status, 503);
  EXPECT_EQ(r.error().diag.attempts, 3);
  // Full jitter at 0.5 of windows 250 and 500 ms.
  EXPECT_EQ(sleeper.waits(), (std::vector<std::chrono::milliseconds>{125ms, 250ms}));
}

TEST_F(Loopback, BenchlingResetHeaderIsTheWait) {
  scripted_server s(io);
  s.then(429, R"j({"error":{"message":"Rate limit exceeded.","type":"invalid_request_error"}})j",
         {{"x-rate-limit-limit", "60"}, {"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "21"}})
      .then(200, R"j({"access_token":"a","expires_in":900,"token_type":"Bearer"})j");
  auto c = benchling_client(s.server.base_url());
  auto t = run(c.async_generate_token());
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(sleeper.waits(), std::vector<std::chrono::milliseconds>{21'000ms});
  EXPECT_EQ(s.seen[1].path(), "/token");
  EXPECT_EQ(*s.seen[1].headers.get("authorization"), "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=");
}

TEST_F(Loopback, ConnectionRefusedIsRetriedThenReported) {
  // A port nobody listens on: connect fails before anything is sent, so it is retried.
  std::string dead;
  {
    tokenmint::testing::http_server tmp(io.get_executor(), [](const http::incoming_request&) { return http::response{}; });
    dead = tmp.base_url();
  }
  auto c = benchling_client(dead);
  auto t = run(c.async_generate_token());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), errc::connect_failed);
  EXPECT_EQ(t.error().diag.attempts, 3);
  EXPECT_EQ(sleeper.waits().size(), 2u);
}

TEST_F(Loopback, TokenCacheSingleFlightAndRefreshFailure) {
  scripted_server s(io);
  s.then(200, R"j({"access_token":"one","expires_in":900,"token_type":"Bearer"})j")
      .then(500, R"j({"error":{"type":"server_error","message":"down"}})j")
      .then(200, R"j({"access_token":"two","expires_in":900,"token_type":"Bearer"})j");
  auto bc = benchling_client(s.server.base_url());
  auth::token_cache_options co;
  co.clock = &clock;
  co.random = [] { return 0.0; };  // refresh exactly 60 s before expiry
  benchling::token_provider<https_transport> p(bc, co);
  // 50 callers at once: one request over the socket.
  std::vector<std::string> got;
  for (int i = 0; i < 50; ++i)
    asio::co_spawn(io, p.async_token(), [&](std::exception_ptr e, result<auth::bearer> r) {
      if (e) std::rethrow_exception(e);
      got.push_back(r ? r->token.reveal() : r.error().message);
    });
  while (got.size() < 50) io.run_one();
  EXPECT_EQ(s.seen.size(), 1u);
  EXPECT_EQ(std::count(got.begin(), got.end(), "one"), 50);
  // Due for refresh; the endpoint fails: the still-valid token is served.
  clock.advance(845s);
  auto during = run(p.async_token());
  ASSERT_TRUE(during);
  EXPECT_EQ(during->token.reveal(), "one");
  EXPECT_EQ(s.seen.size(), 2u);  // 500 is not retried
  clock.advance(10s);
  EXPECT_EQ(run(p.async_token())->token.reveal(), "two");
  EXPECT_EQ(s.seen.size(), 3u);
}

TEST_F(Loopback, Uid2RetriesSealAFreshEnvelope) {
  tokenmint::testing::sandbox_options so;
  so.clock = &clock;
  auto op = tokenmint::testing::sandbox_operator::create(so);
  ASSERT_TRUE(op);
  scripted_server s(io);
  s.then(503, "", {{"Retry-After", "1"}});
  s.fallback = [&](const http::incoming_request& r) { return (*op)->handle(r); };
  uid2::client_options o;
  o.base_url = s.server.base_url();
  o.api_key = secret_string((*op)->options().api_key);
  o.client_secret = secret_string((*op)->options().client_secret);
  o.call.clock = &clock;
  o.call.sleep = &sleeper;
  uid2::client c(transport, o);
  auto input = uid2::identity_input::from_email("user@example.com");
  ASSERT_TRUE(input);
  auto r = run(c.async_generate_token(*input));
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->identity);
  ASSERT_EQ(s.seen.size(), 2u);
  EXPECT_NE(s.seen[0].body, s.seen[1].body);  // new nonce and IV, opened with the second nonce
  EXPECT_EQ(sleeper.waits(), std::vector<std::chrono::milliseconds>{1000ms});
}

// ------------------------------------------------------------------ the sandbox's three services

struct SandboxServices : Loopback {
  tokenmint::testing::sandbox box{io.get_executor()};
  void SetUp() override {
    ASSERT_TRUE(box.status());
    box.start();
  }
};

TEST_F(SandboxServices, HubSpot) {
  hubspot::client_options o;
  o.base_url = box.hubspot_base_url();
  o.access_token = secret_string(box.services().hubspot_access_token);
  hubspot::basic_client<https_transport> c(transport, o);
  auto a = run(c.async_create_visitor_token(visitor()));
  auto b = run(c.async_create_visitor_token(visitor()));
  ASSERT_TRUE(a) << a.error();
  ASSERT_TRUE(b) << b.error();
  EXPECT_NE(a->token.reveal(), b->token.reveal());  // unique on every call
  EXPECT_EQ(std::count(a->token.reveal().begin(), a->token.reveal().end(), '.'), 2);
  auto daily = visitor();
  daily.email = "daily-limit@example.com";
  auto d = run(c.async_create_visitor_token(daily));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), errc::rate_limited);
  EXPECT_EQ(d.error().diag.attempts, 1);
  EXPECT_FALSE(d.error().diag.header("X-HubSpot-RateLimit-Max").empty());
  o.access_token = secret_string(std::string("wrong"));
  hubspot::basic_client<https_transport> bad(transport, o);
  auto u = run(bad.async_create_visitor_token(visitor()));
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error(), errc::unauthorized);
  EXPECT_EQ(u.error().diag.service_status, "INVALID_AUTHENTICATION");
  EXPECT_EQ(u.error().diag.correlation_id.size(), 36u);
}

TEST_F(SandboxServices, BenchlingAndTheProvider) {
  const auto& so = box.services();
  for (const bool in_body : {false, true}) {
    auto c = benchling_client(box.benchling_base_url(), so.benchling_client_id, so.benchling_client_secret);
    benchling::client_options o = c.options();
    o.credentials_in_body = in_body;
    benchling::basic_client<https_transport> c2(transport, o);
    auto t = run(c2.async_generate_token());
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->expires_in, so.benchling_token_lifetime);
  }
  auto wrong = benchling_client(box.benchling_base_url(), so.benchling_client_id, "nope");
  auto e = run(wrong.async_generate_token());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::unauthorized);
  EXPECT_EQ(e.error().diag.service_status, "invalid_client");
  auth::token_cache_options co;
  co.clock = &clock;
  benchling::token_provider<https_transport> p(
      benchling_client(box.benchling_base_url(), so.benchling_client_id, so.benchling_client_secret), co);
  auto first = run(p.async_token());
  auto again = run(p.async_token());
  ASSERT_TRUE(first && again);
  EXPECT_EQ(first->token.reveal(), again->token.reveal());
  EXPECT_EQ(p.refresh_count(), 1u);
}

// ------------------------------------------------------- HubSpot public app: OAuth behind the visitor API

struct HubSpotPublicApp : Loopback {
  tokenmint::testing::sandbox box{io.get_executor(), options()};
  std::vector<std::string> log;  // what happened, in order: "refresh", "rotated <token>", "visitor <redacted>"

  tokenmint::testing::sandbox_options options() {
    tokenmint::testing::sandbox_options o;
    o.clock = &clock;
    o.services.hubspot_oauth.rotate_refresh_tokens = true;
    o.services.hubspot_limit_per_10s = 1000;
    return o;
  }
  void SetUp() override {
    ASSERT_TRUE(box.status());
    box.start();
  }
  hubspot::oauth_client_options oauth_options() {
    const auto& so = box.services().hubspot_oauth;
    hubspot::oauth_client_options o;
    o.base_url = box.hubspot_base_url();
    o.client_id = so.client_id;
    o.client_secret = secret_string(so.client_secret);
    o.call = call();
    o.call.observe.on_request = [this](const policy::request_event&) { log.push_back("refresh"); };
    return o;
  }
  hubspot::token_provider<https_transport> provider(std::string refresh_token) {
    auth::token_cache_options c;
    c.clock = &clock;
    c.random = [] { return 0.5; };
    return hubspot::token_provider<https_transport>(
        hubspot::refresh_token_source(hubspot::oauth_client(transport, oauth_options()), secret_string(std::move(refresh_token)),
                                      [this](const secret_string& r) { log.push_back("rotated " + r.reveal()); }),
        c);
  }
  hubspot::client visitor_client(auth::provider_ref p) {
    hubspot::client_options o;
    o.base_url = box.hubspot_base_url();
    o.call = call();
    o.call.observe.on_request = [this](const policy::request_event& e) {
      log.push_back("visitor " + std::string(e.request.headers.get("authorization").value_or("")));
    };
    return hubspot::client(transport, o, p);
  }
  std::size_t token_requests() const { return box.hubspot_oauth().token_requests(); }
  /// `n` visitor-token calls at once on the io_context the sandbox serves from.
  std::vector<result<hubspot::visitor_token>> concurrently(hubspot::client& c, std::size_t n) {
    std::vector<result<hubspot::visitor_token>> got;
    for (std::size_t i = 0; i < n; ++i)
      asio::co_spawn(io, c.async_create_visitor_token(visitor()), [&](std::exception_ptr e, result<hubspot::visitor_token> r) {
        if (e) std::rethrow_exception(e);
        got.push_back(std::move(r));
      });
    while (got.size() < n) io.run_one();
    return got;
  }
};

TEST_F(HubSpotPublicApp, FiftyConcurrentCallsAcrossAnExpiryMakeOneRefresh) {
  auto p = provider(box.services().hubspot_oauth.refresh_token);
  auto c = visitor_client(p);
  ASSERT_TRUE(run(c.async_create_visitor_token(visitor())));
  EXPECT_EQ(token_requests(), 1u);
  for (const auto step : {1800s - 65s, 1800s}) {  // into the refresh window, then past the expiry itself
    clock.advance(step);
    const auto got = concurrently(c, 50);
    for (const auto& r : got) ASSERT_TRUE(r) << r.error();
  }
  EXPECT_EQ(token_requests(), 3u);  // one per crossing, whatever the number of callers
  EXPECT_EQ(p.refresh_count(), 3u);
  EXPECT_FALSE(p.last_error());
}

TEST_F(HubSpotPublicApp, ARotatedRefreshTokenReachesTheCallbackBeforeUse) {
  auto p = provider(box.services().hubspot_oauth.refresh_token);
  auto c = visitor_client(p);
  ASSERT_TRUE(run(c.async_create_visitor_token(visitor())));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], "refresh");
  ASSERT_EQ(log[1].rfind("rotated refresh-", 0), 0u) << log[1];
  EXPECT_EQ(log[2], "visitor <redacted>");  // hooks never see the bearer
  const std::string rotated = log[1].substr(8);
  EXPECT_EQ(p.source().refresh_token().reveal(), rotated);
  // The sandbox rotates: the original refresh token is dead, the persisted one works.
  hubspot::oauth_client oc(transport, oauth_options());
  auto old = run(oc.async_create_token(hubspot::refresh_grant(secret_string(box.services().hubspot_oauth.refresh_token))));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error(), errc::unauthorized);
  auto again = provider(rotated);
  EXPECT_TRUE(run(again.async_token()));
}

TEST_F(HubSpotPublicApp, ARevokedRefreshTokenIsAClearErrorWithoutARetryStorm) {
  auto p = provider(box.services().hubspot_oauth.refresh_token);
  auto c = visitor_client(p);
  ASSERT_TRUE(run(c.async_create_visitor_token(visitor())));
  auto o = oauth_options();
  o.api = hubspot::oauth_api::v3;
  hubspot::oauth_client oc(transport, o);
  ASSERT_TRUE(run(oc.async_revoke_token(p.source().refresh_token(), "refresh_token")));
  const auto before = token_requests();
  clock.advance(1801s);
  const auto got = concurrently(c, 20);
  for (const auto& r : got) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::unauthorized);
    EXPECT_NE(r.error().message.find("missing or invalid refresh token"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().diag.service_status, "BAD_REFRESH_TOKEN");
  }
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(run(c.async_create_visitor_token(visitor())));
  EXPECT_EQ(token_requests(), before + 1);  // one refused refresh, then fail fast for retry_after_failure
  clock.advance(5s);
  EXPECT_FALSE(run(c.async_create_visitor_token(visitor())));
  EXPECT_EQ(token_requests(), before + 2);
}

TEST_F(HubSpotPublicApp, ARefreshFailingWhileTheOldTokenIsValidKeepsServingIt) {
  auto p = provider(box.services().hubspot_oauth.refresh_token);
  auto c = visitor_client(p);
  ASSERT_TRUE(run(c.async_create_visitor_token(visitor())));
  // Another instance of the app refreshes with the same token: the sandbox rotates it away.
  hubspot::oauth_client oc(transport, oauth_options());
  ASSERT_TRUE(run(oc.async_create_token(hubspot::refresh_grant(p.source().refresh_token()))));
  clock.advance(1800s - 30s);  // due for refresh, 30 s before expiry
  for (int i = 0; i < 5; ++i) {
    auto r = run(c.async_create_visitor_token(visitor()));
    ASSERT_TRUE(r) << r.error();
    clock.advance(1s);
  }
  ASSERT_TRUE(p.last_error());
  EXPECT_EQ(*p.last_error(), errc::unauthorized);
  clock.advance(30s);  // now expired: the failure is the answer
  auto r = run(c.async_create_visitor_token(visitor()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::unauthorized);
}

TEST_F(HubSpotPublicApp, TheSandboxAuthorizesExchangesIntrospectsAndRevokes) {
  auto pk = auth::pkce::generate().value();
  hubspot::authorize_options ao;
  ao.base_url = box.hubspot_base_url();
  ao.client_id = box.services().hubspot_oauth.client_id;
  ao.redirect_uri = "http://localhost:3000/callback";
  ao.scopes = {"oauth"};
  ao.state = "st-1";
  ao.pkce = pk;
  auto url = hubspot::authorize_url(ao);
  ASSERT_TRUE(url) << url.error();
  http::request get;
  get.url = *url;
  auto redirect = run(transport.async_send(get, {}));
  ASSERT_TRUE(redirect) << redirect.error();
  ASSERT_EQ(redirect->status, 302);
  const std::string location(redirect->headers.get("location").value_or(""));
  ASSERT_EQ(location.rfind("http://localhost:3000/callback?code=", 0), 0u) << location;
  EXPECT_NE(location.find("&state=st-1"), std::string::npos);
  const auto code_at = location.find("code=") + 5;
  const std::string code = http::percent_decode(location.substr(code_at, location.find('&') - code_at)).value();
  hubspot::oauth_client oc(transport, oauth_options());
  auto wrong =
      run(oc.async_create_token(hubspot::code_grant(secret_string(code), ao.redirect_uri, secret_string(std::string(43, 'x')))));
  ASSERT_FALSE(wrong);  // a wrong verifier, and the code is spent
  EXPECT_EQ(wrong.error(), errc::unauthorized);
  redirect = run(transport.async_send(get, {}));
  ASSERT_TRUE(redirect);
  const std::string loc2(redirect->headers.get("location").value_or(""));
  const std::string code2 = http::percent_decode(loc2.substr(code_at, loc2.find('&') - code_at)).value();
  auto t = run(oc.async_create_token(hubspot::code_grant(secret_string(code2), ao.redirect_uri, pk.verifier)));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->expires_in, 1800);
  EXPECT_EQ(t->token_use, "access_token");
  ASSERT_TRUE(t->refresh_token);
  auto info = run(oc.async_get_access_token(*t->access_token));
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->expires_in, 1800);
  auto rinfo = run(oc.async_get_refresh_token(*t->refresh_token));
  ASSERT_TRUE(rinfo) << rinfo.error();
  EXPECT_EQ(rinfo->client_id, box.services().hubspot_oauth.client_id);
  auto o3 = oauth_options();
  o3.api = hubspot::oauth_api::v3;
  hubspot::oauth_client v3(transport, o3);
  auto live = run(v3.async_introspect_token(*t->refresh_token, "refresh_token"));
  ASSERT_TRUE(live) << live.error();
  EXPECT_TRUE(live->active);
  EXPECT_EQ(live->token_use, "refresh_token");
  ASSERT_TRUE(run(oc.async_archive_refresh_token(*t->refresh_token)));
  auto dead = run(v3.async_introspect_token(*t->refresh_token));
  ASSERT_TRUE(dead);
  EXPECT_FALSE(dead->active);
  auto gone = run(oc.async_create_token(hubspot::refresh_grant(*t->refresh_token)));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(), errc::unauthorized);
  // The visitor endpoint: an unknown bearer is refused, an expired one says so.
  auto fresh = run(oc.async_create_token(hubspot::refresh_grant(secret_string(box.services().hubspot_oauth.refresh_token))));
  ASSERT_TRUE(fresh) << fresh.error();
  hubspot::client_options vo;
  vo.base_url = box.hubspot_base_url();
  vo.access_token = *fresh->access_token;
  vo.call = call();
  hubspot::client vc(transport, vo);
  EXPECT_TRUE(run(vc.async_create_visitor_token(visitor())));
  clock.advance(1800s);
  auto expired = run(vc.async_create_visitor_token(visitor()));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error(), errc::unauthorized);
  EXPECT_EQ(expired.error().diag.service_status, "EXPIRED_AUTHENTICATION");
}

TEST_F(SandboxServices, AlterianLifecycle) {
  alterian::client_options o;
  o.base_url = box.alterian_base_url();
  o.api_key = secret_string(box.services().alterian_api_key);
  alterian::basic_client<https_transport> c(transport, o);
  alterian::create_static_token_request cs;
  cs.client_id = 12;
  cs.user_id = 34;
  auto created = run(c.async_create_static_token(cs));
  ASSERT_TRUE(created) << created.error();
  ASSERT_TRUE(created->result);
  ASSERT_TRUE(alterian::is_uuid(created->result->reveal()));
  alterian::get_tokens_request gt;
  gt.client_id = 12;
  gt.include_static = true;
  auto list = run(c.async_get_tokens(gt));
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->result->size(), 1u);
  ASSERT_TRUE(list->result->at(0).token);
  EXPECT_EQ(list->result->at(0).token->reveal(), created->result->reveal());
  EXPECT_EQ(list->result->at(0).user_id, 34);
  alterian::update_static_token_request up;
  up.token_to_update = *created->result;
  up.user_id = 35;
  EXPECT_EQ(run(c.async_update_static_token(up))->result, true);
  EXPECT_EQ(run(c.async_get_all_tokens(gt, 1))->result->at(0).user_id, 35);
  alterian::delete_static_token_request del;
  del.token_to_delete = *created->result;
  EXPECT_EQ(run(c.async_delete_static_token(del))->result, true);
  auto gone = run(c.async_delete_static_token(del));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->result, false);
  EXPECT_EQ(gone->status_code, "NotFound");
  o.api_key = secret_string(std::string("00000000-0000-0000-0000-000000000000"));
  alterian::basic_client<https_transport> stranger(transport, o);
  auto denied = run(stranger.async_get_tokens(gt));
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error(), errc::unauthorized);
  EXPECT_EQ(denied.error().diag.service_status, "InvalidToken");
}

// Out of file descriptors, the server's accepts fail at once again and again: it backs off
// instead of spinning, and serves again once descriptors are free.
TEST(HttpServer, AcceptErrorsBackOffInsteadOfSpinning) {
  asio::io_context io;
  tokenmint::testing::http_server server(io.get_executor(), [](const http::incoming_request&) {
    http::response r;
    r.status = 200;
    r.body = "ok";
    return r;
  });
  ASSERT_TRUE(server.status());
  server.start();
  // Connections the kernel completes into the listen queue, waiting to be accepted.
  std::vector<asio::ip::tcp::socket> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back(io);
    clients.back().connect({asio::ip::make_address("127.0.0.1"), server.port()});
  }
  int open_fds = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++open_fds;
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = static_cast<rlim_t>(open_fds);  // no descriptor left for an accepted socket
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  const auto cpu = [] {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return std::chrono::microseconds(u.ru_utime.tv_sec * 1'000'000 + u.ru_utime.tv_usec + u.ru_stime.tv_sec * 1'000'000 +
                                     u.ru_stime.tv_usec);
  };
  const auto before = cpu();
  io.run_for(400ms);
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(cpu() - before);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &old), 0);
  EXPECT_LT(spent, 100ms) << "the accept loop spun while out of descriptors";
  // Descriptors back: the queued connections are accepted and served.
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(clients[0], asio::buffer(request));
  io.run_for(500ms);
  std::string got(256, '\0');
  asio::error_code ec;
  const auto n = clients[0].read_some(asio::buffer(got), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(got.substr(0, n).starts_with("HTTP/1.1 200")) << got.substr(0, n);
}

// A client that is not speaking HTTP gets an answer at once, and a stalled head is cut after
// header_timeout, long before the idle timeout: nobody waits a minute to learn the URL is wrong.
TEST(HttpServer, FailsFastOnNonHttpAndStalledHeads) {
  asio::io_context io;
  tokenmint::testing::http_server_options o;
  o.header_timeout = 200ms;  // idle_timeout stays 60 s
  tokenmint::testing::http_server server(
      io.get_executor(),
      [](const http::incoming_request&) {
        http::response r;
        r.status = 200;
        return r;
      },
      o);
  ASSERT_TRUE(server.status());
  server.start();
  const auto answer = [&](std::string_view sent) {
    asio::ip::tcp::socket c(io);
    c.connect({asio::ip::make_address("127.0.0.1"), server.port()});
    asio::write(c, asio::buffer(sent));
    const auto start = std::chrono::steady_clock::now();
    std::string got;
    for (;;) {
      io.run_for(20ms);
      std::array<char, 512> buf{};
      asio::error_code ec;
      if (c.available(ec) > 0) {
        const auto n = c.read_some(asio::buffer(buf), ec);
        got.append(buf.data(), n);
        continue;
      }
      // Closed by the server: a non-blocking read sees the end of the stream.
      c.non_blocking(true);
      const auto n = c.read_some(asio::buffer(buf), ec);
      c.non_blocking(false);
      if (ec == asio::error::eof) break;
      got.append(buf.data(), n);
      if (std::chrono::steady_clock::now() - start > 5s) break;
    }
    return std::pair{got, std::chrono::steady_clock::now() - start};
  };
  const std::string client_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  auto [tls, tls_took] = answer(client_hello);
  EXPECT_TRUE(tls.starts_with("HTTP/1.1 400")) << tls;
  EXPECT_LT(tls_took, 1s);
  auto [lf, lf_took] = answer("GET / HTTP/1.1\nHost: x\n\n");
  EXPECT_TRUE(lf.starts_with("HTTP/1.1 400")) << lf;
  EXPECT_LT(lf_took, 1s);
  // A chunked body announced past the body limit (2 MiB by default) is refused at its size
  // line: 413 and close, without reading the 9 MiB.
  auto [big, big_took] = answer("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n900000\r\n");
  EXPECT_TRUE(big.starts_with("HTTP/1.1 413")) << big;
  EXPECT_LT(big_took, 1s);
  auto [stalled, stalled_took] = answer("GET / HTTP/1.1\r\nHost: x\r\n");
  EXPECT_EQ(stalled, "");  // closed without an answer
  EXPECT_GE(stalled_took, 150ms);
  EXPECT_LT(stalled_took, 2s);
}

// Against a server that accepts and never answers, every service's call ends within its
// `call.retry.deadline` (60 s by default, the same for all four), retries and waits included;
// `call.timeout` bounds each attempt. Real clock and real waits.
TEST(Deadline, SilentServerBoundsEveryServicesCall) {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::vector<asio::ip::tcp::socket> held;  // accepted, never answered
  std::function<void()> accept_more = [&] {
    acceptor.async_accept([&](asio::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      held.push_back(std::move(s));
      accept_more();
    });
  };
  accept_more();
  const std::string base = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  service::call_options call;
  call.timeout = 300ms;
  call.retry.deadline = 800ms;
  call.retry.base_delay = 10ms;
  call.retry.max_attempts = 10;
  https_transport transport(io.get_executor());
  const auto timed = [&](auto awaitable) {
    const auto start = std::chrono::steady_clock::now();
    auto r = tokenmint::test::run_on(io, std::move(awaitable));
    return std::pair{std::move(r), std::chrono::steady_clock::now() - start};
  };
  const auto bounded = [&](const char* who, const auto& outcome, bool retried) {
    const auto& [r, took] = outcome;
    ASSERT_FALSE(r) << who;
    EXPECT_EQ(r.error(), errc::timeout) << who << ": " << r.error();
    EXPECT_LE(took, call.retry.deadline + 250ms) << who << " ran past its deadline";
    if (retried) {
      EXPECT_GE(r.error().diag.attempts, 2) << who;
      EXPECT_GE(took, 550ms) << who;  // it used its deadline for retries
    } else {
      EXPECT_LT(took, call.timeout + 250ms) << who << ": not replay-safe, one attempt";
    }
  };

  uid2::client_options uo;
  uo.base_url = base;
  uo.api_key = secret_string(std::string("key"));
  uo.client_secret = secret_string(std::string("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo="));
  uo.call = call;
  uid2::basic_client<https_transport> u(transport, uo);
  bounded("uid2 generate", timed(u.async_generate_token(*uid2::identity_input::from_email("a@example.com"))), false);

  hubspot::client_options ho;
  ho.base_url = base;
  ho.access_token = secret_string(std::string("token"));
  ho.call = call;
  hubspot::basic_client<https_transport> h(transport, ho);
  hubspot::visitor_token_request vr;
  vr.email = "a@example.com";
  bounded("hubspot", timed(h.async_create_visitor_token(vr)), false);

  benchling::client_options bo;
  bo.base_url = base;
  bo.client_id = "id";
  bo.client_secret = secret_string(std::string("secret"));
  bo.call = call;
  benchling::basic_client<https_transport> b(transport, bo);
  bounded("benchling", timed(b.async_generate_token()), true);

  alterian::client_options ao;
  ao.base_url = base;
  ao.api_key = secret_string(std::string("11111111-2222-3333-4444-555555555555"));
  ao.call = call;
  alterian::basic_client<https_transport> a(transport, ao);
  bounded("alterian get_tokens", timed(a.async_get_tokens({})), true);
}

// Teardown in any order: a transport with pooled connections, clients over it and a token
// provider, all declared before their io_context and so destroyed after it; one call still in
// flight when the context goes. Under ASan (CI's clang build) a use-after-free here aborts.
TEST(Teardown, TransportClientsAndProviderMayOutliveTheirIoContext) {
  std::optional<https_transport> transport;
  std::optional<uid2::basic_client<https_transport>> uid2_client;
  std::optional<hubspot::basic_client<https_transport>> hubspot_client;
  std::optional<benchling::token_provider<https_transport>> provider;
  std::string origin;
  bool in_flight_ended = false;
  {
    asio::io_context io;
    tokenmint::testing::sandbox box{io.get_executor()};
    ASSERT_TRUE(box.status());
    box.start();
    transport.emplace(io.get_executor());
    const auto& so = box.services();

    uid2::client_options uo;
    uo.base_url = box.base_url();
    uo.api_key = secret_string(box.api_key());
    uo.client_secret = secret_string(box.client_secret());
    uid2_client.emplace(*transport, uo);
    auto g = tokenmint::test::run_on(io, uid2_client->async_generate_token(*uid2::identity_input::from_email("a@example.com")));
    ASSERT_TRUE(g) << g.error();

    hubspot::client_options ho;
    ho.base_url = box.hubspot_base_url();
    ho.access_token = secret_string(so.hubspot_access_token);
    hubspot_client.emplace(*transport, ho);
    hubspot::visitor_token_request vr;
    vr.email = "a@example.com";
    auto h = tokenmint::test::run_on(io, hubspot_client->async_create_visitor_token(vr));
    ASSERT_TRUE(h) << h.error();

    benchling::client_options bo;
    bo.base_url = box.benchling_base_url();
    bo.client_id = so.benchling_client_id;
    bo.client_secret = secret_string(so.benchling_client_secret);
    provider.emplace(benchling::basic_client<https_transport>(*transport, bo));
    auto t = tokenmint::test::run_on(io, provider->async_token());
    ASSERT_TRUE(t) << t.error();

    origin = box.base_url().substr(0, box.base_url().find('/', 7));
    EXPECT_GE(transport->open_connections(origin), 1u);  // pooled, idle: sockets of `io`

    // A call left suspended (a server that accepts and never answers) when the context goes.
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket held(io);
    silent.async_accept(held, [](asio::error_code) {});
    http::request r;
    r.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";
    asio::co_spawn(
        io,
        [](https_transport tr, http::request req) -> asio::awaitable<void> {
          request_options o;
          o.timeout = std::chrono::hours(1);
          (void)co_await tr.async_send(std::move(req), o);
        }(*transport, std::move(r)),
        [&](std::exception_ptr) { in_flight_ended = true; });
    io.run_for(100ms);
    io.restart();
  }  // the sandbox, then the io_context go; the frame of the suspended call is destroyed unrun
  EXPECT_FALSE(in_flight_ended);
  EXPECT_EQ(transport->open_connections(origin), 0u);  // the pool was emptied at shutdown
  provider.reset();
  hubspot_client.reset();
  uid2_client.reset();
  transport.reset();
}

// And the usual order: the transport (with a pooled connection and a call in flight) and its
// client go first, then the io_context; the suspended call still holds the pool until then.
TEST(Teardown, TransportAndClientMayGoBeforeTheirIoContext) {
  asio::io_context io;
  tokenmint::testing::sandbox box{io.get_executor()};
  ASSERT_TRUE(box.status());
  box.start();
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket held(io);
  silent.async_accept(held, [](asio::error_code) {});
  auto ended = std::make_shared<std::optional<errc>>();
  {
    https_transport transport(io.get_executor());
    uid2::client_options uo;
    uo.base_url = box.base_url();
    uo.api_key = secret_string(box.api_key());
    uo.client_secret = secret_string(box.client_secret());
    uid2::basic_client<https_transport> client(transport, uo);
    auto g = tokenmint::test::run_on(io, client.async_generate_token(*uid2::identity_input::from_email("a@example.com")));
    ASSERT_TRUE(g) << g.error();
    http::request r;
    r.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/";
    asio::co_spawn(
        io,
        [](https_transport tr, http::request req, std::shared_ptr<std::optional<errc>> out) -> asio::awaitable<void> {
          request_options o;
          o.timeout = 200ms;
          auto res = co_await tr.async_send(std::move(req), o);
          *out = res ? errc{} : static_cast<errc>(res.error().code.value());
        }(transport, std::move(r), ended),
        asio::detached);
    io.run_for(20ms);
  }  // client and transport handles gone; the call in flight keeps the pool alive
  EXPECT_FALSE(ended->has_value());
  io.restart();
  while (!ended->has_value() && io.run_one_for(1s) != 0) {
  }
  ASSERT_TRUE(ended->has_value());
  EXPECT_EQ(**ended, errc::timeout);  // it ended on its own deadline, on a pool nobody else holds
}

// The blocking facades, from a plain function with no event loop of its own: the sandbox serves
// on a thread of its own, and each facade's call returns what the coroutine call returns.
TEST(Blocking, EveryFacadeAgainstTheSandbox) {
  tokenmint::test::sandbox_thread serving;
  auto& box = serving.box;
  ASSERT_TRUE(box.status());
  const auto& so = box.services();

  uid2::client_options uo;
  uo.base_url = box.base_url();
  uo.api_key = secret_string(box.api_key());
  uo.client_secret = secret_string(box.client_secret());
  uid2::blocking_client u(uo);
  auto g = u.generate_token(*uid2::identity_input::from_email("validate@example.com"));
  ASSERT_TRUE(g) << g.error();
  ASSERT_EQ(g->status, uid2::token_status::success);
  auto valid = u.validate_token(g->identity->advertising_token, *uid2::identity_input::from_email("validate@example.com"));
  ASSERT_TRUE(valid) << valid.error();
  EXPECT_TRUE(*valid);
  auto r = u.refresh_token(*g->identity);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, uid2::token_status::success);
  auto opted = u.generate_token(*uid2::identity_input::from_email("optout@example.com"));
  ASSERT_TRUE(opted);
  EXPECT_EQ(opted->status, uid2::token_status::optout);  // an outcome, as with co_await
  auto mapped = u.map_identities({*uid2::identity_input::from_email("a@example.com")});
  ASSERT_TRUE(mapped) << mapped.error();
  EXPECT_EQ(mapped->size(), 1u);
  uo.client_secret = secret_string(std::string("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo="));
  uid2::blocking_client wrong(uo);
  auto w = wrong.generate_token(*uid2::identity_input::from_email("a@example.com"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), errc::client_secret_rejected);  // the same typed error

  euid::client_options eo = uo;
  eo.base_url = box.euid_base_url();
  eo.client_secret = secret_string(box.client_secret());
  euid::blocking_client e(eo);
  auto eg = e.generate_token(*uid2::identity_input::from_email("a@example.com"));
  ASSERT_TRUE(eg) << eg.error();
  EXPECT_EQ(eg->identity->refresh_token[0], 'E');

  hubspot::client_options ho;
  ho.base_url = box.hubspot_base_url();
  ho.access_token = secret_string(so.hubspot_access_token);
  hubspot::blocking_client h(ho);
  hubspot::visitor_token_request vr;
  vr.email = "a@example.com";
  auto ht = h.create_visitor_token(vr);
  ASSERT_TRUE(ht) << ht.error();
  EXPECT_EQ(std::count(ht->token.reveal().begin(), ht->token.reveal().end(), '.'), 2);

  benchling::client_options bo;
  bo.base_url = box.benchling_base_url();
  bo.client_id = so.benchling_client_id;
  bo.client_secret = secret_string(so.benchling_client_secret);
  benchling::blocking_client b(bo);
  auto t1 = b.token();
  auto t2 = b.token();
  ASSERT_TRUE(t1 && t2);
  EXPECT_EQ(t1->token.reveal(), t2->token.reveal());  // cached
  EXPECT_EQ(b.refresh_count(), 1u);
  auto fresh = b.generate_token();
  ASSERT_TRUE(fresh) << fresh.error();
  EXPECT_NE(fresh->access_token.reveal(), t1->token.reveal());

  alterian::client_options ao;
  ao.base_url = box.alterian_base_url();
  ao.api_key = secret_string(so.alterian_api_key);
  alterian::blocking_client a(ao);
  alterian::create_static_token_request cr;
  cr.client_id = 12;
  cr.user_id = 7;
  auto created = a.create_static_token(cr);
  ASSERT_TRUE(created && created->result) << (created ? "no token" : created.error().message);
  alterian::get_tokens_request gt;
  gt.client_id = 12;
  gt.include_static = true;
  auto all = a.get_all_tokens(gt, 2);
  ASSERT_TRUE(all && all->result) << (all ? "no rows" : all.error().message);
  ASSERT_EQ(all->result->size(), 1u);
  EXPECT_EQ(all->result->at(0).user_id, 7);
  alterian::delete_static_token_request dr;
  dr.token_to_delete = *created->result;
  auto gone = a.delete_static_token(dr);
  ASSERT_TRUE(gone && gone->result);
  EXPECT_TRUE(*gone->result);

  // Calls from several threads on one facade run one at a time (ThreadSanitizer runs this).
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    callers.emplace_back([&] {
      for (int k = 0; k < 3; ++k)
        if (auto v = h.create_visitor_token(vr)) ++ok;
    });
  for (auto& c : callers) c.join();
  EXPECT_EQ(ok.load(), 12);
}
