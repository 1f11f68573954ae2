// Client-side token generation: the request sealed byte for byte as an independent
// implementation seals it (tests/data/uid2_cstg_requests.json, from python3-cryptography), the
// operator side (testing/uid2_client_side.hpp) opening those bytes and refusing tampered ones with
// the operator's messages, and the client against the sandbox over sockets: refresh, the DSP's
// domain and app check, EUID, and every refusal typed.
#include <tokenmint/codec/hex.hpp>
#include <tokenmint/testing/fake_transport.hpp>
#include <tokenmint/testing/sandbox.hpp>
#include <tokenmint/testing/uid2_client_side.hpp>
#include <tokenmint/uid2/blocking.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/client_side_client.hpp>
#include <tokenmint/uid2/key_client.hpp>

#include "../common/run.hpp"
#include "../common/sandbox_thread.hpp"
#include "../common/test_data.hpp"

#include <gtest/gtest.h>

using namespace tokenmint;
using namespace tokenmint::uid2;
namespace tm_testing = tokenmint::testing;

namespace {

const nlohmann::json& vectors() {
  static const nlohmann::json v = test::load_json("uid2_cstg_requests.json");
  return v;
}
const nlohmann::json& fixture_keys() {
  static const nlohmann::json v = test::load_json("uid2_tokens.json")["cstg_ecdh"];
  return v;
}

identity_input input_of(const nlohmann::json& c) {
  return c["kind"] == "email" ? *identity_input::from_email(c["input"].get<std::string>())
                              : *identity_input::from_phone(c["input"].get<std::string>());
}

std::optional<std::string_view> app_of(const nlohmann::json& c) {
  if (c["app_name"].is_null()) return std::nullopt;
  return c["app_name"].get_ref<const std::string&>();
}

crypto::p256_private_key fixture_client_key() {
  return crypto::p256_private_key::from_pkcs8_base64(fixture_keys()["client_private_key_pkcs8_b64"].get<std::string>()).value();
}
crypto::p256_public_key fixture_server_key() {
  return parse_server_public_key(fixture_keys()["server_public_key"].get<std::string>(), flavour::uid2).value();
}
crypto::p256_private_key fixture_server_private() {
  return crypto::p256_private_key::from_pkcs8_base64(fixture_keys()["server_private_key"].get<std::string>().substr(9)).value();
}

const std::vector<std::string> domains = {"example.com"};
const std::vector<std::string> apps = {"com.example.app"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sans-io: sealing and opening against bytes another implementation made.

TEST(ClientSideRequest, AadAsTheProtocolGivesIt) {
  for (const auto& ex : fixture_keys()["aad_examples"]) {
    std::optional<std::string_view> app;
    if (!ex["app_name"].is_null()) app = ex["app_name"].get_ref<const std::string&>();
    EXPECT_EQ(client_side_aad(ex["timestamp_ms"].get<std::int64_t>(), app), ex["aad"].get<std::string>());
  }
  EXPECT_EQ(client_side_aad(1, std::string_view("quote\"and\\slash")), "[1,\"quote\\\"and\\\\slash\"]");
}

TEST(ClientSideRequest, SealsByteForByteAsAnIndependentImplementation) {
  const auto client_key = fixture_client_key();
  const auto server_key = fixture_server_key();
  for (const auto& c : vectors()["requests"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    client_side_request_params p;
    p.client_key = &client_key;
    p.timestamp_ms = c["timestamp_ms"].get<std::int64_t>();
    p.iv = test::from_hex_array<12>(c["iv_hex"].get<std::string>());
    auto sealed =
        seal_client_side_request(server_key, input_of(c), fixture_keys()["subscription_id"].get<std::string>(), app_of(c), p);
    ASSERT_TRUE(sealed) << sealed.error().message;
    EXPECT_EQ(sealed->body, c["body"].get<std::string>());
  }
}

TEST(ClientSideRequest, OpensAnswersAnIndependentImplementationSealed) {
  const auto client_key = fixture_client_key();
  const auto server_key = fixture_server_key();
  client_side_request_params p;
  p.client_key = &client_key;
  auto sealed = seal_client_side_request(server_key, *identity_input::from_email("a@example.com"), "4WvryDGbR5", {}, p);
  ASSERT_TRUE(sealed);
  for (const auto& a : vectors()["answers"]) {
    std::vector<std::uint8_t> buffer;
    auto text = open_client_side_response(sealed->key, a["body"].get<std::string>(), buffer);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, a["plaintext"].get<std::string>());
  }
  // A flipped byte anywhere (IV, ciphertext, tag) is refused, and so is garbage.
  const std::string good = vectors()["answers"][1]["body"];
  std::vector<std::uint8_t> raw(base64::max_decoded_size(good.size()));
  raw.resize(base64::decode(good, std::span<std::uint8_t>(raw)).size);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    auto bad = raw;
    bad[i] ^= 0x80;
    std::vector<std::uint8_t> buffer;
    auto r = open_client_side_response(sealed->key, base64::encode(std::span<const std::uint8_t>(bad)), buffer);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().code, errc::authentication_failed) << i;
  }
  std::vector<std::uint8_t> buffer;
  EXPECT_FALSE(open_client_side_response(sealed->key, "not base64 at all", buffer));
  EXPECT_FALSE(open_client_side_response(sealed->key, "", buffer));
}

