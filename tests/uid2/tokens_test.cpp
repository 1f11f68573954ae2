// Advertising tokens, sans-io: the published v4 vector, the key-JSON fixture, and a matrix of
// every rule of the check order against tokens built here with OpenSSL's EVP directly (an
// independent construction: nothing below reuses the library's token code to make its inputs).
#include <tokenmint/uid2/key_store.hpp>
#include <tokenmint/uid2/keys.hpp>
#include <tokenmint/uid2/tokens.hpp>

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "../common/test_data.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace tokenmint;
using namespace tokenmint::uid2;
using bytes = std::vector<std::uint8_t>;

namespace {

// ------------------------------------------------------------------------------------------
// The independent construction: one-shot EVP calls, big-endian writers, a plain base64.

bytes b64_decode(const std::string& s) {
  std::string t = s;
  for (char& c : t) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (t.size() % 4) t += '=';
  bytes out(t.size() / 4 * 3 + 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(t.data()), static_cast<int>(t.size()));
  if (n < 0) throw std::runtime_error("bad base64 in test");
  out.resize(static_cast<std::size_t>(n) - std::count(t.end() - 2, t.end(), '='));
  return out;
}

std::string b64_encode(const bytes& b, bool url) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
  out.resize(static_cast<std::size_t>(n));
  if (url) {
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=') out.pop_back();
  }
  return out;
}

void put64(bytes& b, std::int64_t v) {
  for (int i = 7; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
}
void put32(bytes& b, std::int64_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> (8 * i)));
}
std::int64_t get64(const bytes& b, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | b.at(at + i);
  return static_cast<std::int64_t>(v);
}
std::int32_t get32(const bytes& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | b.at(at + i);
  return static_cast<std::int32_t>(v);
}

bytes evp(bool gcm, bool enc, const bytes& key, const bytes& iv, const bytes& in, bytes* tag = nullptr) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_CipherInit_ex(ctx, gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc(), nullptr, key.data(), iv.data(), enc ? 1 : 0);
  bytes out(in.size() + 32);
  int n = 0, m = 0;
  EVP_CipherUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size()));
  if (gcm && !enc) EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag->data());
  const int ok = EVP_CipherFinal_ex(ctx, out.data() + n, &m);
  if (gcm && enc) {
    tag->resize(16);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag->data());
  }
  EVP_CIPHER_CTX_free(ctx);
  if (ok != 1) throw std::runtime_error("EVP failed");
  out.resize(static_cast<std::size_t>(n + m));
  return out;
}

