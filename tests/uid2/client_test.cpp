// UID2/EUID client logic over tokenmint::testing::fake_transport. The fake answers as the operator does, using the
// operator-side envelope code (itself checked against the protocol's vectors), and the refresh
// path is also checked against the protocol's derived refresh-response vector.
#include <tokenmint/testing/fake_transport.hpp>
#include <tokenmint/testing/uid2_envelope.hpp>
#include <tokenmint/testing/virtual_sleeper.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/refresher.hpp>

#include "../common/test_data.hpp"

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>

using namespace tokenmint;
using namespace tokenmint::uid2;

namespace {

const std::string secret_b64 = "ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=";  // protocol 8.1
constexpr std::int64_t now_ms = 1'700'000'000'000;

using tokenmint::test::run;

client_options options(const fixed_clock& clock) {
  client_options o;
  o.base_url = "https://operator.test/";
  o.api_key = secret<std::string>(std::string("test-api-key"));
  o.client_secret = secret<std::string>(secret_b64);
  o.call.clock = &clock;
  return o;
}

http::response reply(int status, std::string body) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

/// The operator's side of one enveloped call: opens the request (checking what the operator
/// checks) and hands its JSON to `answer`, whose result is sealed with the request's nonce.
struct operator_side {
  flavour f = flavour::uid2;
  std::vector<std::string> seen_json;  // decrypted request payloads
  std::vector<nonce_bytes> seen_nonces;
  std::function<std::string(const nlohmann::json&)> answer;