TEST(ClientSideRequest, BadParametersAreNamed) {
  const auto client_key = fixture_client_key();
  const auto server_key = fixture_server_key();
  const auto email = *identity_input::from_email("a@example.com");
  client_side_request_params p;
  auto r = seal_client_side_request(server_key, email, "sub", {}, p);
  EXPECT_EQ(r.error().message, "client_key: not set");
  p.client_key = &client_key;
  EXPECT_EQ(seal_client_side_request(server_key, email, "", {}, p).error().code, errc::invalid_argument);
  EXPECT_EQ(seal_client_side_request(server_key, email, "a b", {}, p).error().code, errc::invalid_argument);
  EXPECT_EQ(seal_client_side_request(server_key, email, "sub", std::string_view(), p).error().message, "app_name: empty");
}

TEST(ServerPublicKey, PortalFormOnly) {
  const std::string good = fixture_keys()["server_public_key"];  // UID2-X-L-...
  const std::string b64 = good.substr(9);
  EXPECT_TRUE(parse_server_public_key(good, flavour::uid2));
  EXPECT_TRUE(parse_server_public_key("EUID-X-P-" + b64, flavour::euid));
  auto fails = [](std::string_view text, flavour f, std::string_view message) {
    auto r = parse_server_public_key(text, f);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, errc::invalid_key);
    EXPECT_EQ(r.error().message, message);
  };
  fails("", flavour::uid2, "server_public_key: empty");
  fails("EUID-X-P-" + b64, flavour::uid2, "server_public_key: a EUID key given to a UID2 client");
  fails(good, flavour::euid, "server_public_key: a UID2 key given to a EUID client");
  fails("UID2-Y-L-" + b64, flavour::uid2,
        "server_public_key: this is a private key (UID2-Y-...); the client takes the public key (UID2-X-...)");
  fails(b64, flavour::uid2, "server_public_key: expected UID2-X-<environment letter>-<base64>, as the portal gives it");
  fails("UID2-X-LL" + b64, flavour::uid2,
        "server_public_key: expected UID2-X-<environment letter>-<base64>, as the portal gives it");
  fails("UID2-X-L-" + b64.substr(0, 41), flavour::uid2, "server_public_key: P-256 public key: not base64");
  fails("UID2-X-L-" + b64.substr(0, 40), flavour::uid2, "server_public_key: P-256 public key: not valid DER");
  fails("UID2-X-L-" + fixture_keys()["client_private_key_pkcs8_b64"].get<std::string>(), flavour::uid2,
        "server_public_key: P-256 public key: not valid DER");
}

// ---------------------------------------------------------------------------------------------
// The operator side, on requests it did not seal itself.

namespace {
struct operator_fixture {
  crypto::p256_private_key server = fixture_server_private();
  tm_testing::client_side_site site{&server, "4WvryDGbR5", &domains, &apps};

  std::variant<tm_testing::opened_client_side_request, tm_testing::client_side_refusal> open(
      const std::string& body, std::optional<std::string_view> origin = "https://example.com") {
    return tm_testing::open_client_side_request(site, body, origin);
  }
  std::string refusal(const std::string& body, std::optional<std::string_view> origin = "https://example.com") {
    auto r = open(body, origin);
    if (auto* no = std::get_if<tm_testing::client_side_refusal>(&r))
      return std::to_string(no->http_status) + ' ' + no->status + ": " + no->message;
    return "opened";
  }
};
nlohmann::json body_of(std::size_t i) { return nlohmann::json::parse(vectors()["requests"][i]["body"].get<std::string>()); }
}  // namespace