bytes gcm_seal(const bytes& key, const bytes& plain, std::uint8_t iv_byte) {
  bytes iv(12, iv_byte), tag;
  bytes out = iv;
  const bytes ct = evp(true, true, key, iv, plain, &tag);
  out.insert(out.end(), ct.begin(), ct.end());
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

std::optional<bytes> gcm_open(const bytes& key, const bytes& blob) {
  bytes iv(blob.begin(), blob.begin() + 12), tag(blob.end() - 16, blob.end()), ct(blob.begin() + 12, blob.end() - 16);
  try {
    return evp(true, false, key, iv, ct, &tag);
  } catch (...) {
    return std::nullopt;
  }
}

bytes cbc_encrypt(const bytes& key, const bytes& plain, std::uint8_t iv_byte) {
  bytes iv(16, iv_byte);
  bytes out = iv;
  const bytes ct = evp(false, true, key, iv, plain);
  out.insert(out.end(), ct.begin(), ct.end());
  return out;
}

bytes key_bytes(std::uint8_t fill) { return bytes(32, fill); }

/// What goes into a test token (the v3/v4 fields; v2 uses the subset it has).
struct spec {
  int version = 4;
  int scope = 0;  // 0 UID2, 1 EUID
  int type = 0;   // 0 email, 1 phone
  std::int64_t master_id = 101, site_key_id = 201;
  bytes master_key = key_bytes(0x11), site_key = key_bytes(0x22);
  std::int64_t expires = 0, created = 0, established = 0, refreshed = 0;
  std::int32_t site_id = 77, privacy = 0;
  bytes uid = [] {
    bytes b(33, 0x5A);
    b[0] = 0;  // a raw UID2 v3: UID2, email
    return b;
  }();
};

/// The token as the operator lays it out (protocol page, sections 1.3 and 1.4).
std::string build_token(const spec& s, bool url_for_v4 = true) {
  if (s.version == 2) {
    const std::string uid_text = b64_encode(s.uid, false);
    bytes ip;
    put32(ip, s.site_id);
    put32(ip, static_cast<std::int64_t>(uid_text.size()));
    ip.insert(ip.end(), uid_text.begin(), uid_text.end());
    put32(ip, s.privacy);
    put64(ip, s.established);
    bytes mp;
    put64(mp, s.expires);
    put32(mp, s.site_key_id);
    const bytes inner = cbc_encrypt(s.site_key, ip, 0x33);
    mp.insert(mp.end(), inner.begin(), inner.end());
    bytes t{2};
    put32(t, s.master_id);
    const bytes outer = cbc_encrypt(s.master_key, mp, 0x44);
    t.insert(t.end(), outer.begin(), outer.end());
    return b64_encode(t, false);
  }
  bytes sp;
  put32(sp, s.site_id);
  put64(sp, 0);  // publisher id
  put32(sp, 0);  // client key id
  put32(sp, s.privacy);
  put64(sp, s.established);
  put64(sp, s.refreshed);
  sp.insert(sp.end(), s.uid.begin(), s.uid.end());
  bytes mp;
  put64(mp, s.expires);
  put64(mp, s.created);
  put32(mp, 0);     // operator site
  mp.push_back(1);  // operator type
  put32(mp, 0);     // operator version
  put32(mp, 0);     // operator key id
  put32(mp, s.site_key_id);
  const bytes inner = gcm_seal(s.site_key, sp, 0x55);
  mp.insert(mp.end(), inner.begin(), inner.end());
  bytes t{static_cast<std::uint8_t>(s.scope << 4 | s.type << 2 | 3), static_cast<std::uint8_t>(s.version == 3 ? 112 : 128)};
  put32(t, s.master_id);
  const bytes outer = gcm_seal(s.master_key, mp, 0x66);
  t.insert(t.end(), outer.begin(), outer.end());
  return b64_encode(t, s.version == 4 && url_for_v4);
}

/// Everything an EVP reader finds in a v4 token (to check the library's encrypter).
struct opened_fields {
  int byte0, version;
  std::int64_t master_id, expires, created, site_key_id, established, refreshed;
  std::int32_t site_id, privacy;
  int operator_type;
  bytes uid;
};

std::optional<opened_fields> open_v4(const std::string& token, const bytes& master_key, const bytes& site_key) {
  const bytes t = b64_decode(token);
  auto mp = gcm_open(master_key, bytes(t.begin() + 6, t.end()));
  if (!mp) return std::nullopt;
  auto sp = gcm_open(site_key, bytes(mp->begin() + 33, mp->end()));
  if (!sp) return std::nullopt;
  opened_fields f{t[0],          t[1],           get32(t, 2),    get64(*mp, 0),
                  get64(*mp, 8), get32(*mp, 29), get64(*sp, 20), get64(*sp, 28),
                  get32(*sp, 0), get32(*sp, 16), (*mp)[20],      bytes(sp->begin() + 36, sp->end())};
  return f;
}

// ------------------------------------------------------------------------------------------
// Key answers, written with an independent JSON library.

constexpr std::int64_t now_s = 1'800'000'000;
constexpr std::int64_t now_ms = now_s * 1000;

nlohmann::json key_json(std::int64_t id, const bytes& secret, std::optional<std::int64_t> keyset = {},
                        std::int64_t activates = now_s - 3600, std::int64_t expires = now_s + 86400) {
  nlohmann::json k = {{"id", id},
                      {"created", activates - 10},
                      {"activates", activates},
                      {"expires", expires},
                      {"secret", b64_encode(secret, false)}};
  if (keyset) k["keyset_id"] = *keyset;
  return k;
}

nlohmann::json base_body(const spec& s = {}) {
  return {{"caller_site_id", 77},
          {"master_keyset_id", 9999999},
          {"default_keyset_id", 5},
          {"token_expiry_seconds", "2592000"},
          {"identity_scope", "UID2"},
          {"allow_clock_skew_seconds", 1800},
          {"keys", {key_json(s.master_id, s.master_key, 9999999), key_json(s.site_key_id, s.site_key, 5)}},
          {"site_data", {{{"id", 77}, {"domain_names", {"example.com", "com.example.app"}}}}}};
}

std::string answer(const nlohmann::json& body) { return nlohmann::json{{"body", body}, {"status", "success"}}.dump(); }

std::unique_ptr<const key_container> parse_ok(const nlohmann::json& body, identity_scope scope = identity_scope::uid2) {
  auto kc = key_container::parse(answer(body), scope);
  EXPECT_TRUE(kc) << kc.error().message;
  return kc ? std::move(*kc) : nullptr;
}

decryption_result decrypt(const key_container* kc, const std::string& token, std::string_view domain = {},
                          std::int64_t now = now_ms, decrypt_options o = {}) {
  decryption_result r;
  decrypt_token(kc, token, domain, now, r, o);
  return r;
}

spec valid_spec(int version = 4) {
  spec s;
  s.version = version;
  s.created = s.refreshed = now_ms - 60'000;
  s.established = now_ms - 86'400'000;
  s.expires = now_ms + 3'600'000;
  return s;
}

// ------------------------------------------------------------------------------------------

TEST(TokenVectors, PublishedV4TokenDecrypts) {
  const auto v = test::load_json("uid2_tokens.json")["advertising_tokens"][0];
  const auto& e = v["expected"];
  nlohmann::json body = {{"identity_scope", "UID2"},
                         {"keys",
                          {key_json(v["master_key"]["id"], b64_decode(v["master_key"]["secret_b64"]), {}, 1609459200, 2524608000),
                           key_json(v["site_key"]["id"], b64_decode(v["site_key"]["secret_b64"]), {}, 1609459200, 2524608000)}}};
  auto kc = parse_ok(body);
  const std::int64_t at = e["created_ms"].get<std::int64_t>() + 1000;
  for (auto ctx : {token_context::bidstream, token_context::sharing}) {
    const auto r = decrypt(kc.get(), v["token"], {}, at, {ctx});
    ASSERT_EQ(to_string(r.status), "success");
    EXPECT_EQ(r.uid(), e["uid"].get<std::string>());
    EXPECT_EQ(r.version, 4);
    EXPECT_EQ(r.type, identity_type::email);
    EXPECT_EQ(r.expires_ms, e["expires_ms"].get<std::int64_t>());
    EXPECT_EQ(r.established_ms, e["established_ms"].get<std::int64_t>());
    EXPECT_EQ(r.site_id, e["site_id"].get<std::int64_t>());
    EXPECT_FALSE(r.client_side_generated);
    EXPECT_EQ(r.site_key_site_id, 0);
  }
  // The same bytes in standard base64, padded and unpadded.
  std::string standard = b64_encode(b64_decode(v["token"]), false);
  EXPECT_EQ(decrypt(kc.get(), standard, {}, at).status, decryption_status::success);
  while (standard.back() == '=') standard.pop_back();
  EXPECT_EQ(decrypt(kc.get(), standard, {}, at).status, decryption_status::success);
  // Its 20-year lifetime is refused once the answer sets a maximum.
  body["max_bidstream_lifetime_seconds"] = 3 * 86400 + 10;
  body["max_sharing_lifetime_seconds"] = 30 * 86400 + 10;
  kc = parse_ok(body);
  EXPECT_EQ(decrypt(kc.get(), v["token"], {}, at).status, decryption_status::invalid_token_lifetime);
  EXPECT_EQ(decrypt(kc.get(), v["token"], {}, at, {token_context::sharing}).status, decryption_status::invalid_token_lifetime);
  // An EUID client refuses it (byte 0 says UID2).
  body.erase("identity_scope");
  kc = parse_ok(body, identity_scope::euid);
  EXPECT_EQ(decrypt(kc.get(), v["token"], {}, at).status, decryption_status::invalid_identity_scope);
}

TEST(TokenVectors, KeyJsonFixtureParses) {
  const auto fx = test::load_json("uid2_tokens.json")["key_json_parse"];
  auto kc = key_container::parse(fx["answer"].dump());
  ASSERT_TRUE(kc) << kc.error().message;
  const auto& e = fx["expected"];
  const key_container& k = **kc;
  EXPECT_EQ(k.caller_site_id, e["caller_site_id"].get<std::int64_t>());
  EXPECT_EQ(k.master_keyset_id, e["master_keyset_id"].get<std::int64_t>());
  EXPECT_EQ(k.default_keyset_id, e["default_keyset_id"].get<std::int64_t>());
  EXPECT_EQ(k.token_expiry_seconds, e["token_expiry_seconds"].get<std::int64_t>());
  EXPECT_EQ(k.max_sharing_lifetime_seconds, 2592000);
  EXPECT_FALSE(k.max_bidstream_lifetime_seconds);
  EXPECT_EQ(k.allow_clock_skew_seconds, 1800);
  ASSERT_EQ(k.keys().size(), e["keys"].size());
  for (std::size_t i = 0; i < k.keys().size(); ++i) {
    const auto& want = e["keys"][i];
    const key* got = k.find(want["id"].get<std::int64_t>());
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->keyset_id, want["keyset_id"].get<std::int64_t>());
    EXPECT_EQ(got->created, want["created_s"].get<std::int64_t>());
    EXPECT_EQ(got->activates, want["activates_s"].get<std::int64_t>());
    EXPECT_EQ(got->expires, want["expires_s"].get<std::int64_t>());
  }
  EXPECT_EQ(k.find(4), nullptr);
}

