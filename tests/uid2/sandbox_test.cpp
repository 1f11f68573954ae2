// The sandbox operator over real loopback sockets: the UID2 and EUID clients end to end through
// https_transport, and the operator's own error messages (protocol section 5) on raw requests.
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/testing/sandbox.hpp>
#include <tokenmint/uid2/key_client.hpp>
#include <tokenmint/uid2/refresher.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>

using namespace tokenmint;
using namespace tokenmint::uid2;

namespace {

constexpr std::int64_t t0 = 1'800'000'000'000;
const std::string sufficient = "CPhJRpMPhJRpMABAMBFRACBoALAAAEJAAIYgAKwAQAKgArABAAqAAA";
const std::string insufficient = "CPehXK9PehXK9ABAMBFRACBoADAAAEJAAIYgAKwAQAKgArABAAqAAA";

/// A sandbox on an ephemeral port plus clients for both flavours, on one io_context.
struct fixture {
  asio::io_context io;
  fixed_clock clock{t0};
  tokenmint::testing::sandbox box{io.get_executor(), [this] {
                                    tokenmint::testing::sandbox_options o;
                                    o.clock = &clock;
                                    return o;
                                  }()};
  https_transport transport{io.get_executor()};

  fixture() {
    EXPECT_TRUE(box.status()) << box.status().error().message;
    box.start();
  }

  client_options options(bool euid = false) {
    client_options o;
    o.base_url = euid ? box.euid_base_url() : box.base_url();
    o.api_key = secret<std::string>(box.api_key());
    o.client_secret = secret<std::string>(box.client_secret());
    o.call.clock = &clock;
    return o;
  }

  /// Runs `a` to completion while the sandbox keeps serving.
  template <class T>
  T run(asio::awaitable<T> a) {
    return test::run_on(io, std::move(a));
  }

  static asio::awaitable<result<http::response>> send(https_transport t, http::request r) {
    co_return co_await t.async_send(std::move(r), request_options{});
  }

  /// A raw POST to the sandbox.
  http::response post(const std::string& path, std::string body, bool auth = true) {
    http::request r;
    r.method = http::verb::post;
    r.url = box.base_url() + path;
    r.body = std::move(body);
    if (auth) r.headers.add("Authorization", "Bearer " + box.api_key());
    auto res = run(send(transport, std::move(r)));
    EXPECT_TRUE(res) << res.error().describe();
    return res ? std::move(*res) : http::response{};
  }

  /// A sealed request with chosen parameters.
  std::string envelope(std::string_view json, std::int64_t ts) {
    auto key = make_key(box.client_secret());
    request_params p;
    p.timestamp_ms = ts;
    return *seal_request(*key, p, json);
  }
};

std::string message_of(const http::response& r) {
  auto doc = json::read<json::value>(r.body);
  if (!doc) return "(not JSON: " + r.body + ")";
  const auto* m = doc->find("message");
  return m && m->if_string() ? *m->if_string() : std::string();
}
std::string status_of(const http::response& r) {
  auto doc = json::read<json::value>(r.body);
  const auto* s = doc ? doc->find("status") : nullptr;
  return s && s->if_string() ? *s->if_string() : std::string();
}

}  // namespace