TEST(ClientSideOperator, OpensIndependentlySealedRequests) {
  operator_fixture op;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& c = vectors()["requests"][i];
    auto r = op.open(c["body"].get<std::string>());
    auto* opened = std::get_if<tm_testing::opened_client_side_request>(&r);
    ASSERT_NE(opened, nullptr) << op.refusal(c["body"].get<std::string>());
    const auto payload = nlohmann::json::parse(c["payload_plaintext"].get<std::string>());
    EXPECT_EQ(opened->kind, payload.begin().key());
    EXPECT_EQ(opened->hash, payload.begin().value().get<std::string>());
  }
}

TEST(ClientSideOperator, RefusesAsTheOperatorDoes) {
  operator_fixture op;
  const auto web = body_of(0), app = body_of(1);
  EXPECT_EQ(op.refusal(web.dump(), "https://Example.COM"), "opened");  // hosts compare case-insensitively
  EXPECT_EQ(op.refusal(web.dump(), "https://example.com:8443"), "opened");
  EXPECT_EQ(op.refusal(web.dump(), "https://evil.example"), "403 invalid_http_origin: unexpected http origin");
  EXPECT_EQ(op.refusal(web.dump(), "https://sub.example.com"), "403 invalid_http_origin: unexpected http origin");
  EXPECT_EQ(op.refusal(web.dump(), std::nullopt), "403 invalid_http_origin: unexpected http origin");
  EXPECT_EQ(op.refusal(app.dump(), std::nullopt), "opened");  // an app sends no Origin
  auto other_app = app;
  other_app["app_name"] = "com.other.app";
  EXPECT_EQ(op.refusal(other_app.dump()), "403 invalid_app_name: unexpected app name");
  auto upper_app = app;
  upper_app["app_name"] = "COM.EXAMPLE.APP";  // allowed, but the AAD no longer matches what was sealed
  EXPECT_EQ(op.refusal(upper_app.dump()), "400 client_error: payload decryption failed");

  EXPECT_EQ(op.refusal(""), "400 client_error: json payload expected but not found");
  EXPECT_EQ(op.refusal("{"), "400 client_error: json payload is not valid");
  auto b = web;
  b["subscription_id"] = "nope";
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: bad subscription_id");
  for (const char* member : {"payload", "iv", "public_key"}) {
    b = web;
    b.erase(member);
    EXPECT_EQ(op.refusal(b.dump()), "400 client_error: required parameters: payload, iv, public_key") << member;
  }
  b = web;
  b["public_key"] = fixture_keys()["client_private_key_pkcs8_b64"];
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: bad public key");
  b = web;
  b["iv"] = "AAECAwQFBgcICQ==";  // 10 bytes
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: bad iv");
  // Tampering: another IV, a timestamp that is not the one bound into the AAD, a flipped payload byte.
  b = web;
  b["iv"] = "AQECAwQFBgcICQoL";
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: payload decryption failed");
  b = web;
  b["timestamp"] = web["timestamp"].get<std::int64_t>() + 1;
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: payload decryption failed");
  b = web;
  std::string payload = web["payload"];
  payload[5] = payload[5] == 'A' ? 'B' : 'A';
  b["payload"] = payload;
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: payload decryption failed");
  b = app;
  b.erase("app_name");  // the AAD had the app name: without it the payload does not open
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: payload decryption failed");
  // Another client key than the one that sealed: the shared secret differs.
  b = web;
  b["public_key"] = fixture_server_private().public_key_base64();
  EXPECT_EQ(op.refusal(b.dump()), "400 client_error: payload decryption failed");
}

TEST(ClientSideOperator, PayloadMustNameExactlyOneIdentity) {
  operator_fixture op;
  const auto client_key = fixture_client_key();
  const auto server_key = fixture_server_key();
  auto secret = client_key.derive(server_key).value();
  auto key = crypto::aes256_gcm::create(secret.reveal()).value();
  auto sealed_with = [&](const std::string& plain) {
    const crypto::gcm_iv iv{7};
    std::vector<std::uint8_t> out(plain.size() + 16);
    crypto::gcm_tag tag{};
    EXPECT_EQ(key.seal(iv, as_bytes("[5]"), {as_bytes(plain)}, out.data(), tag), errc{});
    std::copy(tag.begin(), tag.end(), out.end() - 16);
    nlohmann::json b{{"payload", base64::encode(std::span<const std::uint8_t>(out))},
                     {"iv", base64::encode(std::span<const std::uint8_t>(iv))},
                     {"public_key", client_key.public_key_base64()},
                     {"timestamp", 5},
                     {"subscription_id", "4WvryDGbR5"}};
    return b.dump();
  };
  EXPECT_EQ(op.refusal(sealed_with("not json")), "400 client_error: encrypted payload contains invalid json");
  EXPECT_EQ(op.refusal(sealed_with("{}")), "400 client_error: please provide exactly one of: email_hash, phone_hash");
  EXPECT_EQ(op.refusal(sealed_with(R"({"email_hash":"a","phone_hash":"b"})")),
            "400 client_error: please provide exactly one of: email_hash, phone_hash");
  EXPECT_EQ(op.refusal(sealed_with(R"({"phone_hash":"b"})")), "opened");
}