TEST(KeyContainer, ErrorsNameTheMember) {
  const auto fails_with = [](const std::string& text, const std::string& part) {
    auto kc = key_container::parse(text);
    ASSERT_FALSE(kc) << text;
    EXPECT_EQ(kc.error().code, errc::invalid_json);
    EXPECT_NE(kc.error().message.find(part), std::string::npos) << kc.error().message;
  };
  fails_with("{", "key answer");
  fails_with(R"({"body":{"keys":[]}})", "status");
  fails_with(R"({"status":"unauthorized","body":{}})", "unauthorized");
  fails_with(R"({"status":"success"})", "body");
  fails_with(answer({{"token_expiry_seconds", "12x"}, {"keys", nlohmann::json::array()}}), "body.token_expiry_seconds");
  fails_with(answer({{"caller_site_id", "11"}, {"keys", nlohmann::json::array()}}), "body.caller_site_id");
  fails_with(answer({{"identity_scope", "uid3"}, {"keys", nlohmann::json::array()}}), "body.identity_scope");
  fails_with(answer({{"keys", 3}}), "body.keys");
  auto bad_key = base_body();
  bad_key["keys"][1].erase("expires");
  fails_with(answer(bad_key), "body.keys[1].expires: missing");
  bad_key = base_body();
  bad_key["keys"][0]["secret"] = b64_encode(bytes(31, 1), false);
  fails_with(answer(bad_key), "body.keys[0].secret: expected base64 of 32 bytes");
  bad_key = base_body();
  bad_key["keys"][0]["secret"] = "not base64!";
  fails_with(answer(bad_key), "body.keys[0].secret");
  bad_key = base_body();
  bad_key["site_data"][0]["domain_names"] = {1};
  fails_with(answer(bad_key), "body.site_data[0].domain_names");
  bad_key = base_body();
  bad_key["keys"][0]["id"] = 1.5;
  fails_with(answer(bad_key), "body.keys[0].id");
  // A time whose milliseconds overflow int64 (the fuzzer's find, corpus key_json/activates_overflow).
  for (const char* member : {"created", "activates", "expires"})
    for (std::int64_t t : {std::int64_t{1609459201609459200}, std::int64_t{-1609459201609459200}}) {
      bad_key = base_body();
      bad_key["keys"][1][member] = t;
      fails_with(answer(bad_key), std::string("body.keys[1].") + member + ": time out of range");
    }
}