  tokenmint::testing::fake_step operator()(const http::request& req, const request_options&) {
    auto key = make_key(secret_b64);
    std::vector<std::uint8_t> scratch;
    auto opened = tokenmint::testing::open_request(*key, req.body, now_ms, f, scratch);
    if (!opened) {
      nlohmann::json e{{"status", "client_error"}, {"message", opened.error().message}};
      return {reply(400, e.dump())};
    }
    seen_json.emplace_back(opened->json);
    seen_nonces.push_back(opened->nonce);
    const std::string json = answer(nlohmann::json::parse(opened->json));
    return {reply(200, *tokenmint::testing::seal_response(*key, now_ms + 5, opened->nonce, json))};
  }
};

std::string identity_body(std::int64_t base = now_ms,
                          const std::string& key_b64 = "P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU=") {
  nlohmann::json id{{"advertising_token", "A4AAAAtoken"},   {"refresh_token", std::string(388, 'R')},
                    {"identity_expires", base + 3'600'000}, {"refresh_expires", base + 86'400'000},
                    {"refresh_from", base + 900'000},       {"refresh_response_key", key_b64},
                    {"future_field", {{"nested", true}}}};
  return id.dump();
}

}  // namespace

TEST(Uid2Client, GenerateSendsAHashedEmailInAFreshEnvelope) {
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  auto op = std::make_shared<operator_side>();
  op->answer = [](const nlohmann::json&) { return R"({"body":)" + identity_body() + R"(,"status":"success"})"; };
  fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));

  auto in = identity_input::from_email("  USER@example.com ");
  ASSERT_TRUE(in);
  auto first = run(c.async_generate_token(*in));
  auto second = run(c.async_generate_token(*in));
  ASSERT_TRUE(first) << first.error().describe();
  ASSERT_TRUE(second);
  EXPECT_EQ(first->status, token_status::success);
  ASSERT_TRUE(first->identity);
  EXPECT_EQ(first->identity->advertising_token, "A4AAAAtoken");
  EXPECT_EQ(first->identity->refresh_from, now_ms + 900'000);
  // Protocol 3.5: user@example.com hashes to this.
  EXPECT_EQ(op->seen_json[0], R"({"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="})");
  ASSERT_EQ(fake.exchanges().size(), 2u);
  const auto& req = fake.exchanges()[0].request;
  EXPECT_EQ(req.url, "https://operator.test/v2/token/generate");
  EXPECT_EQ(req.method, http::verb::post);
  EXPECT_EQ(*req.headers.get("authorization"), "Bearer test-api-key");
  EXPECT_EQ(*req.headers.get("x-uid2-client-version"), "tokenmint-cpp-" + std::string(version_string));
  EXPECT_EQ(*req.headers.get("content-type"), "text/plain");
  EXPECT_EQ(fake.exchanges()[0].options.timeout, std::chrono::milliseconds(30'000));
  // A fresh envelope per attempt: new nonce (and IV), so different bodies.
  EXPECT_NE(op->seen_nonces[0], op->seen_nonces[1]);
  EXPECT_NE(fake.exchanges()[0].request.body, fake.exchanges()[1].request.body);
}

// Hooks name the service in lowercase, as for the other clients, and the operation by its path.
TEST(Uid2Client, HooksSeeTheServiceIdAndPath) {
  for (const bool euid : {false, true}) {
    fixed_clock clock(now_ms);
    tokenmint::testing::fake_transport fake;
    auto op = std::make_shared<operator_side>();
    op->answer = [](const nlohmann::json&) { return R"({"status":"optout"})"; };
    fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
    auto o = options(clock);
    std::vector<std::string> seen;
    o.call.observe.on_request = [&](const policy::request_event& e) {
      seen.push_back(std::string(e.service) + ' ' + std::string(e.operation));
    };
    auto in = *identity_input::from_email("user@example.com");
    if (euid) {
      euid::basic_client<tokenmint::testing::fake_transport> c(fake, o);
      ASSERT_TRUE(run(c.async_generate_token(in)));
    } else {
      uid2::basic_client<tokenmint::testing::fake_transport> c(fake, o);
      ASSERT_TRUE(run(c.async_generate_token(in)));
    }
    EXPECT_EQ(seen, std::vector<std::string>{euid ? "euid /v2/token/generate" : "uid2 /v2/token/generate"});
  }
}

TEST(Uid2Client, GenerateInputsOfEveryKind) {
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  auto op = std::make_shared<operator_side>();
  op->answer = [](const nlohmann::json&) { return std::string(R"({"status":"optout"})"); };
  fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
  auto o = options(clock);
  o.send_optout_check = true;
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  const std::vector<result<identity_input>> inputs = {
      identity_input::from_phone("+12345678901"), identity_input::from_phone_unhashed("+12345678901"),
      identity_input::from_email_unhashed("Jane.Doe+x@GMAIL.com"),
      identity_input::from_email_hash("b4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"),
      identity_input::from_phone_hash("EObwtHBUqDNZR33LNSMdtt5cafsYFuGmuY4ZLenlue4=")};
  for (const auto& in : inputs) {
    ASSERT_TRUE(in) << in.error().message;
    auto r = run(c.async_generate_token(*in));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->status, token_status::optout);
    EXPECT_FALSE(r->identity);
  }
  EXPECT_EQ(op->seen_json[0], R"({"phone_hash":"EObwtHBUqDNZR33LNSMdtt5cafsYFuGmuY4ZLenlue4=","optout_check":1})");
  EXPECT_EQ(op->seen_json[1], R"({"phone":"+12345678901","optout_check":1})");
  EXPECT_EQ(op->seen_json[2], R"({"email":"janedoe@gmail.com","optout_check":1})");
  EXPECT_EQ(op->seen_json[3], R"({"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=","optout_check":1})");
}

TEST(Uid2Client, BadInputIsRejectedBeforeAnyNetworkCall) {
  EXPECT_EQ(identity_input::from_email("not an email").error(), errc::invalid_email);
  EXPECT_EQ(identity_input::from_phone("555-555-5555").error(), errc::invalid_phone);
  EXPECT_EQ(identity_input::from_email_hash("abc").error(), errc::invalid_argument);
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  auto in = *identity_input::from_email("a@b.com");
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  generate_options tcf;
  tcf.tcf_consent_string = "CPhJRpMPhJRpMABAMBFRACBoALAAAEJAAIYgAKwAQAKgArABAAqAAA";
  auto r = run(c.async_generate_token(in, tcf));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::invalid_argument);
  EXPECT_NE(r.error().message.find("tcf_consent_string"), std::string::npos);

  auto bad = options(clock);
  bad.client_secret = secret<std::string>(std::string("c2hvcnQ="));
  uid2::basic_client<tokenmint::testing::fake_transport> wrong_secret(fake, bad);
  auto w = run(wrong_secret.async_generate_token(in));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), errc::invalid_key);
  EXPECT_EQ(w.error().message.find("c2hvcnQ"), std::string::npos) << "the secret must not be echoed";

  identity id = *identity::from_json(identity_body());
  id.refresh_token += "\n";
  auto nl = run(c.async_refresh_token(id));
  ASSERT_FALSE(nl);
  EXPECT_EQ(nl.error(), errc::invalid_argument);
  auto empty_token = run(c.async_validate_token("", in));
  EXPECT_FALSE(empty_token);
  EXPECT_TRUE(fake.exchanges().empty());
}