TEST(Sandbox, Uid2EndToEnd) {
  fixture f;
  uid2::basic_client<https_transport> c(f.transport, f.options());
  auto email = *identity_input::from_email("validate@example.com");
  auto gen = f.run(c.async_generate_token(email));
  ASSERT_TRUE(gen) << gen.error().describe();
  ASSERT_EQ(gen->status, token_status::success);
  const identity id = *gen->identity;
  EXPECT_EQ(id.refresh_token.size(), 388u);
  EXPECT_TRUE(id.refresh_token.starts_with("AAAA")) << "UID2 scope byte 0x00";
  EXPECT_TRUE(id.advertising_token.starts_with("A4"));
  EXPECT_EQ(id.identity_expires, t0 + 3'600'000);
  EXPECT_EQ(id.refresh_from, t0 + 900'000);
  EXPECT_EQ(id.refresh_expires, t0 + 86'400'000);

  EXPECT_TRUE(*f.run(c.async_validate_token(id.advertising_token, email)));
  EXPECT_TRUE(*f.run(c.async_validate_token(id.advertising_token, *identity_input::from_email_unhashed("Validate@Example.com"))));
  EXPECT_FALSE(*f.run(c.async_validate_token(id.advertising_token, *identity_input::from_email("other@example.com"))));
  auto forged = f.run(c.async_validate_token("A4" + std::string(100, 'x'), email));
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().diag.service_message, "Invalid token");

  f.clock.advance(std::chrono::minutes(20));
  auto ref = f.run(c.async_refresh_token(id));
  ASSERT_TRUE(ref) << ref.error().describe();
  ASSERT_EQ(ref->status, token_status::success);
  EXPECT_NE(ref->identity->refresh_token, id.refresh_token);
  EXPECT_NE(ref->identity->refresh_response_key, id.refresh_response_key);
  EXPECT_EQ(ref->identity->identity_expires, t0 + 20 * 60'000 + 3'600'000);
  auto again = f.run(c.async_refresh_token(*ref->identity));  // the new identity refreshes in turn
  ASSERT_TRUE(again) << again.error().describe();
  // Like the real operator (stateless: it keeps no record of used refresh tokens), the sandbox
  // still refreshes an earlier refresh token until its refresh_expires, sealing the answer with
  // that identity's own refresh_response_key; past it, the token is expired.
  auto old = f.run(c.async_refresh_token(id));
  ASSERT_TRUE(old) << old.error().describe();
  EXPECT_EQ(old->status, token_status::success);
  f.clock.advance(std::chrono::hours(24));
  auto expired = f.run(c.async_refresh_token(id));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().diag.service_status, "expired_token");

  auto phone = f.run(c.async_generate_token(*identity_input::from_phone("+12345678901")));
  ASSERT_TRUE(phone && phone->identity);
  EXPECT_TRUE(
      *f.run(c.async_validate_token(phone->identity->advertising_token, *identity_input::from_phone_unhashed("+12345678901"))));
}

TEST(Sandbox, TestIdentities) {
  fixture f;
  uid2::basic_client<https_transport> c(f.transport, f.options());
  const std::vector<std::pair<result<identity_input>, token_status>> cases = {
      {identity_input::from_email("optout@example.com"), token_status::optout},
      {identity_input::from_email_hash("DYsnJ8r5+cjRDHue98gIGDKvLIMuqAm/RRLODrjqK50="), token_status::optout},  // its hash
      {identity_input::from_phone("+00000000000"), token_status::optout},
      {identity_input::from_email("hopefully-not-opted-out@example.com"), token_status::success},
  };
  for (const auto& [in, expected] : cases) {
    ASSERT_TRUE(in);
    auto r = f.run(c.async_generate_token(*in));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->status, expected) << in->value();
  }
  for (auto in : {identity_input::from_email("refresh-optout@example.com"), identity_input::from_phone("+00000000002")}) {
    auto g = f.run(c.async_generate_token(*in));
    ASSERT_TRUE(g && g->status == token_status::success);
    auto r = f.run(c.async_refresh_token(*g->identity));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->status, token_status::optout);
  }
}

TEST(Sandbox, EuidConsentAndHosts) {
  fixture f;
  euid::basic_client<https_transport> c(f.transport, f.options(true));
  auto in = *identity_input::from_email("user@example.com");
  generate_options ok, not_enough, broken;
  ok.tcf_consent_string = sufficient;
  not_enough.tcf_consent_string = insufficient;
  broken.tcf_consent_string = "not-a-tc-string";
  auto a = f.run(c.async_generate_token(in, ok));
  ASSERT_TRUE(a) << a.error().describe();
  ASSERT_EQ(a->status, token_status::success);
  EXPECT_EQ(a->identity->refresh_token[0], 'E') << "EUID scope byte 0x10";
  auto b = f.run(c.async_generate_token(in, not_enough));
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->status, token_status::insufficient_user_consent);
  auto d = f.run(c.async_generate_token(in, broken));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().diag.http_status, 400);
  EXPECT_EQ(d.error().diag.service_message, "User consent is invalid");
  EXPECT_EQ(d.error().diag.service_status, "client_error");
  auto r = f.run(c.async_refresh_token(*a->identity));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, token_status::success);
  // An EUID refresh token is not a UID2 one.
  uid2::basic_client<https_transport> u(f.transport, f.options());
  auto cross = f.run(u.async_refresh_token(*a->identity));
  ASSERT_FALSE(cross);
  EXPECT_EQ(cross.error().diag.service_status, "client_error");
}