TEST(KeyContainer, LegacyLatestAnswerAndDefaults) {
  nlohmann::json body = nlohmann::json::array({key_json(1, key_bytes(1)), key_json(2, key_bytes(2))});
  body[0]["site_id"] = -1;
  body[1]["site_id"] = 77;
  auto kc = parse_ok(body, identity_scope::euid);
  ASSERT_TRUE(kc);
  EXPECT_EQ(kc->scope, identity_scope::euid);
  EXPECT_EQ(kc->token_expiry_seconds, 30 * 86400);
  EXPECT_EQ(kc->allow_clock_skew_seconds, 1800);
  EXPECT_EQ(kc->find(2)->site_id, 77);
  // A v3 token whose site key carries a site: site_key_site_id reports it.
  spec s = valid_spec(3);
  s.scope = 1;
  s.master_id = 1, s.site_key_id = 2, s.master_key = key_bytes(1), s.site_key = key_bytes(2);
  const auto r = decrypt(kc.get(), build_token(s));
  ASSERT_EQ(to_string(r.status), "success");
  EXPECT_EQ(r.site_key_site_id, 77);
}

TEST(KeyContainer, ActiveKeyPerKeyset) {
  auto body = base_body();
  body["keys"] = {key_json(1, key_bytes(1), 5, now_s - 300, now_s + 100),   // active now
                  key_json(2, key_bytes(2), 5, now_s + 100, now_s + 900),   // activates later
                  key_json(3, key_bytes(3), 5, now_s - 900, now_s + 900),   // active, but activated earlier
                  key_json(4, key_bytes(4), 5, now_s - 200, now_s - 100)};  // activated last, but expired
  auto kc = parse_ok(body);
  EXPECT_EQ(kc->active_key(5, now_ms)->id, 1);
  EXPECT_EQ(kc->active_key(5, (now_s + 100) * 1000)->id, 2);  // 1 expires exactly when 2 activates
  EXPECT_EQ(kc->active_key(5, (now_s + 900) * 1000), nullptr);
  EXPECT_EQ(kc->active_key(5, (now_s - 250) * 1000)->id, 1);  // 4 activated after 1 but is not active then
  EXPECT_EQ(kc->active_key(5, (now_s - 350) * 1000)->id, 3);  // 1 not active yet
  EXPECT_EQ(kc->active_key(6, now_ms), nullptr);
}