TEST(EuidClient, TcfConsentOutcomes) {
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  auto op = std::make_shared<operator_side>();
  op->f = flavour::euid;
  op->answer = [](const nlohmann::json& req) {
    const auto tcf = req.value("tcf_consent_string", "");
    if (tcf == "CPehXK9PehXK9ABAMBFRACBoADAAAEJAAIYgAKwAQAKgArABAAqAAA")
      return std::string(R"({"status":"insufficient_user_consent"})");
    return R"({"body":)" + identity_body() + R"(,"status":"success"})";
  };
  fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
  euid::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  auto in = *identity_input::from_email("user@example.com");
  generate_options ok, insufficient;
  ok.tcf_consent_string = "CPhJRpMPhJRpMABAMBFRACBoALAAAEJAAIYgAKwAQAKgArABAAqAAA";
  insufficient.tcf_consent_string = "CPehXK9PehXK9ABAMBFRACBoADAAAEJAAIYgAKwAQAKgArABAAqAAA";
  auto a = run(c.async_generate_token(in, ok));
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->status, token_status::success);
  auto b = run(c.async_generate_token(in, insufficient));
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->status, token_status::insufficient_user_consent);
  EXPECT_FALSE(b->identity);
  EXPECT_EQ(
      op->seen_json[0],
      R"({"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=","tcf_consent_string":"CPhJRpMPhJRpMABAMBFRACBoALAAAEJAAIYgAKwAQAKgArABAAqAAA"})");
}

TEST(Uid2Client, CryptoFailuresHaveTheirOwnCodes) {
  fixed_clock clock(now_ms);
  auto in = *identity_input::from_email("user@example.com");
  {  // a response sealed with another nonce
    tokenmint::testing::fake_transport fake;
    fake.on_request([](const http::request&, const request_options&) {
      auto key = make_key(secret_b64);
      return tokenmint::testing::fake_step{reply(
          200, *tokenmint::testing::seal_response(*key, now_ms, nonce_bytes{1, 2, 3, 4, 5, 6, 7, 8}, R"({"status":"optout"})"))};
    });
    uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
    auto r = run(c.async_generate_token(in));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::nonce_mismatch);
  }
  {  // a response sealed with another key (or altered)
    tokenmint::testing::fake_transport fake;
    auto op = std::make_shared<operator_side>();
    op->answer = [](const nlohmann::json&) { return std::string(R"({"status":"optout"})"); };
    fake.on_request([op](const http::request& r, const request_options& o) {
      auto step = (*op)(r, o);
      std::string& body = step.outcome->body;
      body[20] = body[20] == 'A' ? 'B' : 'A';
      return step;
    });
    uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
    auto r = run(c.async_generate_token(in));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::authentication_failed);
  }
  {  // not base64 at all
    tokenmint::testing::fake_transport fake;
    fake.respond(200, "<html>gateway</html>");
    uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
    auto r = run(c.async_generate_token(in));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_base64);
  }
}

