// Retry decisions, server hints, backoff, the rate limiter, redaction and hooks. Sans-io parts
// directly; policy::send over tokenmint::testing::fake_transport with a virtual sleeper (no test sleeps).
#include <tokenmint/testing/virtual_sleeper.hpp>
#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/service/send.hpp>
#include <tokenmint/testing/fake_transport.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace tokenmint;
using namespace std::chrono_literals;

namespace {

using tokenmint::test::run;

http::response answer(int status, http::fields headers = {}, std::string body = {}) {
  http::response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

constexpr std::int64_t t0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
unix_ms at(std::int64_t ms) { return unix_ms{std::chrono::milliseconds{ms}}; }

policy::retry_policy fixed_jitter(double r) {
  policy::retry_policy p;
  p.random = [r] { return r; };
  return p;
}

}  // namespace

TEST(HttpDate, AllThreeFormsOfRfc9110) {
  // RFC 9110 section 5.6.7's example instant, 784111777 s after the epoch.
  const auto expected = at(784111777LL * 1000);
  EXPECT_EQ(policy::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(policy::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(policy::parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "06 Nov 1994", "Sun, 6 Nov 1994 08:49:37 GMT", "soon"})
    EXPECT_FALSE(policy::parse_http_date(bad)) << bad;
}

TEST(RetryAfter, SecondsDatesAndGarbage) {
  const auto now = at(784111777LL * 1000);
  EXPECT_EQ(policy::parse_retry_after("120", now), 120'000ms);
  EXPECT_EQ(policy::parse_retry_after(" 0 ", now), 0ms);
  EXPECT_EQ(policy::parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), 30'000ms);
  EXPECT_EQ(policy::parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0ms);  // in the past
  EXPECT_FALSE(policy::parse_retry_after("-5", now));
  EXPECT_FALSE(policy::parse_retry_after("1.5", now));
  EXPECT_FALSE(policy::parse_retry_after("later", now));
}

TEST(ServerHint, RetryAfterThenBenchlingReset) {
  const auto now = at(t0);
  EXPECT_EQ(policy::standard_hint(answer(429, {{"Retry-After", "7"}, {"x-rate-limit-reset", "21"}}), now).wait, 7000ms);
  EXPECT_EQ(policy::standard_hint(answer(429, {{"x-rate-limit-reset", "21"}}), now).wait, 21'000ms);
  // Benchling sends the reset on every answer: it is a wait hint only on a 429.
  EXPECT_FALSE(policy::standard_hint(answer(503, {{"x-rate-limit-reset", "21"}}), now).wait);
  EXPECT_FALSE(policy::standard_hint(answer(429), now).wait);
}

TEST(Backoff, FullJitterWithinTheDoublingWindowAndCap) {
  policy::retry_policy p;
  p.base_delay = 100ms;
  p.max_delay = 1000ms;
  p.random = [] { return 0.999999; };
  EXPECT_EQ(policy::backoff(p, 1), 99ms);
  EXPECT_EQ(policy::backoff(p, 2), 199ms);
  EXPECT_EQ(policy::backoff(p, 4), 799ms);
  EXPECT_EQ(policy::backoff(p, 5), 999ms);  // capped
  EXPECT_EQ(policy::backoff(p, 60), 999ms);
  p.random = [] { return 0.0; };
  EXPECT_EQ(policy::backoff(p, 3), 0ms);
  p.random = nullptr;  // the default PRNG stays in the window
  for (int i = 0; i < 1000; ++i) {
    const auto d = policy::backoff(p, 3);
    EXPECT_GE(d, 0ms);
    EXPECT_LE(d, 400ms);
  }
}

TEST(Decide, RetriesOnlyWhatIsSafeToReplay) {
  const auto p = fixed_jitter(0.5);
  const policy::server_hint none;
  for (int st : {429, 502, 503, 504}) {
    const auto d = policy::decide(p, 1, 0ms, false, answer(st), none);
    EXPECT_TRUE(d.retry) << st;
    EXPECT_EQ(d.delay, 125ms) << st;  // half of base 250
  }
  for (int st : {200, 201, 400, 401, 403, 404, 409, 422, 500, 501})
    EXPECT_FALSE(policy::decide(p, 1, 0ms, false, answer(st), none).retry) << st;
  // Transport errors: before sending always; in flight only when replay-safe.
  for (auto c : {errc::connect_failed, errc::resolve_failed, errc::tls_handshake_failed})
    EXPECT_TRUE(policy::decide(p, 1, 0ms, false, result<http::response>(error{c}), none).retry);
  for (auto c : {errc::timeout, errc::network, errc::http_truncated}) {
    EXPECT_FALSE(policy::decide(p, 1, 0ms, false, result<http::response>(error{c}), none).retry);
    EXPECT_TRUE(policy::decide(p, 1, 0ms, true, result<http::response>(error{c}), none).retry);
  }
  for (auto c : {errc::cancelled, errc::certificate_rejected, errc::invalid_url, errc::http_protocol})
    EXPECT_FALSE(policy::decide(p, 1, 0ms, true, result<http::response>(error{c}), none).retry);
}

TEST(Decide, BoundedByAttemptsDeadlineAndServerWait) {
  auto p = fixed_jitter(0.5);
  p.max_attempts = 3;
  EXPECT_TRUE(policy::decide(p, 2, 0ms, false, answer(503), {}).retry);
  const auto last = policy::decide(p, 3, 0ms, false, answer(503), {});
  EXPECT_FALSE(last.retry);
  EXPECT_NE(last.reason.find("gave up after 3 attempts"), std::string::npos);
  // The server's wait is honoured exactly, unless it is longer than max_server_wait...
  policy::server_hint h;
  h.wait = 5000ms;
  EXPECT_EQ(policy::decide(p, 1, 0ms, false, answer(429), h).delay, 5000ms);
  p.max_server_wait = 4000ms;
  EXPECT_FALSE(policy::decide(p, 1, 0ms, false, answer(429), h).retry);
  // ...or it would pass the deadline.
  p.max_server_wait = 60'000ms;
  p.deadline = 10'000ms;
  EXPECT_TRUE(policy::decide(p, 1, 4000ms, false, answer(429), h).retry);
  EXPECT_FALSE(policy::decide(p, 1, 5000ms, false, answer(429), h).retry);
  // A "never" hint (HubSpot DAILY) wins over everything.
  h.never = true;
  h.why = "daily";
  const auto d = policy::decide(p, 1, 0ms, false, answer(429), h);
  EXPECT_FALSE(d.retry);
  EXPECT_NE(d.reason.find("daily"), std::string::npos);
  EXPECT_FALSE(policy::decide(policy::retry_policy::none(), 1, 0ms, true, answer(503), {}).retry);
}

TEST(RateLimiter, SlidingWindowNeverExceedsTheBudget) {
  policy::rate_limiter lim(3, 10'000ms);
  EXPECT_EQ(lim.reserve(at(t0)), 0ms);
  EXPECT_EQ(lim.reserve(at(t0 + 100)), 0ms);
  EXPECT_EQ(lim.reserve(at(t0 + 200)), 0ms);
  EXPECT_EQ(lim.reserve(at(t0 + 300)), 9700ms);  // first slot frees at t0 + 10 s
  EXPECT_EQ(lim.reserve(at(t0 + 300)), 9800ms);  // then the second
  EXPECT_EQ(lim.reserve(at(t0 + 20'000)), 0ms);  // the window has moved on
  // Property: any 10 s window of reserved send times holds at most 3.
  policy::rate_limiter l2(3, 10'000ms);
  std::vector<std::int64_t> sends;
  for (int i = 0; i < 50; ++i) {
    const std::int64_t now = t0 + i * 700;
    sends.push_back(now + l2.reserve(at(now)).count());
  }
  for (std::size_t i = 0; i < sends.size(); ++i) {
    int in_window = 0;
    for (auto s : sends) in_window += s >= sends[i] && s < sends[i] + 10'000;
    EXPECT_LE(in_window, 3);
  }
}

TEST(Redaction, CredentialsNeverReachAHook) {
  http::request req;
  req.method = http::verb::post;
  req.url = "https://x.test/token";
  req.headers.add("Authorization", "Basic c2VjcmV0OnNlY3JldA==");
  req.headers.add("X-Api-Key", "11111111-2222-3333-4444-555555555555");
  req.headers.add("Proxy-Authorization", "Basic eA==");
  req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  req.headers.add("Accept", "application/json");
  req.body = "grant_type=client_credentials&client_id=me&client_secret=s%26cr%3Dt";
  const auto shown = policy::redact(req);
  EXPECT_EQ(*shown.headers.get("authorization"), "<redacted>");
  EXPECT_EQ(*shown.headers.get("x-api-key"), "<redacted>");
  EXPECT_EQ(*shown.headers.get("proxy-authorization"), "<redacted>");
  EXPECT_EQ(*shown.headers.get("accept"), "application/json");
  EXPECT_EQ(shown.body, "grant_type=client_credentials&client_id=me&client_secret=%3Credacted%3E");

  http::response res;
  res.status = 200;
  res.headers.add("Content-Type", "application/json; charset=utf-8");
  res.body = R"j({"access_token":"eyJsecret","token_type":"Bearer","expires_in":900,"nested":[{"refresh_token":"r"}],)j"
             R"j("Result":"0b780591-74fd-46aa-825a-d01d970e6910","IsSAtoken":true})j";
  const std::string_view extra[] = {"Result"};
  const auto r = policy::redact(res, extra);
  EXPECT_EQ(nlohmann::json::parse(r.body),
            nlohmann::json::parse(R"j({"access_token":"<redacted>","token_type":"Bearer","expires_in":900,)j"
                                  R"j("nested":[{"refresh_token":"<redacted>"}],"Result":"<redacted>","IsSAtoken":true})j"));
  // Opaque bodies (UID2 envelopes, a bare refresh token) are not shown at all.
  EXPECT_EQ(policy::redact_body("text/plain", "AAAAsecretenvelope"), "<redacted 18 bytes>");
  EXPECT_EQ(policy::redact_body("application/json", "{not json"), "<redacted 9 bytes>");
}

TEST(Credentials, HeadersAsTheServicesExpect) {
  http::request req;
  // Benchling's sample: client-id:client-secret.
  const auth::basic b{"client-id", secret_string(std::string("client-secret"))};
  ASSERT_TRUE(b.check());
  b.apply(req);
  EXPECT_EQ(*req.headers.get("authorization"), "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=");
  const auth::bearer t{secret_string(std::string("pat-na1-x"))};
  t.apply(req);
  EXPECT_EQ(req.headers.all("authorization").size(), 1u);
  EXPECT_EQ(*req.headers.get("authorization"), "Bearer pat-na1-x");
  const auth::api_key_header k{"X-Api-Key", secret_string(std::string("k1")), {}};
  k.apply(req);
  EXPECT_EQ(*req.headers.get("x-api-key"), "k1");
  EXPECT_EQ(auth::bearer{secret_string(std::string("a\r\nX-Evil: 1"))}.check().error(), errc::invalid_argument);
  EXPECT_EQ(auth::bearer{}.check().error(), errc::invalid_argument);
  EXPECT_EQ((auth::basic{"a:b", secret_string(std::string("p"))}.check().error()), errc::invalid_argument);
}

namespace {

struct recorded {
  std::vector<std::string> lines;
  policy::hooks hooks() {
    policy::hooks h;
    h.on_request = [this](const policy::request_event& e) {
      lines.push_back("start " + std::string(e.operation) + " #" + std::to_string(e.attempt) +
                      " auth=" + std::string(e.request.headers.get("authorization").value_or("")) + " body=" + e.request.body);
    };
    h.on_response = [this](const policy::response_event& e) {
      lines.push_back("end #" + std::to_string(e.attempt) + " status=" + std::to_string(e.status) +
                      " retry_in=" + std::to_string(e.retry_in.count()) + (e.response ? " body=" + e.response->body : ""));
    };
    return h;
  }
};

}  // namespace

TEST(Send, RetriesWithTheServersWaitAndTellsTheHooks) {
  fixed_clock clock(t0);
  tokenmint::testing::virtual_sleeper sleeper(clock);
  tokenmint::testing::fake_transport fake;
  fake.respond(503, "", {{"Retry-After", "2"}})
      .respond(429, R"j({"error":{"type":"rate"}})j", {{"x-rate-limit-reset", "3"}})
      .respond(200, R"j({"access_token":"tok"})j");
  recorded rec;
  service::call_options o;
  o.clock = &clock;
  o.sleep = &sleeper;
  o.observe = rec.hooks();
  int built = 0;
  auto make = [&]() -> result<http::request> {
    ++built;
    http::request r;
    r.method = http::verb::post;
    r.url = "http://x.test/token";
    r.headers.add("Authorization", "Bearer very-secret");
    r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    r.body = "client_secret=s";
    return r;
  };
  int attempts = 0;
  const service::call_info info{"svc", "op", false, {}, nullptr};
  auto res = run(service::send(fake, make, o, info, &attempts));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(built, 3);  // a fresh request per attempt
  EXPECT_EQ(sleeper.waits(), (std::vector<std::chrono::milliseconds>{2000ms, 3000ms}));
  const std::vector<std::string> expected = {"start op #1 auth=<redacted> body=client_secret=%3Credacted%3E",
                                             "end #1 status=503 retry_in=2000 body=",
                                             "start op #2 auth=<redacted> body=client_secret=%3Credacted%3E",
                                             R"j(end #2 status=429 retry_in=3000 body={"error":{"type":"rate"}})j",
                                             "start op #3 auth=<redacted> body=client_secret=%3Credacted%3E",
                                             R"j(end #3 status=200 retry_in=-1 body={"access_token":"<redacted>"})j"};
  EXPECT_EQ(rec.lines, expected);
  for (const auto& l : rec.lines) EXPECT_EQ(l.find("very-secret"), std::string::npos);
}

TEST(Send, TheDeadlineBoundsAttemptsAndCapsTheirTimeout) {
  fixed_clock clock(t0);
  tokenmint::testing::virtual_sleeper sleeper(clock);
  tokenmint::testing::fake_transport fake;
  fake.on_request([&](const http::request&, const request_options&) {
    clock.advance(4000ms);  // each attempt takes 4 s
    return tokenmint::testing::fake_step{answer(503)};
  });
  service::call_options o;
  o.clock = &clock;
  o.sleep = &sleeper;
  o.timeout = 30'000ms;
  o.retry.max_attempts = 100;
  o.retry.deadline = 10'000ms;
  o.retry.random = [] { return 0.0; };
  auto make = []() -> result<http::request> { return http::request{http::verb::post, "http://x.test/", {}, {}}; };
  int attempts = 0;
  const service::call_info info{"svc", "op"};
  auto res = run(service::send(fake, make, o, info, &attempts));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);  // the last answer, for the client to turn into its error
  EXPECT_EQ(attempts, 3);       // 0-4 s, 4-8 s, 8-12 s: no fourth
  ASSERT_EQ(fake.exchanges().size(), 3u);
  EXPECT_EQ(fake.exchanges()[0].options.timeout, 10'000ms);  // capped by what is left
  EXPECT_EQ(fake.exchanges()[1].options.timeout, 6000ms);
  EXPECT_EQ(fake.exchanges()[2].options.timeout, 2000ms);
}

TEST(Send, TheClientSideLimiterSpacesRequests) {
  fixed_clock clock(t0);
  tokenmint::testing::virtual_sleeper sleeper(clock);
  tokenmint::testing::fake_transport fake;
  fake.on_request([](const http::request&, const request_options&) { return tokenmint::testing::fake_step{answer(200)}; });
  service::call_options o;
  o.clock = &clock;
  o.sleep = &sleeper;
  o.limiter = std::make_shared<policy::rate_limiter>(2, 10'000ms);
  auto make = []() -> result<http::request> { return http::request{http::verb::post, "http://x.test/", {}, {}}; };
  const service::call_info info{"hubspot", "op"};
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(run(service::send(fake, make, o, info)));
  EXPECT_EQ(sleeper.waits(), (std::vector<std::chrono::milliseconds>{10'000ms, 10'000ms}));
  ASSERT_TRUE(run(service::send(fake, make, o, info)));  // the window's second slot
  o.retry.deadline = 5000ms;                             // a wait past the deadline fails at once, typed
  auto late = run(service::send(fake, make, o, info));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error(), errc::rate_limited);
}

// The classes of transport failure the retry policy and the background refresher act on.
TEST(Policy, TransportFailureClasses) {
  for (errc c : {errc::resolve_failed, errc::connect_failed, errc::tls_handshake_failed}) {
    EXPECT_TRUE(policy::failed_before_sending(make_error_code(c)));
    EXPECT_TRUE(policy::transient_transport_failure(make_error_code(c)));
  }
  for (errc c : {errc::timeout, errc::network, errc::http_truncated}) {
    EXPECT_FALSE(policy::failed_before_sending(make_error_code(c)));
    EXPECT_TRUE(policy::failed_in_flight(make_error_code(c)));
    EXPECT_TRUE(policy::transient_transport_failure(make_error_code(c)));
  }
  EXPECT_TRUE(policy::transient_transport_failure(make_error_code(errc::proxy_failed)));
  for (errc c : {errc::cancelled, errc::invalid_url, errc::http_protocol, errc::authentication_failed, errc::unauthorized})
    EXPECT_FALSE(policy::transient_transport_failure(make_error_code(c))) << make_error_code(c).message();
}