TEST(TokenDecrypt, EveryVersionScopeAndType) {
  for (int version : {2, 3, 4}) {
    for (int scope : {0, 1}) {
      for (int type : {0, 1}) {
        spec s = valid_spec(version);
        s.scope = scope;
        s.type = type;
        auto body = base_body(s);
        body["identity_scope"] = scope ? "EUID" : "UID2";
        auto kc = parse_ok(body);
        const std::string token = build_token(s);
        const auto r = decrypt(kc.get(), token);
        SCOPED_TRACE("v" + std::to_string(version) + " scope " + std::to_string(scope) + " type " + std::to_string(type));
        ASSERT_EQ(to_string(r.status), "success");
        EXPECT_EQ(r.uid(), b64_encode(s.uid, false));
        EXPECT_EQ(r.version, version);
        EXPECT_EQ(r.expires_ms, s.expires);
        EXPECT_EQ(r.established_ms, s.established);
        EXPECT_EQ(r.site_id, 77);
        if (version == 2) EXPECT_FALSE(r.type);
        else EXPECT_EQ(r.type, static_cast<identity_type>(type));
        // The other service's client: v3/v4 refused by scope, v2 never scope-checked.
        body["identity_scope"] = scope ? "UID2" : "EUID";
        auto other = parse_ok(body);
        EXPECT_EQ(decrypt(other.get(), token).status,
                  version == 2 ? decryption_status::success : decryption_status::invalid_identity_scope);
      }
    }
  }
}

TEST(TokenDecrypt, V4InStandardBase64ButV3OnlyInStandard) {
  spec s = valid_spec(4);
  auto kc = parse_ok(base_body(s));
  EXPECT_EQ(decrypt(kc.get(), build_token(s, false)).status, decryption_status::success);
  s.version = 3;
  // v3 in base64url (unpadded) is refused, whichever characters it happens to contain.
  EXPECT_EQ(decrypt(kc.get(), b64_encode(b64_decode(build_token(s)), true)).status, decryption_status::invalid_payload);
  s.uid = bytes(32, 0x41);  // a 32-byte raw UID (v2 style) inside a v4 token
  s.version = 4;
  const auto r = decrypt(kc.get(), build_token(s));
  ASSERT_EQ(r.status, decryption_status::success);
  EXPECT_EQ(r.uid(), b64_encode(s.uid, false));
  EXPECT_EQ(r.uid().size(), 44u);
}

TEST(TokenDecrypt, ExpiryLifetimeAndSkewEdges) {
  for (int version : {2, 3, 4}) {
    SCOPED_TRACE(version);
    spec s = valid_spec(version);
    auto body = base_body(s);
    auto kc = parse_ok(body);
    const std::string t = build_token(s);
    EXPECT_EQ(decrypt(kc.get(), t, {}, s.expires).status, decryption_status::success);  // valid at now == expires
    EXPECT_EQ(decrypt(kc.get(), t, {}, s.expires + 1).status, decryption_status::expired_token);
    // Lifetime: expires - created (v3/v4) or expires - now (v2), in whole seconds.
    const std::int64_t life_s = ((version == 2 ? s.expires - now_ms : s.expires - s.created)) / 1000;
    body["max_bidstream_lifetime_seconds"] = life_s;
    kc = parse_ok(body);
    EXPECT_EQ(decrypt(kc.get(), t).status, decryption_status::success);
    body["max_bidstream_lifetime_seconds"] = life_s - 1;
    kc = parse_ok(body);
    EXPECT_EQ(decrypt(kc.get(), t).status, decryption_status::invalid_token_lifetime);
    EXPECT_EQ(decrypt(kc.get(), t, {}, now_ms, {token_context::sharing}).status, decryption_status::success);
    body["max_sharing_lifetime_seconds"] = life_s - 1;
    kc = parse_ok(body);
    EXPECT_EQ(decrypt(kc.get(), t, {}, now_ms, {token_context::sharing}).status, decryption_status::invalid_token_lifetime);
  }
  // Clock skew: a token created in the future by at most allow_clock_skew_seconds.
  spec s = valid_spec(4);
  s.created = now_ms + 1800 * 1000 + 999;  // 1800.999 s ahead: 1800 whole seconds, allowed
  auto kc = parse_ok(base_body(s));
  EXPECT_EQ(decrypt(kc.get(), build_token(s)).status, decryption_status::success);
  s.created = now_ms + 1801 * 1000;
  EXPECT_EQ(decrypt(kc.get(), build_token(s)).status, decryption_status::invalid_token_lifetime);
}