TEST(Uid2Client, ServiceErrorsKeepTheServersWords) {
  fixed_clock clock(now_ms);
  auto in = *identity_input::from_email("user@example.com");
  tokenmint::testing::fake_transport fake;
  fake.respond(400, R"({"status":"client_error","message":"Invalid Identifier"})")
      .respond(401, R"({"status":"unauthorized"})")
      .respond(502, "Bad Gateway from the load balancer")
      .respond(429, R"({"status":"error","message":"Too many requests"})")
      .respond(204, "")
      .fail(error{errc::timeout, "deadline of 10000 ms passed while reading the response"});
  auto no_retry = options(clock);
  no_retry.call.retry = policy::retry_policy::none();  // the mapping of each answer; retries: services/loopback_test
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, no_retry);
  auto a = run(c.async_generate_token(in));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), errc::service_error);
  EXPECT_EQ(a.error().diag.http_status, 400);
  EXPECT_EQ(a.error().diag.service_status, "client_error");
  EXPECT_EQ(a.error().diag.service_message, "Invalid Identifier");
  EXPECT_EQ(a.error().message, "UID2 /v2/token/generate: HTTP 400 client_error: Invalid Identifier");
  auto b = run(c.async_generate_token(in));
  EXPECT_EQ(b.error(), errc::unauthorized);
  EXPECT_EQ(b.error().diag.service_status, "unauthorized");
  auto d = run(c.async_generate_token(in));
  EXPECT_EQ(d.error(), errc::service_error);
  EXPECT_EQ(d.error().diag.http_status, 502);
  EXPECT_EQ(d.error().diag.raw_body, "Bad Gateway from the load balancer");
  // 429 is rate_limited, as for every other service (it was a generic service_error).
  auto r = run(c.async_generate_token(in));
  EXPECT_EQ(r.error(), errc::rate_limited);
  EXPECT_EQ(r.error().diag.http_status, 429);
  EXPECT_EQ(r.error().diag.service_message, "Too many requests");
  // Any 2xx passes the attempt step (as for the other services); an empty one is then no envelope.
  auto n = run(c.async_generate_token(in));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error(), errc::envelope_too_short);  // 0 bytes after base64 decoding
  auto t = run(c.async_generate_token(in));
  EXPECT_EQ(t.error(), errc::timeout);

  // A 200 whose status is neither success nor optout is an error with the service's words.
  tokenmint::testing::fake_transport odd;
  auto op = std::make_shared<operator_side>();
  op->answer = [](const nlohmann::json&) {
    return std::string(R"({"status":"unknown","message":"No active encryption key available"})");
  };
  odd.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
  uid2::basic_client<tokenmint::testing::fake_transport> c2(odd, options(clock));
  auto u = run(c2.async_generate_token(in));
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error(), errc::service_error);
  EXPECT_EQ(u.error().diag.service_message, "No active encryption key available");
}