// ---------------------------------------------------------------------------------------------
// The client: checks before any request, then against the sandbox over sockets.

TEST(ClientSideClient, BadOptionsFailBeforeAnyRequest) {
  tm_testing::fake_transport fake;
  client_side_options base;
  base.base_url = "https://operator.test";
  base.subscription_id = "4WvryDGbR5";
  base.server_public_key = fixture_keys()["server_public_key"];
  base.origin = "https://example.com";
  const auto email = *identity_input::from_email("a@example.com");
  auto error_of = [&](client_side_options o) {
    basic_client_side_client<tm_testing::fake_transport> c(fake, std::move(o));
    auto r = test::run(c.async_generate_token(email));
    return r ? std::string("ok") : std::string(r.error().message);
  };
  auto o = base;
  o.server_public_key = "EUID-X-L-" + o.server_public_key.substr(9);
  EXPECT_EQ(error_of(o), "server_public_key: a EUID key given to a UID2 client");
  o = base;
  o.subscription_id.clear();
  EXPECT_EQ(error_of(o), "subscription_id: empty, or holds spaces or control characters");
  o = base;
  o.app_name = "com.example.app";
  EXPECT_EQ(error_of(o), "origin, app_name: give exactly one (origin for a web page, app_name for an app)");
  o.origin.reset();
  o.app_name.reset();
  EXPECT_EQ(error_of(o), "origin, app_name: give exactly one (origin for a web page, app_name for an app)");
  for (const char* bad : {"https://example.com/", "https://example.com/page", "example.com", "https://exa mple.com",
                          "https://example.com\r\nX-Injected: 1"}) {
    o = base;
    o.origin = bad;
    EXPECT_TRUE(error_of(o).starts_with("origin: \"" + std::string(bad) + "\" is not")) << bad << ": " << error_of(o);
  }
  o = base;
  o.origin.reset();
  o.app_name = "com.example app";
  EXPECT_EQ(error_of(o), "app_name: empty, or holds spaces or control characters");
  o = base;
  o.base_url.clear();
  EXPECT_EQ(error_of(o), "base_url: not set");
  EXPECT_TRUE(fake.exchanges().empty());
}

namespace {
constexpr std::int64_t t0 = 1'800'000'000'000;

struct sandbox_fixture {
  asio::io_context io;
  fixed_clock clock{t0};
  tm_testing::sandbox box{io.get_executor(), [this] {
                            tm_testing::sandbox_options o;
                            o.clock = &clock;
                            return o;
                          }()};
  https_transport transport{io.get_executor()};

  sandbox_fixture() {
    EXPECT_TRUE(box.status()) << box.status().error().message;
    box.start();
  }
  template <class T>
  T run(asio::awaitable<T> a) {
    return test::run_on(io, std::move(a));
  }
  client_side_options web(flavour f = flavour::uid2) {
    client_side_options o;
    o.base_url = f == flavour::euid ? box.euid_base_url() : box.base_url();
    o.subscription_id = box.cstg_subscription_id();
    o.server_public_key = box.cstg_public_key(f);
    o.origin = "https://example.com";
    o.call.clock = &clock;
    return o;
  }
  client_side_options app() {
    auto o = web();
    o.origin.reset();
    o.app_name = "com.example.app";
    return o;
  }
  client_options publisher(flavour f = flavour::uid2) {
    client_options o;
    o.base_url = f == flavour::euid ? box.euid_base_url() : box.base_url();
    o.api_key = secret<std::string>(box.api_key());
    o.client_secret = secret<std::string>(box.client_secret());
    o.call.clock = &clock;
    return o;
  }
};
}  // namespace