TEST(TokenDecrypt, ClientSideGeneratedDomainAndAppNames) {
  for (int version : {2, 3, 4}) {
    SCOPED_TRACE(version);
    spec s = valid_spec(version);
    s.privacy = 3;  // legacy | client-side generated
    auto kc = parse_ok(base_body(s));
    const std::string t = build_token(s);
    for (std::string_view ok : {"example.com", "EXAMPLE.com", "com.example.app", "Com.Example.App"}) {
      const auto r = decrypt(kc.get(), t, ok);
      EXPECT_EQ(r.status, decryption_status::success) << ok;
      EXPECT_TRUE(r.client_side_generated);
    }
    for (std::string_view bad : {"", "sub.example.com", "example.co", "example.com.", "xample.com", "example.org"})
      EXPECT_EQ(decrypt(kc.get(), t, bad).status, decryption_status::domain_or_app_name_check_failed) << bad;
    // Sharing has no domain check; a token of a site without site_data fails everywhere in bidstream.
    EXPECT_EQ(decrypt(kc.get(), t, {}, now_ms, {token_context::sharing}).status, decryption_status::success);
    s.site_id = 78;
    EXPECT_EQ(decrypt(kc.get(), build_token(s), "example.com").status, decryption_status::domain_or_app_name_check_failed);
    // A token that is not client-side generated is never domain-checked.
    s.privacy = 1;
    EXPECT_EQ(decrypt(kc.get(), build_token(s), "anything").status, decryption_status::success);
  }
}

TEST(TokenDecrypt, OptOutBitIsReportedAndCheckedOnRequest) {
  spec s = valid_spec(4);
  s.privacy = 4;
  auto kc = parse_ok(base_body(s));
  const auto r = decrypt(kc.get(), build_token(s));
  EXPECT_EQ(r.status, decryption_status::success);
  EXPECT_TRUE(r.opted_out);
  decrypt_options o;
  o.check_optout = true;
  EXPECT_EQ(decrypt(kc.get(), build_token(s), {}, now_ms, o).status, decryption_status::user_opted_out);
}

TEST(TokenDecrypt, KeysAndInitialisation) {
  spec s = valid_spec(4);
  EXPECT_EQ(decrypt(nullptr, build_token(s)).status, decryption_status::not_initialized);
  auto body = base_body(s);
  auto kc = parse_ok(body);
  // Every key expired: keys_not_synced, before the token is even looked at.
  EXPECT_EQ(decrypt(kc.get(), "garbage", {}, (now_s + 86400) * 1000).status, decryption_status::keys_not_synced);
  spec other = s;
  other.master_id = 999;
  EXPECT_EQ(decrypt(kc.get(), build_token(other)).status, decryption_status::not_authorized_for_master_key);
  other = s;
  other.site_key_id = 999;
  EXPECT_EQ(decrypt(kc.get(), build_token(other)).status, decryption_status::not_authorized_for_key);
  other = s;
  other.master_key = key_bytes(0x99);  // right id, wrong secret
  EXPECT_EQ(decrypt(kc.get(), build_token(other)).status, decryption_status::invalid_payload);
  other = s;
  other.version = 2;
  other.site_key = key_bytes(0x98);
  EXPECT_EQ(decrypt(kc.get(), build_token(other)).status, decryption_status::invalid_payload);
}