TEST(Uid2Client, RefreshSendsTheTokenByteExactAndOpensWithTheIdentitysKey) {
  fixed_clock clock(now_ms);
  const auto id = *identity::from_json(identity_body());
  tokenmint::testing::fake_transport fake;
  // Protocol 8.5: {"status":"optout"} sealed with this refresh_response_key.
  fake.respond(200, "Dw4NDAsKCQgHBgUEBmm+Fy/UBjEeqj85JYqeFtWF1hDcwOO/E1IGyU40eE/UpPE=");
  auto new_key = *make_key(std::string_view("P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU="), "k");
  const std::string renewed = identity_body(now_ms + 1000, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  fake.respond(200, *tokenmint::testing::seal_refresh_response(new_key, R"({"body":)" + renewed + R"(,"status":"success"})"));
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  auto optout = run(c.async_refresh_token(id));
  ASSERT_TRUE(optout) << optout.error().describe();
  EXPECT_EQ(optout->status, token_status::optout);
  auto ok = run(c.async_refresh_token(id));
  ASSERT_TRUE(ok) << ok.error().describe();
  ASSERT_TRUE(ok->identity);
  EXPECT_EQ(ok->identity->refresh_response_key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT_EQ(ok->identity->identity_expires, now_ms + 1000 + 3'600'000);
  const auto& req = fake.exchanges()[0].request;
  EXPECT_EQ(req.url, "https://operator.test/v2/token/refresh");
  EXPECT_EQ(req.body, std::string(388, 'R'));
  EXPECT_EQ(*req.headers.get("authorization"), "Bearer test-api-key");

  // Without an API key, no Authorization header.
  tokenmint::testing::fake_transport anon;
  anon.respond(200, "Dw4NDAsKCQgHBgUEBmm+Fy/UBjEeqj85JYqeFtWF1hDcwOO/E1IGyU40eE/UpPE=");
  auto o = options(clock);
  o.api_key = {};
  o.client_secret = {};
  uid2::basic_client<tokenmint::testing::fake_transport> no_key(anon, o);
  ASSERT_TRUE(run(no_key.async_refresh_token(id)));
  EXPECT_FALSE(anon.exchanges()[0].request.headers.contains("authorization"));
}

TEST(Uid2Client, PerCallOverridesChangeTimeoutAndRetriesForThatCallOnly) {
  fixed_clock clock(now_ms);
  auto in = *identity_input::from_email("user@example.com");
  tokenmint::testing::fake_transport fake;
  fake.respond(503, "").respond(503, "").respond(503, "");
  auto o = options(clock);
  o.call.retry = policy::retry_policy::none();
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto once = run(c.async_generate_token(in, {}, service::call_overrides{}.with_timeout(std::chrono::milliseconds(1234))));
  ASSERT_FALSE(once);
  ASSERT_EQ(fake.exchanges().size(), 1u);
  EXPECT_EQ(fake.exchanges()[0].options.timeout, std::chrono::milliseconds(1234));
  // Two attempts for this call only; the retry wait goes through a virtual sleeper.
  tokenmint::testing::virtual_sleeper sleeper(clock);
  o.call.sleep = &sleeper;
  uid2::basic_client<tokenmint::testing::fake_transport> c2(fake, o);
  policy::retry_policy twice;
  twice.max_attempts = 2;
  twice.random = [] { return 0.0; };
  auto retried = run(c2.async_generate_token(in, {}, service::call_overrides{}.with_retry(twice)));
  ASSERT_FALSE(retried);
  EXPECT_EQ(retried.error().diag.attempts, 2);
  EXPECT_EQ(fake.exchanges().size(), 3u);
  EXPECT_EQ(fake.exchanges()[1].options.timeout, std::chrono::milliseconds(30'000));  // the client's
}

TEST(Uid2Client, RefreshTakesATemporaryIdentityByValue) {
  // The lazily started coroutine must not keep a reference to the temporary identity: under ASan
  // (CI's clang build) a reference would be a stack-use-after-scope here.
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  fake.respond(200, "Dw4NDAsKCQgHBgUEBmm+Fy/UBjEeqj85JYqeFtWF1hDcwOO/E1IGyU40eE/UpPE=");  // optout, protocol 8.5
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  asio::io_context io;
  std::optional<result<token_response>> got;
  const std::string text = identity_body();
  asio::co_spawn(io, c.async_refresh_token(identity::from_json(text).value()),
                 [&](std::exception_ptr, result<token_response> r) { got = std::move(r); });
  // The temporary is gone; the coroutine starts only now.
  io.run();
  ASSERT_TRUE(got);
  ASSERT_TRUE(*got) << got->error().describe();
  EXPECT_EQ((*got)->status, token_status::optout);
  EXPECT_EQ(fake.exchanges()[0].request.body, std::string(388, 'R'));
}

TEST(Uid2Client, RefreshRefusesAnAlreadyExpiredIdentityAndReadsLegacyPlainAnswers) {
  fixed_clock clock(now_ms);
  const auto id = *identity::from_json(identity_body());
  auto key = *make_key(std::string_view("P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU="), "k");
  tokenmint::testing::fake_transport fake;
  fake.respond(200, *tokenmint::testing::seal_refresh_response(
                        key, R"({"body":)" + identity_body(now_ms - 90'000'000) + R"(,"status":"success"})"));
  fake.respond(400, R"({"status":"expired_token","message":"Expired Token presented"})");
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  auto expired = run(c.async_refresh_token(id));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error(), errc::invalid_response);
  auto refused = run(c.async_refresh_token(id));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().diag.service_status, "expired_token");

  identity legacy = id;
  legacy.refresh_response_key.clear();
  tokenmint::testing::fake_transport plain;
  plain.respond(200, R"({"status":"optout"})");
  uid2::basic_client<tokenmint::testing::fake_transport> c2(plain, options(clock));
  auto r = run(c2.async_refresh_token(legacy));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, token_status::optout);
}

TEST(Uid2Client, Validate) {
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  auto op = std::make_shared<operator_side>();
  op->answer = [](const nlohmann::json& req) {
    return std::string(req["token"] == "good" ? R"({"body":true,"status":"success"})" : R"({"body":false,"status":"success"})");
  };
  fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  auto in = *identity_input::from_email("validate@example.com");
  auto yes = run(c.async_validate_token("good", in));
  auto no = run(c.async_validate_token("other", in));
  ASSERT_TRUE(yes && no);
  EXPECT_TRUE(*yes);
  EXPECT_FALSE(*no);
  EXPECT_EQ(op->seen_json[0], R"({"token":"good","email_hash":"ntI244ZRTXwAwpki6/M5cyBYW7h/Wq576lnN3l9+W/c="})");
}

TEST(Uid2Client, IdentityMapAlignsResultsAndSplitsBatches) {
  fixed_clock clock(now_ms);
  tokenmint::testing::fake_transport fake;
  auto op = std::make_shared<operator_side>();
  // Maps each identifier to "uid-<value>", opts out "optout@example.com"'s hash.
  const std::string optout_hash = *hash_email("optout@example.com");
  op->answer = [optout_hash](const nlohmann::json& req) {
    nlohmann::json body = nlohmann::json::object();
    for (auto& [kind, values] : req.items()) {
      auto& out = body[kind] = nlohmann::json::array();
      for (const auto& v : values) {
        if (v == optout_hash) out.push_back({{"e", "optout"}});
        else out.push_back({{"u", "uid-" + v.get<std::string>()}, {"p", nullptr}, {"r", 1'700'000'000}});
      }
    }
    return nlohmann::json{{"body", body}, {"status", "success"}}.dump();
  };
  fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  std::vector<identity_input> inputs;
  inputs.push_back(*identity_input::from_phone("+12345678901"));
  inputs.push_back(*identity_input::from_email("optout@example.com"));
  inputs.push_back(*identity_input::from_email_unhashed("x@y.com"));
  for (int i = 0; i < 5000; ++i) inputs.push_back(*identity_input::from_email("user" + std::to_string(i) + "@example.com"));
  auto r = run(c.async_map_identities(inputs));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), inputs.size());
  EXPECT_EQ(fake.exchanges().size(), 2u) << "5,003 identifiers go in two batches";
  EXPECT_EQ((*r)[0].uid, "uid-" + inputs[0].value());
  EXPECT_EQ((*r)[0].refresh_from_s, 1'700'000'000);
  EXPECT_FALSE((*r)[0].previous_uid);
  EXPECT_FALSE((*r)[1].mapped());
  EXPECT_EQ((*r)[1].unmapped_reason, "optout");
  EXPECT_EQ((*r)[2].uid, "uid-x@y.com");
  EXPECT_EQ((*r)[5002].uid, "uid-" + inputs[5002].value());
  EXPECT_EQ(nlohmann::json::parse(op->seen_json[0]).size(), 3u) << "several identifier types in one call";
}

TEST(Uid2Client, IdentityMapReadsEveryFieldAndRejectsAnswersOfTheWrongShape) {
  fixed_clock clock(now_ms);
  const auto input = *identity_input::from_email("user@example.com");
  auto map_with = [&](std::string answer) {
    tokenmint::testing::fake_transport fake;
    auto op = std::make_shared<operator_side>();
    op->answer = [answer](const nlohmann::json&) { return answer; };
    fake.on_request([op](const http::request& r, const request_options& o) { return (*op)(r, o); });
    uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
    return run(c.async_map_identities({input}));
  };
  // Whitespace, members in another order, members the model does not know: all read.
  auto ok = map_with(R"( { "status" : "success", "extra": [1, {"x": null}],
                           "body": { "email_hash": [ {"r": 1700000000, "x": true, "p": "prev==", "u": "uid=="} ] } } )");
  ASSERT_TRUE(ok) << ok.error().describe();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].uid, "uid==");
  EXPECT_EQ((*ok)[0].previous_uid, std::optional<std::string>("prev=="));
  EXPECT_EQ((*ok)[0].refresh_from_s, 1'700'000'000);
  auto unmapped = map_with(R"({"body":{"email_hash":[{"e":"invalid identifier"}]},"status":"success"})");
  ASSERT_TRUE(unmapped);
  EXPECT_EQ((*unmapped)[0].unmapped_reason, "invalid identifier");

  const std::pair<const char*, const char*> wrong[] = {
      {R"({"body":{"email_hash":[{"u":"uid=="}]},"status":"success"})", "body.email_hash[0]: expected u and r, or e"},
      {R"({"body":{"email_hash":[{"r":1}]},"status":"success"})", "body.email_hash[0]: expected u and r, or e"},
      {R"({"body":{},"status":"success"})", "body.email_hash has fewer results than identifiers sent"},
      {R"({"body":{"email":[{"u":"a","r":1}]},"status":"success"})", "body.email_hash has fewer results"},
      {R"({"status":"success"})", "body.email_hash has fewer results"},
      {R"({"body":{"email_hash":[{"u":7,"r":1}]},"status":"success"})", "/v3/identity/map: body: "},
      {R"({"body":{"email_hash":[{"u":"a","r":1.5}]},"status":"success"})", "/v3/identity/map: body: "},
      {R"({"body":[],"status":"success"})", "/v3/identity/map: body: "},
      {R"({"body":{"email_hash":[{"u":"a","r":1}]}})", "answer without a status"},
      {R"({"body":{"email_hash":[{"u":"a","r":1}]},"status":"success")", "not JSON"},
  };
  for (const auto& [answer, why] : wrong) {
    auto r = map_with(answer);
    ASSERT_FALSE(r) << answer;
    EXPECT_EQ(r.error().code, make_error_code(errc::invalid_response)) << answer;
    EXPECT_NE(r.error().message.find(why), std::string::npos) << answer << " -> " << r.error().message;
  }
  auto refused = map_with(R"({"status":"client_error","message":"Invalid payload"})");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, make_error_code(errc::service_error));
  EXPECT_NE(refused.error().message.find("Invalid payload"), std::string::npos) << refused.error().message;
}