TEST(ClientSideClient, SandboxTokensRefreshAndPassTheDspDomainCheck) {
  sandbox_fixture f;
  // The sandbox's defaults are the operator's published fixture values.
  EXPECT_EQ(f.box.cstg_public_key(), fixture_keys()["server_public_key"].get<std::string>());
  EXPECT_EQ(f.box.cstg_subscription_id(), fixture_keys()["subscription_id"].get<std::string>());

  basic_client_side_client<https_transport> web(f.transport, f.web());
  const auto email = *identity_input::from_email("cstg@example.com");
  auto gen = f.run(web.async_generate_token(email));
  ASSERT_TRUE(gen) << gen.error().describe();
  ASSERT_EQ(gen->status, token_status::success);
  const identity id = *gen->identity;
  EXPECT_EQ(id.identity_expires, t0 + 3'600'000);
  EXPECT_EQ(id.refresh_token.size(), 388u);

  // A publisher with the API key maps the same identity to the UID2 the token carries.
  basic_client<https_transport> pub(f.transport, f.publisher());
  auto mapped = f.run(pub.async_map_identities({email}));
  ASSERT_TRUE(mapped) << mapped.error().describe();

  basic_bidstream_client<https_transport> dsp(f.transport, f.publisher());
  ASSERT_TRUE(f.run(dsp.async_refresh_keys()));
  auto seen_on = [&](const std::string& token, std::string_view where) { return dsp.decrypt_token(token, where, t0); };
  const auto ok = seen_on(id.advertising_token, "example.com");
  ASSERT_EQ(to_string(ok.status), "success");
  EXPECT_TRUE(ok.client_side_generated);
  EXPECT_EQ(ok.uid(), (*mapped)[0].uid);
  EXPECT_EQ(ok.site_id, 999);
  EXPECT_EQ(to_string(seen_on(id.advertising_token, "EXAMPLE.com").status), "success");
  EXPECT_EQ(to_string(seen_on(id.advertising_token, "com.example.app").status), "success");
  EXPECT_EQ(seen_on(id.advertising_token, "other.com").status, decryption_status::domain_or_app_name_check_failed);
  EXPECT_EQ(seen_on(id.advertising_token, "").status, decryption_status::domain_or_app_name_check_failed);
  // A publisher's server-side token is not client-side generated: no domain check.
  auto server_side = f.run(pub.async_generate_token(email));
  ASSERT_TRUE(server_side && server_side->identity);
  EXPECT_EQ(to_string(seen_on(server_side->identity->advertising_token, "other.com").status), "success");

  // The identity refreshes through the publisher client's refresh, with no credentials at all;
  // the refreshed token is still client-side generated.
  client_options no_credentials;
  no_credentials.base_url = f.box.base_url();
  no_credentials.call.clock = &f.clock;
  basic_client<https_transport> refresher(f.transport, no_credentials);
  f.clock.advance(std::chrono::minutes(20));
  auto ref = f.run(refresher.async_refresh_token(id));
  ASSERT_TRUE(ref) << ref.error().describe();
  ASSERT_EQ(ref->status, token_status::success);
  const auto refreshed = dsp.decrypt_token(ref->identity->advertising_token, "other.com", t0 + 20 * 60'000);
  EXPECT_EQ(refreshed.status, decryption_status::domain_or_app_name_check_failed);
  EXPECT_TRUE(refreshed.client_side_generated);

  // An app: its token decrypts where it is seen as the app.
  basic_client_side_client<https_transport> app(f.transport, f.app());
  auto phone = f.run(app.async_generate_token(*identity_input::from_phone("+12345678901")));
  ASSERT_TRUE(phone && phone->identity) << (phone ? "" : phone.error().describe());
  const auto p = seen_on(phone->identity->advertising_token, "com.example.app");
  ASSERT_EQ(to_string(p.status), "success");
  EXPECT_EQ(p.type, identity_type::phone);

  // Opt-out is an outcome.
  auto out = f.run(web.async_generate_token(*identity_input::from_email("optout@example.com")));
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(out->status, token_status::optout);
  EXPECT_FALSE(out->identity);
}

TEST(ClientSideClient, EuidFlavour) {
  sandbox_fixture f;
  euid::basic_client_side_client<https_transport> c(f.transport, f.web(flavour::euid));
  auto gen = f.run(c.async_generate_token(*identity_input::from_email("cstg@example.com")));
  ASSERT_TRUE(gen && gen->identity) << (gen ? "" : gen.error().describe());
  EXPECT_EQ(gen->identity->advertising_token.substr(0, 2), "E4");
  euid::basic_bidstream_client<https_transport> dsp(f.transport, f.publisher(flavour::euid));
  ASSERT_TRUE(f.run(dsp.async_refresh_keys()));
  EXPECT_EQ(to_string(dsp.decrypt_token(gen->identity->advertising_token, "example.com", t0).status), "success");
}

TEST(ClientSideClient, RefusalsAreTypedAndNamed) {
  sandbox_fixture f;
  const auto email = *identity_input::from_email("cstg@example.com");
  auto error_of = [&](client_side_options o) {
    basic_client_side_client<https_transport> c(f.transport, std::move(o));
    auto r = f.run(c.async_generate_token(email));
    EXPECT_FALSE(r);
    return r ? tokenmint::error{} : r.error();
  };
  auto o = f.web();
  o.origin = "https://evil.example";
  auto e = error_of(o);
  EXPECT_EQ(e.code, errc::invalid_http_origin);
  EXPECT_EQ(e.diag.http_status, 403);
  EXPECT_EQ(e.message,
            "origin https://evil.example is not allowed for subscription 4WvryDGbR5 (UID2 /v2/token/client-generate: HTTP 403 "
            "invalid_http_origin: unexpected http origin)");
  o = f.app();
  o.app_name = "com.evil.app";
  e = error_of(o);
  EXPECT_EQ(e.code, errc::invalid_app_name);
  EXPECT_TRUE(e.message.starts_with("app name com.evil.app is not allowed for subscription 4WvryDGbR5")) << e.message;
  o = f.web();
  o.subscription_id = "unknown";
  e = error_of(o);
  EXPECT_EQ(e.code, errc::service_error);
  EXPECT_EQ(e.diag.service_message, "bad subscription_id");
  // A well-formed key that is not the subscription's: the operator cannot open the payload.
  o = f.web();
  o.server_public_key = "UID2-X-L-" + fixture_client_key().public_key_base64();
  e = error_of(o);
  EXPECT_EQ(e.code, errc::service_error);
  EXPECT_EQ(e.diag.service_message, "payload decryption failed");
}

TEST(ClientSideClient, AnswerUnderAnotherKeyIsRefused) {
  // An answer that does not open under the request's key (a proxy's, a replay) is an
  // authentication failure, and an answer that is not base64 an invalid response.
  tm_testing::fake_transport fake;
  client_side_options o;
  o.base_url = "https://operator.test";
  o.subscription_id = "4WvryDGbR5";
  o.server_public_key = fixture_keys()["server_public_key"];
  o.origin = "https://example.com";
  fake.respond(200, vectors()["answers"][0]["body"].get<std::string>());  // sealed for the fixture client key, not this call's
  fake.respond(200, "%%%");
  basic_client_side_client<tm_testing::fake_transport> c(fake, o);
  const auto email = *identity_input::from_email("a@example.com");
  auto r = test::run(c.async_generate_token(email));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::authentication_failed);
  r = test::run(c.async_generate_token(email));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().code, errc{});
  // What went out: JSON to the client-generate path, Origin set, no Authorization, a fresh key each time.
  ASSERT_EQ(fake.exchanges().size(), 2u);
  const auto& req = fake.exchanges()[0].request;
  EXPECT_EQ(req.url, "https://operator.test/v2/token/client-generate");
  EXPECT_EQ(req.headers.get("origin").value_or(""), "https://example.com");
  EXPECT_FALSE(req.headers.contains("authorization"));
  EXPECT_EQ(req.headers.get("content-type").value_or(""), "application/json");
  const auto b0 = nlohmann::json::parse(req.body), b1 = nlohmann::json::parse(fake.exchanges()[1].request.body);
  EXPECT_NE(b0["public_key"], b1["public_key"]);
  EXPECT_NE(b0["iv"], b1["iv"]);
  EXPECT_EQ(req.body.find("a@example.com"), std::string::npos) << "the raw email left the process";
}

TEST(ClientSideClient, BlockingFacadeForAppsWithoutAnEventLoop) {
  test::sandbox_thread served;
  ASSERT_TRUE(served.box.status());
  client_side_options o;
  o.base_url = served.box.base_url();
  o.subscription_id = served.box.cstg_subscription_id();
  o.server_public_key = served.box.cstg_public_key();
  o.app_name = "com.example.app";
  blocking_client_side_client app(o);
  auto r = app.generate_token(*identity_input::from_email("desktop@example.com"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, token_status::success);
  o.app_name = "com.other.app";
  blocking_client_side_client other(o);
  auto refused = other.generate_token(*identity_input::from_email("desktop@example.com"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_app_name);
}