TEST(TokenDecrypt, MalformedTokensAreStatusesNeverCrashes) {
  for (int version : {2, 3, 4}) {
    SCOPED_TRACE(version);
    spec s = valid_spec(version);
    auto kc = parse_ok(base_body(s));
    const std::string t = build_token(s);
    // Every truncation.
    for (std::size_t n = 0; n < t.size(); ++n)
      EXPECT_NE(decrypt(kc.get(), t.substr(0, n)).status, decryption_status::success) << n;
    // Every flipped byte of the decoded token (both layers, the header, the tags) is refused.
    // v2 tokens are AES-CBC without a MAC: past their 5-byte header a flipped byte may decrypt
    // to other field values, so there only "a status, never a crash" holds (ASan checks it).
    const bytes raw = b64_decode(t);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      bytes b = raw;
      b[i] ^= 0x01;
      const auto r = decrypt(kc.get(), b64_encode(b, version == 4));
      if (version != 2 || i < 5) {
        EXPECT_NE(r.status, decryption_status::success) << i;
      }
    }
    // Trailing bytes.
    bytes longer = raw;
    longer.push_back(0);
    EXPECT_EQ(decrypt(kc.get(), b64_encode(longer, version == 4)).status, decryption_status::invalid_payload);
  }
  auto kc = parse_ok(base_body());
  for (std::string bad :
       std::vector<std::string>{"", "A", "AAA", "AAAA", "!!!!", "AgAAAA", std::string(5000, 'A'), std::string(1024, 'B'),
                                "A3B\xff", "AIAA====", "AHAA", "AHAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    EXPECT_NE(decrypt(kc.get(), bad).status, decryption_status::success);
  EXPECT_EQ(decrypt(kc.get(), "AAAAAAAA").status, decryption_status::version_not_supported);
  EXPECT_EQ(decrypt(kc.get(), "AAAA").status, decryption_status::version_not_supported);
  EXPECT_EQ(decrypt(kc.get(), "AIA").status, decryption_status::invalid_payload);
}

TEST(TokenDecrypt, TenThousandKeys) {
  spec s = valid_spec(4);
  s.master_id = 5000, s.site_key_id = 9999;
  auto body = base_body(s);
  body["keys"] = nlohmann::json::array();
  for (int i = 0; i < 10000; ++i)
    body["keys"].push_back(key_json(i, i == 5000   ? s.master_key
                                       : i == 9999 ? s.site_key
                                                   : key_bytes(static_cast<std::uint8_t>(i))));
  auto kc = parse_ok(body);
  ASSERT_EQ(kc->keys().size(), 10000u);
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(kc->find(i)->id, i);
  EXPECT_EQ(kc->find(10000), nullptr);
  EXPECT_EQ(kc->find(-1), nullptr);
  EXPECT_EQ(decrypt(kc.get(), build_token(s)).status, decryption_status::success);
}

TEST(TokenEncrypt, V4TokenCheckedWithEvp) {
  spec s = valid_spec(4);
  auto kc = parse_ok(base_body(s));
  for (const bytes& raw : {bytes(33, 0x05 << 2 & 0x0C), bytes(32, 0x07)}) {
    bytes uid = raw;
    if (uid.size() == 33) uid[0] = 1 << 2;  // a phone raw UID
    encryption_result e;
    ASSERT_EQ(encrypt_raw_uid(kc.get(), b64_encode(uid, false), now_ms, e), encryption_status::success);
    EXPECT_EQ(e.token().size(), uid.size() == 33 ? 219u : 218u);
    const auto f = open_v4(std::string(e.token()), s.master_key, s.site_key);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->byte0, uid.size() == 33 ? (1 << 2 | 3) : 3);  // phone from the raw UID's byte 0, else email
    EXPECT_EQ(f->version, 128);
    EXPECT_EQ(f->master_id, s.master_id);
    EXPECT_EQ(f->site_key_id, s.site_key_id);
    EXPECT_EQ(f->expires, now_ms + 2592000 * 1000ll);
    EXPECT_EQ(f->created, now_ms);
    EXPECT_EQ(f->established, now_ms);
    EXPECT_EQ(f->refreshed, now_ms);
    EXPECT_EQ(f->site_id, 77);
    EXPECT_EQ(f->privacy, 0);
    EXPECT_EQ(f->operator_type, 1);
    EXPECT_EQ(f->uid, uid);
    const auto r = decrypt(kc.get(), std::string(e.token()), {}, now_ms, {token_context::sharing});
    ASSERT_EQ(r.status, decryption_status::success);
    EXPECT_EQ(r.uid(), b64_encode(uid, false));
  }
}

TEST(TokenEncrypt, FixedIvsReproduceAndFreshIvsDiffer) {
  spec s = valid_spec(4);
  auto kc = parse_ok(base_body(s));
  const std::string raw = b64_encode(bytes(33, 0), false);
  crypto::gcm_iv mi{}, si{};
  mi.fill(7), si.fill(9);
  encryption_result a, b, c, d;
  encrypt_raw_uid(kc.get(), raw, now_ms, a, {&mi, &si});
  encrypt_raw_uid(kc.get(), raw, now_ms, b, {&mi, &si});
  EXPECT_EQ(a.token(), b.token());
  EXPECT_EQ(b64_decode(std::string(a.token())).at(6), 7);  // the master IV, in clear after the key id
  encrypt_raw_uid(kc.get(), raw, now_ms, c);
  encrypt_raw_uid(kc.get(), raw, now_ms, d);
  EXPECT_NE(c.token(), d.token());
  EXPECT_NE(b64_decode(std::string(c.token())).at(6 + 11), b64_decode(std::string(d.token())).at(6 + 11));  // counters differ
}