TEST(Sandbox, IdentityMap) {
  fixture f;
  uid2::basic_client<https_transport> c(f.transport, f.options());
  std::vector<identity_input> in = {*identity_input::from_email("a@example.com"), *identity_input::from_phone("+12345678901"),
                                    *identity_input::from_email("optout@example.com"),
                                    *identity_input::from_email_unhashed("A@Example.com")};
  auto r = f.run(c.async_map_identities(in));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_TRUE((*r)[0].mapped());
  EXPECT_EQ((*r)[0].uid.size(), 44u);
  EXPECT_EQ((*r)[0].uid, (*r)[3].uid) << "the same person through email and email_hash";
  EXPECT_NE((*r)[0].uid, (*r)[1].uid);
  EXPECT_EQ((*r)[2].unmapped_reason, "optout");
  EXPECT_EQ((*r)[1].refresh_from_s, (t0 / 1000 / (30 * 86400) + 1) * (30 * 86400));  // the next rotation boundary
  // The operator's answer for an identifier the client did not check.
  auto key = make_key(f.box.client_secret());
  auto params = *make_request_params(t0);
  auto res = f.post("/v3/identity/map", *seal_request(*key, params, R"({"email_hash":["bad"],"phone":["+1"]})"));
  ASSERT_EQ(res.status, 200);
  std::vector<std::uint8_t> scratch;
  auto opened = open_response(*key, res.body, params.nonce, scratch);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->json,
            R"({"body":{"email_hash":[{"e":"invalid identifier"}],"phone":[{"e":"invalid identifier"}]},"status":"success"})");
  // A payload that is not lists of strings takes the general route: the same answer, a non-string
  // item being invalid, and the operator's messages for what it refuses.
  auto answer = [&](const std::string& payload) {
    auto p = *make_request_params(t0);
    auto a = f.post("/v3/identity/map", *seal_request(*key, p, payload));
    if (a.status != 200) return std::to_string(a.status) + ' ' + a.body;
    std::vector<std::uint8_t> s;
    auto o = open_response(*key, a.body, p.nonce, s);
    return o ? std::string(o->json) : std::string("not opened");
  };
  EXPECT_EQ(answer(R"({"email_hash":["bad",7],"phone":[]})"),
            R"({"body":{"email_hash":[{"e":"invalid identifier"},{"e":"invalid identifier"}],"phone":[]},"status":"success"})");
  EXPECT_NE(answer(R"({"email":"a@example.com"})")
                .find("400 {\"status\":\"client_error\",\"message\":\"Invalid payload in body: email must be an array"),
            std::string::npos);
  EXPECT_NE(answer(R"({"policy":1})").find("Required Parameter Missing"), std::string::npos);
  std::string big = R"({"phone":[)";
  for (int i = 0; i < 5001; ++i) big += i ? ",7" : "7";
  EXPECT_NE(answer(big + "]}").find("Request too large"), std::string::npos);
}

TEST(Sandbox, CredentialsAreChecked) {
  fixture f;
  auto wrong_key = f.options();
  wrong_key.api_key = secret<std::string>(std::string("nope"));
  uid2::basic_client<https_transport> c(f.transport, wrong_key);
  auto in = *identity_input::from_email("user@example.com");
  auto r = f.run(c.async_generate_token(in));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::unauthorized);
  EXPECT_EQ(r.error().diag.http_status, 401);
  EXPECT_EQ(f.post("/v2/token/generate", "x", false).body, R"({"status":"unauthorized"})");

  auto wrong_secret = f.options();
  wrong_secret.client_secret = secret<std::string>(std::string("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo="));
  uid2::basic_client<https_transport> s(f.transport, wrong_secret);
  auto w = f.run(s.async_generate_token(in));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error(), errc::client_secret_rejected);
  EXPECT_EQ(w.error().diag.http_status, 400);
  EXPECT_TRUE(w.error().diag.service_message.starts_with(
      "Invalid body: Check encryption key (ClientSecret). See https://unifiedid.com/docs/"))
      << w.error().diag.service_message;
}