TEST(Identity, LifecycleUsesStrictComparisons) {
  const auto id = *identity::from_json(identity_body(0));
  // refresh_from = 900,000; identity_expires = 3,600,000; refresh_expires = 86,400,000.
  EXPECT_FALSE(id.is_due_for_refresh(900'000));
  EXPECT_TRUE(id.is_due_for_refresh(900'001));
  EXPECT_FALSE(id.has_expired(3'600'000));
  EXPECT_TRUE(id.has_expired(3'600'001));
  EXPECT_TRUE(id.is_refreshable(86'400'000));
  EXPECT_FALSE(id.is_refreshable(86'400'001));
  identity no_token = id;
  no_token.refresh_token.clear();
  EXPECT_FALSE(no_token.is_refreshable(0));
}

TEST(Identity, JsonRoundTripKeepsUnknownMembers) {
  const std::string text = identity_body(1000);
  auto id = identity::from_json(text);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(nlohmann::json::parse(id->to_json()), nlohmann::json::parse(text));
  EXPECT_EQ(*identity::from_json(id->to_json()), *id);
  auto missing = identity::from_json(R"({"advertising_token":"a","refresh_token":"r","identity_expires":1,"refresh_expires":2})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "identity: missing member refresh_from");
  auto wrong = identity::from_json(
      R"({"advertising_token":"a","refresh_token":"r","identity_expires":"1","refresh_expires":2,"refresh_from":3})");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("identity.identity_expires"), std::string::npos);
  EXPECT_FALSE(identity::from_json("[]"));
  EXPECT_FALSE(identity::from_json("{"));
}

TEST(Refresher, RetriesTransientFailuresAndStopsOnRejection) {
  fixed_clock clock(now_ms);
  const auto id = *identity::from_json(identity_body(now_ms - 1'000'000));  // due now
  auto key = *make_key(std::string_view("P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU="), "k");
  tokenmint::testing::fake_transport fake;
  fake.fail(error{errc::network, "connection reset"})
      .respond(503, "unavailable")
      .respond(200, *tokenmint::testing::seal_refresh_response(
                        key, R"({"body":)" + identity_body(now_ms, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=") +
                                 R"(,"status":"success"})"))
      .respond(400, R"({"status":"invalid_token","message":"Invalid Token presented"})");
  uid2::basic_client<tokenmint::testing::fake_transport> c(fake, options(clock));
  refresher_options ro;
  ro.jitter = std::chrono::milliseconds(0);
  ro.retry_after = std::chrono::milliseconds(1);
  std::vector<identity> seen;
  auto r = run(keep_fresh(
      c, id,
      [&](const identity& n) {
        seen.push_back(n);
        clock.set(n.refresh_from + 1);  // the new identity is due at once too
      },
      ro));
  EXPECT_EQ(fake.exchanges().size(), 4u);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].refresh_response_key, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT_EQ(r.reason, refresher_stop::rejected);
  ASSERT_TRUE(r.last_error);
  EXPECT_EQ(r.last_error->diag.service_status, "invalid_token");
}