TEST(TokenEncrypt, Statuses) {
  spec s = valid_spec(4);
  const std::string raw = b64_encode(bytes(33, 0), false);
  encryption_result e;
  EXPECT_EQ(encrypt_raw_uid(nullptr, raw, now_ms, e), encryption_status::not_initialized);
  auto body = base_body(s);
  auto kc = parse_ok(body);
  EXPECT_EQ(encrypt_raw_uid(kc.get(), raw, (now_s + 86400) * 1000, e), encryption_status::keys_not_synced);
  for (std::string bad :
       std::vector<std::string>{"", "abc", b64_encode(bytes(31, 0), false), b64_encode(bytes(34, 0), false), "????"})
    EXPECT_EQ(encrypt_raw_uid(kc.get(), bad, now_ms, e), encryption_status::encryption_failure) << bad;
  bytes type3(33, 0);
  type3[0] = 3 << 2;
  EXPECT_EQ(encrypt_raw_uid(kc.get(), b64_encode(type3, false), now_ms, e), encryption_status::encryption_failure);
  body.erase("master_keyset_id");
  kc = parse_ok(body);
  EXPECT_EQ(encrypt_raw_uid(kc.get(), raw, now_ms, e), encryption_status::not_authorized_for_master_key);
  body = base_body(s);
  body.erase("default_keyset_id");
  kc = parse_ok(body);
  EXPECT_EQ(encrypt_raw_uid(kc.get(), raw, now_ms, e), encryption_status::not_authorized_for_key);
  body = base_body(s);
  body["keys"][1]["activates"] = now_s + 10;  // the default keyset's only key is not active yet
  kc = parse_ok(body);
  EXPECT_EQ(encrypt_raw_uid(kc.get(), raw, now_ms, e), encryption_status::not_authorized_for_key);
  EXPECT_EQ(e.token(), "");
}

TEST(KeyStore, RefreshKeepsTheLastGoodContainer) {
  spec s = valid_spec(4);
  key_store store;
  EXPECT_FALSE(store.initialized());
  EXPECT_EQ(store.decrypt(build_token(s), {}, now_ms).status, decryption_status::not_initialized);
  ASSERT_TRUE(store.refresh_from_json(answer(base_body(s))));
  EXPECT_TRUE(store.initialized());
  EXPECT_EQ(store.decrypt(build_token(s), {}, now_ms).status, decryption_status::success);
  auto bad = store.refresh_from_json(R"({"status":"success","body":{"keys":[{"id":1}]}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(store.decrypt(build_token(s), {}, now_ms).status, decryption_status::success);
  const auto e = store.encrypt(b64_encode(s.uid, false), now_ms);
  ASSERT_EQ(e.status, encryption_status::success);
  EXPECT_EQ(store.decrypt(std::string(e.token()), {}, now_ms, {token_context::sharing}).uid(), b64_encode(s.uid, false));
}

// Run under ThreadSanitizer by the `threads` suite: decrypting and encrypting threads while the
// container is swapped again and again (each swap frees the container before last, once no
// reader holds it).
TEST(KeyStoreThreads, DecryptAndEncryptWhileRefreshing) {
  spec s = valid_spec(4);
  spec v2 = valid_spec(2);
  const std::string t4 = build_token(s), t2 = build_token(v2);
  const std::string keys = answer(base_body(s));
  key_store store;
  ASSERT_TRUE(store.refresh_from_json(keys));
  std::atomic<bool> stop{false};
  std::atomic<long> failures{0}, done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      while (!stop.load(std::memory_order_relaxed)) {
        if (store.decrypt(i == 1 ? t2 : t4, {}, now_ms).status != decryption_status::success) ++failures;
        if (i == 2) {
          const auto e = store.encrypt(b64_encode(s.uid, false), now_ms);
          if (!e.ok() || store.decrypt(std::string(e.token()), {}, now_ms).uid() != b64_encode(s.uid, false)) ++failures;
        }
        ++done;
      }
    });
  }
  // Swap while the readers run: at least 200 swaps, and until they have done 5,000 calls.
  for (int round = 0; round < 200 || done.load() < 5000; ++round) ASSERT_TRUE(store.refresh_from_json(keys));
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