TEST(Sandbox, OperatorMessagesOfSection5) {
  fixture f;
  const std::string link = " See https://unifiedid.com/docs/getting-started/gs-encryption-decryption";
  struct row {
    std::string body;
    std::string message;  // prefix
  };
  std::string v2 = f.envelope(R"({"email":"a@b.com"})", t0);
  {
    std::vector<std::uint8_t> raw(200);
    auto d = base64::decode(v2, std::span<std::uint8_t>(raw));
    raw.resize(d.size);
    raw[0] = 2;
    v2 = base64::encode(std::span<const std::uint8_t>(raw));
  }
  const std::vector<row> rows = {
      {"", "Invalid body: Body is missing."},
      {"!!!not base64!!!", "Invalid body: Body is not valid base64." + link},
      {R"({"email":"a@b.com"})", "Invalid body: The request body is unencrypted JSON. It must be an encrypted request envelope."},
      {base64::encode(std::string_view("short envelope")), "Invalid body: Body too short. Check encryption method."},
      {v2, "Invalid body: Invalid request envelope format version: received 2, must be 1."},
      {f.envelope(R"({"email":"a@b.com"})", t0 - 120'000), "Invalid timestamp: Request too old or client time drift."},
      {f.envelope(R"({"email":"a@b.com"})", t0 + 120'000), "Invalid timestamp: Request too old or client time drift."},
      {f.envelope("not json", t0), "Invalid payload in body: Data is not valid json string."},
      {f.envelope("{}", t0),
       "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] must be specified"},
      {f.envelope(R"({"email":"a@b.com","phone":"+12345678901"})", t0),
       "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] must be specified"},
      {f.envelope(R"({"email":"not an email"})", t0), "Invalid Identifier"},
      {f.envelope(R"({"phone":"555-555-5555"})", t0), "Invalid Identifier"},
      {f.envelope(R"({"email_hash":"abc"})", t0), "Invalid Identifier"},
  };
  for (const auto& r : rows) {
    const auto res = f.post("/v2/token/generate", r.body);
    EXPECT_EQ(res.status, 400) << r.message;
    EXPECT_EQ(status_of(res), "client_error");
    EXPECT_TRUE(message_of(res).starts_with(r.message)) << "expected: " << r.message << "\n     got: " << message_of(res);
  }
  // Just inside the window (the operator truncates to whole minutes): accepted.
  EXPECT_EQ(f.post("/v2/token/generate", f.envelope(R"({"email":"a@b.com"})", t0 - 119'000)).status, 200);
  EXPECT_EQ(f.post("/v2/token/generate", f.envelope(R"({"email":"a@b.com"})", t0 + 119'000)).status, 200);
  // EUID's messages point to euid.eu.
  http::request r;
  r.method = http::verb::post;
  r.url = f.box.euid_base_url() + "/v2/token/generate";
  r.headers.add("Authorization", "Bearer " + f.box.api_key());
  r.body = "!!!";
  auto euid = f.run(fixture::send(f.transport, r));
  ASSERT_TRUE(euid);
  EXPECT_NE(message_of(*euid).find("See https://euid.eu/docs/"), std::string::npos) << message_of(*euid);
  EXPECT_EQ(f.post("/v2/token/nothing", "").status, 404);
}

TEST(Sandbox, RefreshRulesAndMessages) {
  fixture f;
  uid2::basic_client<https_transport> c(f.transport, f.options());
  auto g = f.run(c.async_generate_token(*identity_input::from_email("user@example.com")));
  ASSERT_TRUE(g && g->identity);
  const std::string token = g->identity->refresh_token;
  // Not 388 characters: the legacy path, which fails.
  auto short_auth = f.post("/v2/token/refresh", token.substr(1));
  EXPECT_EQ(status_of(short_auth), "invalid_token");
  EXPECT_EQ(message_of(short_auth), "Invalid Token presented");
  auto short_anon = f.post("/v2/token/refresh", token + "\n", false);
  EXPECT_EQ(status_of(short_anon), "error");
  EXPECT_EQ(message_of(short_anon), "Error refreshing token");
  EXPECT_EQ(message_of(f.post("/v2/token/refresh", std::string(388, '!'))), "Invalid body: Body is not valid base64.");
  std::string other_key = token;
  other_key.replace(0, 8, "AAAAAAIA");  // key id 2
  EXPECT_TRUE(message_of(f.post("/v2/token/refresh", other_key)).starts_with("Invalid key: Generator of this token (Key ID: "));
  std::string tampered = token;
  tampered[200] = tampered[200] == 'A' ? 'B' : 'A';
  EXPECT_EQ(message_of(f.post("/v2/token/refresh", tampered)), "Invalid data: Check encryption method and encryption key.");
  // Wrong API key on refresh: 401, like every authenticated call.
  http::request bad;
  bad.method = http::verb::post;
  bad.url = f.box.base_url() + "/v2/token/refresh";
  bad.headers.add("Authorization", "Bearer wrong");
  bad.body = token;
  EXPECT_EQ(f.run(fixture::send(f.transport, bad))->status, 401);
  // Past refresh_expires: expired_token for authenticated callers, "error" for anonymous ones.
  f.clock.advance(std::chrono::hours(25));
  auto expired = f.run(c.async_refresh_token(*g->identity));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().diag.service_status, "expired_token");
  EXPECT_EQ(expired.error().diag.service_message, "Expired Token presented");
  EXPECT_EQ(status_of(f.post("/v2/token/refresh", token, false)), "error");
}

TEST(Sandbox, LifetimesAreConfigurable) {
  asio::io_context io;
  fixed_clock clock(t0);
  tokenmint::testing::sandbox_options o;
  o.clock = &clock;
  o.identity_lifetime = std::chrono::seconds(60);
  o.refresh_after = std::chrono::seconds(30);
  o.refresh_lifetime = std::chrono::seconds(120);
  o.api_key = "k";
  o.client_secret = "ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=";
  tokenmint::testing::sandbox box(io.get_executor(), o);
  ASSERT_TRUE(box.status());
  EXPECT_EQ(box.client_secret(), o.client_secret);
  box.start();
  client_options co;
  co.base_url = box.base_url();
  co.api_key = secret<std::string>(std::string("k"));
  co.client_secret = secret<std::string>(o.client_secret);
  co.call.clock = &clock;
  uid2::basic_client<https_transport> c(https_transport(io.get_executor()), co);
  std::optional<result<token_response>> got;
  asio::co_spawn(io, c.async_generate_token(*identity_input::from_email("a@b.com")),
                 [&](std::exception_ptr, result<token_response> r) { got.emplace(std::move(r)); });
  while (!got) io.run_one();
  ASSERT_TRUE(*got) << got->error().describe();
  EXPECT_EQ((*got)->identity->identity_expires, t0 + 60'000);
  EXPECT_EQ((*got)->identity->refresh_from, t0 + 30'000);
  EXPECT_EQ((*got)->identity->refresh_expires, t0 + 120'000);

  tokenmint::testing::sandbox_options bad;
  bad.client_secret = "c2hvcnQ=";
  EXPECT_FALSE(tokenmint::testing::sandbox(io.get_executor(), bad).status());
}

TEST(Refresher, KeepsAnIdentityFreshUntilCancelled) {
  asio::io_context io;
  fixed_clock clock(t0);
  tokenmint::testing::sandbox_options so;
  so.clock = &clock;
  so.refresh_after = std::chrono::seconds(0);  // due at once: no real waiting in the test
  tokenmint::testing::sandbox box(io.get_executor(), so);
  box.start();
  client_options co;
  co.base_url = box.base_url();
  co.api_key = secret<std::string>(box.api_key());
  co.client_secret = secret<std::string>(box.client_secret());
  co.call.clock = &clock;
  uid2::basic_client<https_transport> c(https_transport(io.get_executor()), co);
  std::optional<result<token_response>> g;
  asio::co_spawn(io, c.async_generate_token(*identity_input::from_email("user@example.com")),
                 [&](std::exception_ptr, result<token_response> r) { g.emplace(std::move(r)); });
  while (!g) io.run_one();
  ASSERT_TRUE(*g && (*g)->identity);

  std::vector<identity> seen;
  asio::cancellation_signal stop;
  std::optional<refresher_result> end;
  refresher_options ro;
  ro.jitter = std::chrono::milliseconds(0);
  asio::co_spawn(io,
                 keep_fresh(
                     c, *(*g)->identity,
                     [&](const identity& id) {
                       seen.push_back(id);
                       clock.advance(std::chrono::seconds(1));
                       if (seen.size() == 3) stop.emit(asio::cancellation_type::terminal);
                     },
                     ro),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr e, refresher_result r) {
                   if (e) std::rethrow_exception(e);
                   end = r;
                 }));
  while (!end) io.run_one();
  EXPECT_EQ(end->reason, refresher_stop::cancelled);
  ASSERT_GE(seen.size(), 3u);
  EXPECT_NE(seen[0].refresh_token, (*g)->identity->refresh_token);
  EXPECT_NE(seen[1].refresh_token, seen[0].refresh_token) << "each refresh uses the previous new identity";

  // refresh-optout: the first refresh answers optout and the refresher stops there.
  g.reset();
  asio::co_spawn(io, c.async_generate_token(*identity_input::from_email("refresh-optout@example.com")),
                 [&](std::exception_ptr, result<token_response> r) { g.emplace(std::move(r)); });
  while (!g) io.run_one();
  end.reset();
  int calls = 0;
  asio::co_spawn(io,
                 keep_fresh(
                     c, *(*g)->identity, [&](const identity&) { ++calls; }, ro),
                 [&](std::exception_ptr, refresher_result r) { end = r; });
  while (!end) io.run_one();
  EXPECT_EQ(end->reason, refresher_stop::optout);
  EXPECT_EQ(calls, 0);

  // An identity past refresh_expires: stops without a request.
  identity old = *(*g)->identity;
  clock.advance(std::chrono::hours(48));
  end.reset();
  asio::co_spawn(io,
                 keep_fresh(
                     c, old, [&](const identity&) { ++calls; }, ro),
                 [&](std::exception_ptr, refresher_result r) { end = r; });
  while (!end) io.run_one();
  EXPECT_EQ(end->reason, refresher_stop::refresh_expired);
}

// Advertising tokens end to end: a publisher generates, a DSP and two sharers fetch the
// sandbox's keys over HTTP and decrypt or encrypt locally.
TEST(KeyClients, PublisherTokenDecryptsForADspAndSharersExchangeTokens) {
  fixture f;
  for (bool euid : {false, true}) {
    SCOPED_TRACE(euid ? "EUID" : "UID2");
    const auto email = *identity_input::from_email("dsp@example.com");
    const auto phone = *identity_input::from_phone("+12345678901");
    std::string uid_email, uid_phone, token_email, token_phone;
    if (euid) {
      euid::basic_client<https_transport> pub(f.transport, f.options(true));
      token_email = f.run(pub.async_generate_token(email))->identity->advertising_token;
      token_phone = f.run(pub.async_generate_token(phone))->identity->advertising_token;
      auto m = f.run(pub.async_map_identities({email, phone}));
      ASSERT_TRUE(m) << m.error().describe();
      uid_email = (*m)[0].uid, uid_phone = (*m)[1].uid;
    } else {
      uid2::basic_client<https_transport> pub(f.transport, f.options());
      token_email = f.run(pub.async_generate_token(email))->identity->advertising_token;
      token_phone = f.run(pub.async_generate_token(phone))->identity->advertising_token;
      auto m = f.run(pub.async_map_identities({email, phone}));
      ASSERT_TRUE(m) << m.error().describe();
      uid_email = (*m)[0].uid, uid_phone = (*m)[1].uid;
    }
    EXPECT_EQ(token_email.substr(0, 2), euid ? "E4" : "A4");
    EXPECT_EQ(token_phone.substr(0, 2), euid ? "F4" : "B4");

    auto check = [&](auto& dsp, auto& sharer, auto& other_sharer) {
      EXPECT_EQ(dsp.decrypt_token(token_email, "").status, decryption_status::not_initialized);
      auto ok = f.run(dsp.async_refresh_keys());
      ASSERT_TRUE(ok) << ok.error().describe();
      const auto r = dsp.decrypt_token(token_email, "");
      ASSERT_EQ(to_string(r.status), "success");
      EXPECT_EQ(r.uid(), uid_email);
      EXPECT_EQ(r.type, identity_type::email);
      EXPECT_EQ(r.version, 4);
      EXPECT_EQ(r.site_id, 999);
      EXPECT_EQ(r.expires_ms, t0 + 3'600'000);
      EXPECT_EQ(r.established_ms, t0);
      const auto rp = dsp.decrypt_token(token_phone, "");
      EXPECT_EQ(rp.uid(), uid_phone);
      EXPECT_EQ(rp.type, identity_type::phone);
      // The sharer's keys: encrypt the raw UID2; the other sharer decrypts it.
      ASSERT_TRUE(f.run(sharer.async_refresh_keys()));
      ASSERT_TRUE(f.run(other_sharer.async_refresh_keys()));
      const auto e = sharer.encrypt_raw_uid(uid_phone);
      ASSERT_EQ(to_string(e.status), "success");
      EXPECT_EQ(e.token().substr(0, 2), euid ? "F4" : "B4");  // the identity type read from the raw UID2
      const auto back = other_sharer.decrypt_token(e.token());
      ASSERT_EQ(to_string(back.status), "success");
      EXPECT_EQ(back.uid(), uid_phone);
      EXPECT_EQ(back.expires_ms, t0 + 30ll * 86'400'000);
      // A DSP's keys carry a 1-hour max lifetime: a 30-day sharing token is not a bid token.
      EXPECT_EQ(dsp.decrypt_token(e.token(), "").status, decryption_status::invalid_token_lifetime);
    };
    if (euid) {
      euid::basic_bidstream_client<https_transport> dsp(f.transport, f.options(true));
      euid::basic_sharing_client<https_transport> a(f.transport, f.options(true)), b(f.transport, f.options(true));
      check(dsp, a, b);
    } else {
      uid2::basic_bidstream_client<https_transport> dsp(f.transport, f.options());
      uid2::basic_sharing_client<https_transport> a(f.transport, f.options()), b(f.transport, f.options());
      check(dsp, a, b);
    }
  }
}

TEST(KeyClients, FailedRefreshKeepsTheLastGoodKeys) {
  fixture f;
  uid2::basic_client<https_transport> pub(f.transport, f.options());
  const auto token =
      f.run(pub.async_generate_token(*identity_input::from_email("keep@example.com")))->identity->advertising_token;
  auto o = f.options();
  uid2::basic_bidstream_client<https_transport> dsp(f.transport, o);
  ASSERT_TRUE(f.run(dsp.async_refresh_keys()));
  ASSERT_TRUE(dsp.decrypt_token(token, "").ok());
  // Wrong API key: unauthorized, and the keys stay.
  o.api_key = secret_string(std::string("wrong"));
  uid2::basic_bidstream_client<https_transport> wrong(f.transport, o);
  auto bad = f.run(wrong.async_refresh_keys());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::unauthorized);
  EXPECT_EQ(wrong.decrypt_token(token, "").status, decryption_status::not_initialized);
  // A key answer that does not parse: rejected whole, the previous keys kept.
  auto parsed = dsp.refresh_keys_from_json(R"({"status":"success","body":{"keys":[{"id":1,"secret":"AA=="}]}})");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("body.keys[0]"), std::string::npos) << parsed.error().message;
  EXPECT_TRUE(dsp.decrypt_token(token, "").ok());
  // The sandbox's EUID keys are not UID2 keys.
  const auto& euid_keys = f.box.op().keys(flavour::euid);
  decryption_result r;
  decrypt_token(&euid_keys, token, {}, t0, r);
  EXPECT_EQ(r.status, decryption_status::invalid_identity_scope);
  // Legacy /v2/key/latest parses too (a list of keys with their sites).
  auto latest = f.run(pub.async_get_keys(key_endpoint::latest));
  ASSERT_TRUE(latest) << latest.error().describe();
  auto kc = key_container::parse(latest->reveal());
  ASSERT_TRUE(kc) << kc.error().message;
  EXPECT_EQ((*kc)->find(2)->site_id, 999);
  decrypt_token(kc->get(), token, {}, t0, r);
  EXPECT_EQ(r.site_key_site_id, 999);
}

TEST(KeyClients, KeepKeysFreshRefreshesUntilCancelled) {
  fixture f;
  uid2::basic_sharing_client<https_transport> c(f.transport, f.options());
  asio::cancellation_signal stop;
  int refreshes = 0;
  bool finished = false;
  key_refresh_options o;
  o.interval = std::chrono::milliseconds(5);
  o.jitter = std::chrono::milliseconds(2);
  auto on_refresh = [&](const result<void>& r) {
    EXPECT_TRUE(r) << r.error().describe();
    if (++refreshes == 3) stop.emit(asio::cancellation_type::terminal);
  };
  asio::co_spawn(f.io, keep_keys_fresh(c, o, on_refresh),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { finished = true; }));
  while (!finished) f.io.run_one();
  EXPECT_EQ(refreshes, 3);
  EXPECT_TRUE(c.keys().initialized());
}
