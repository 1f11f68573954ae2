// A local UID2/EUID operator for tests, demos and offline work: the server side of the protocol
// with the operator's checks and messages, on tokenmint's own HTTP code.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/clock.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/detail/endian.hpp>
#include <tokenmint/testing/detail/tcf.hpp>
#include <tokenmint/testing/faults.hpp>
#include <tokenmint/testing/http_server.hpp>
#include <tokenmint/testing/services.hpp>
#include <tokenmint/testing/uid2_client_side.hpp>
#include <tokenmint/testing/uid2_envelope.hpp>
#include <tokenmint/uid2/client_side.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/keys.hpp>
#include <tokenmint/uid2/models.hpp>
#include <tokenmint/uid2/tokens.hpp>
#include <tokenmint/uid2/normalize.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace tokenmint::testing {

/// What the sandbox accepts and how long what it issues lives.
struct sandbox_options {
  std::string api_key = "sandbox-api-key";
  std::string client_secret;                         ///< base64 of 32 bytes; empty: a random one per sandbox
  std::chrono::seconds identity_lifetime{3600};      ///< identity_expires = issued + this
  std::chrono::seconds refresh_after{900};           ///< refresh_from = issued + this
  std::chrono::seconds refresh_lifetime{86400};      ///< refresh_expires = issued + this
  const tokenmint::clock* clock = &default_clock();  ///< the operator's "now" (timestamp window, expiries)
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;            ///< 0: a free port
  std::uint64_t tcf_vendor_id = 21;  ///< the vendor whose consent an EUID TCF string must carry
  /// The publisher's (and sharing caller's) site: advertising tokens carry it, the key
  /// endpoints list its domain and app names (what a client-side-generated token is checked
  /// against), and client-side generate checks `Origin` against its domains and `app_name`
  /// against its app names (case-insensitively).
  std::int64_t site_id = 999;
  std::vector<std::string> site_domains = {"example.com"};
  std::vector<std::string> site_app_names = {"com.example.app"};
  /// Client-side generate: the operator's key pair for `cstg_subscription_id`, as PKCS#8 DER in
  /// base64, bare or as the portal writes it (`UID2-Y-<env>-...`). By default the operator's own
  /// test fixture pair (public half `UID2-X-L-MFkwEwYH...NlwzNQg==`), so that any client can target
  /// the sandbox with published values.
  std::string cstg_private_key =
      "UID2-Y-L-MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCBop1Dw/IwDcstgicr/3tDoyR3OIpgAWgw8mD6oTO+1ug==";
  std::string cstg_subscription_id = "4WvryDGbR5";
  /// HubSpot, Benchling and Alterian endpoints served beside the operator (their clock defaults
  /// to `clock`).
  services_options services;
  /// Latency and failures injected into the UID2/EUID endpoints (none by default).
  sandbox_faults faults;
  /// The salt of the raw UID2s that identity map gives (and tokens carry): empty, a random one per
  /// sandbox; any text, the same raw UID2s from every sandbox given it.
  std::string map_salt;
};

/// The operator logic, sans-io: `handle(request)` answers as the UID2 operator does. UID2 paths
/// are served at the root (`/v2/token/generate`, ...), EUID ones under `/euid`. Advertising
/// tokens are real v4 tokens under the sandbox's own master key (id 1, keyset 9999999) and site
/// key (id 2, keyset 2 of `site_id`), served by `/v2/key/sharing`, `/v2/key/bidstream` and
/// `/v2/key/latest`; the raw UID2 inside is the one `/v3/identity/map` gives for the same
/// identity. 388-character refresh tokens are sealed with another key of the sandbox and carry
/// what refresh needs. Not thread-safe.
class sandbox_operator {
 public:
  static result<std::unique_ptr<sandbox_operator>> create(sandbox_options o) {
    std::unique_ptr<sandbox_operator> op(new sandbox_operator(std::move(o)));
    auto& opt = op->options_;
    if (opt.clock == nullptr) opt.clock = &default_clock();
    if (opt.api_key.empty()) return error{errc::invalid_argument, "api_key: empty"};
    if (opt.client_secret.empty()) {
      std::array<std::uint8_t, 32> raw{};
      if (crypto::random_bytes(raw) != errc{}) return error{errc::crypto_backend, "sandbox: no randomness"};
      opt.client_secret = base64::encode(std::span<const std::uint8_t>(raw));
    }
    auto key = uid2::make_key(opt.client_secret, "client_secret");
    if (!key) return std::move(key).error();
    op->secret_key_.emplace(std::move(*key));
    std::string_view cstg = opt.cstg_private_key;
    if (cstg.size() > uid2::server_key_prefix_size && (cstg.starts_with("UID2-Y-") || cstg.starts_with("EUID-Y-")))
      cstg.remove_prefix(uid2::server_key_prefix_size);
    auto cstg_key = crypto::p256_private_key::from_pkcs8_base64(cstg);
    if (!cstg_key) return error{cstg_key.error().code, "cstg_private_key: " + cstg_key.error().message};
    op->cstg_key_.emplace(std::move(*cstg_key));
    if (opt.cstg_subscription_id.empty()) return error{errc::invalid_argument, "cstg_subscription_id: empty"};
    std::array<std::uint8_t, 32> token_raw{};
    if (crypto::random_bytes(token_raw) != errc{} || crypto::random_bytes(op->map_salt_) != errc{})
      return error{errc::crypto_backend, "sandbox: no randomness"};
    if (!opt.map_salt.empty()) {
      auto d = crypto::sha256(opt.map_salt);
      if (!d) return std::move(d).error();
      std::memcpy(op->map_salt_.data(), d->data(), op->map_salt_.size());
    }
    auto tk = crypto::aes256_gcm::create(token_raw);
    tokenmint::detail::cleanse(token_raw.data(), token_raw.size());
    if (!tk) return std::move(tk).error();
    op->token_key_.emplace(std::move(*tk));
    for (auto* k : {&op->master_secret_, &op->site_secret_})
      if (crypto::random_bytes(*k) != errc{}) return error{errc::crypto_backend, "sandbox: no randomness"};
    op->keys_from_s_ = op->now() / 1000 - 3600;
    for (auto f : {uid2::flavour::uid2, uid2::flavour::euid}) {
      auto kc = uid2::key_container::parse(op->keys_answer(uid2::key_endpoint::sharing, f), uid2::scope_of(f));
      if (!kc) return std::move(kc).error();
      op->containers_[static_cast<std::size_t>(f)] = std::move(*kc);
    }
    for (auto [list, email, phone] : {std::tuple{&op->optout_, "optout@example.com", "+00000000000"},
                                      std::tuple{&op->refresh_optout_, "refresh-optout@example.com", "+00000000002"}}) {
      list->push_back({'e', *uid2::hash_email(email)});
      list->push_back({'p', *uid2::hash_phone(phone)});
    }
    return op;
  }

  const sandbox_options& options() const noexcept { return options_; }

  /// The client-side server public key as the portal gives it: `UID2-X-L-<base64 SPKI>`, or
  /// `EUID-X-L-...` for EUID clients.
  std::string cstg_public_key(uid2::flavour f) const {
    return std::string(f == uid2::flavour::euid ? "EUID-X-L-" : "UID2-X-L-") + cstg_key_->public_key_base64();
  }

  http::response handle(const http::incoming_request& req) {
    std::string_view path = req.path();
    uid2::flavour f = uid2::flavour::uid2;
    if (path.starts_with("/euid/")) {
      f = uid2::flavour::euid;
      path.remove_prefix(5);
    }
    const bool keys = path == "/v2/key/sharing" || path == "/v2/key/bidstream" || path == "/v2/key/latest";
    const bool known = keys || path == "/v2/token/client-generate" || path == "/v2/token/generate" ||
                       path == "/v2/token/refresh" || path == "/v2/token/validate" || path == "/v3/identity/map";
    if (!known) return plain(404, {{"status", "error"}, {"message", "Unknown endpoint " + std::string(req.path())}});
    if (req.method != "POST") return plain(405, {{"status", "error"}, {"message", "Method Not Allowed"}});
    if (req.body.size() > uid2::max_body_size) return plain(413, {{"status", "error"}, {"message", "Request Entity Too Large"}});
    if (path == "/v2/token/refresh") return refresh(req, f);
    if (path == "/v2/token/client-generate") return client_generate(req, f);
    if (!authorized(req)) return unauthorized();
    std::vector<std::uint8_t> scratch;
    auto opened = open_request(*secret_key_, req.body, now(), f, scratch);
    if (!opened) return client_error(opened.error().message);
    if (path == "/v3/identity/map") {
      // Lists of identifiers straight into strings (the benchmark's hot path); anything else
      // takes the general route below and gets its exact answer there.
      map_request lists;
      if (json::read_into(lists, opened->json) && (lists.email || lists.email_hash || lists.phone || lists.phone_hash))
        return identity_map(lists, opened->nonce, f);
    }
    json::value payload = json::value::object_type{};
    if (!opened->json.empty()) {
      auto doc = json::read<json::value>(opened->json);
      if (!doc || !doc->if_object()) return client_error("Invalid payload in body: Data is not valid json string.");
      payload = std::move(*doc);
    }
    if (path == "/v2/token/generate") return generate(payload, opened->nonce, f);
    if (path == "/v2/token/validate") return validate(payload, opened->nonce, f);
    if (keys) {
      const auto which = path == "/v2/key/sharing"     ? uid2::key_endpoint::sharing
                         : path == "/v2/key/bidstream" ? uid2::key_endpoint::bidstream
                                                       : uid2::key_endpoint::latest;
      return respond_sealed(opened->nonce, keys_answer(which, f));
    }
    return identity_map(payload, opened->nonce, f);
  }

  /// The decrypted answer of a key endpoint, as the operator words it (the secrets included).
  std::string keys_answer(uid2::key_endpoint which, uid2::flavour f) const {
    const std::int64_t from = keys_from_s_, until = keys_from_s_ + 365 * 86400;
    json::value::array_type keys;
    for (const auto& [id, keyset, site, secret] : {std::tuple{master_key_id, master_keyset_id, std::int64_t{-1}, &master_secret_},
                                                   std::tuple{site_key_id, site_keyset_id, options_.site_id, &site_secret_}}) {
      json::value::object_type k{{"id", id}};
      if (which == uid2::key_endpoint::sharing) k.emplace_back("keyset_id", keyset);
      if (which == uid2::key_endpoint::latest) k.emplace_back("site_id", site);
      k.emplace_back("created", from);
      k.emplace_back("activates", from);
      k.emplace_back("expires", until);
      k.emplace_back("secret", base64::encode(std::span<const std::uint8_t>(*secret)));
      keys.emplace_back(std::move(k));
    }
    if (which == uid2::key_endpoint::latest)
      return json::write(json::value(json::value::object_type{{"body", std::move(keys)}, {"status", "success"}}));
    json::value::array_type names;  // the operator lists the site's app names beside its domains
    for (const auto* list : {&options_.site_domains, &options_.site_app_names})
      for (const auto& d : *list) names.emplace_back(d);
    json::value::array_type sites;
    sites.emplace_back(json::value::object_type{{"id", options_.site_id}, {"domain_names", std::move(names)}});
    auto body = json::value::reserved_object();
    if (which == uid2::key_endpoint::sharing) {
      body.emplace_back("caller_site_id", options_.site_id);
      body.emplace_back("master_keyset_id", master_keyset_id);
      body.emplace_back("default_keyset_id", site_keyset_id);
      body.emplace_back("token_expiry_seconds", std::to_string(sharing_token_expiry_s));  // a string, as the operator sends it
      body.emplace_back("max_sharing_lifetime_seconds", sharing_token_expiry_s + 10);
    } else {
      body.emplace_back("max_bidstream_lifetime_seconds", static_cast<std::int64_t>(options_.identity_lifetime.count()) + 10);
    }
    body.emplace_back("identity_scope", f == uid2::flavour::euid ? "EUID" : "UID2");
    body.emplace_back("allow_clock_skew_seconds", 1800);
    body.emplace_back("keys", std::move(keys));
    body.emplace_back("site_data", std::move(sites));
    return json::write(json::value(json::value::object_type{{"body", std::move(body)}, {"status", "success"}}));
  }

  /// The sandbox's keys as a DSP or sharer would hold them (for tests that decrypt directly).
  const uid2::key_container& keys(uid2::flavour f) const { return *containers_[static_cast<std::size_t>(f)]; }

 private:
  // An identifier as the operator keys its lists (opt-outs, mapping salts) by.
  struct identity_key {
    char kind;         // 'e' email, 'p' phone
    std::string hash;  // base64 SHA-256, 44 characters
    bool operator==(const identity_key&) const = default;
  };

  static constexpr std::int64_t master_key_id = 1, site_key_id = 2;
  static constexpr std::int64_t master_keyset_id = 9999999, site_keyset_id = 2;
  static constexpr std::int64_t sharing_token_expiry_s = 30 * 86400;

  explicit sandbox_operator(sandbox_options o) : options_(std::move(o)) {}

  std::int64_t now() const { return options_.clock->now_ms(); }

  static http::response respond(int status, std::string body, std::string_view type) {
    http::response r;
    r.status = status;
    r.headers.add("Content-Type", std::string(type));
    r.body = std::move(body);
    return r;
  }
  static http::response plain(int status, json::value::object_type o) {
    return respond(status, json::write(json::value(std::move(o))), "application/json");
  }
  static http::response client_error(std::string message) {
    return plain(400, {{"status", "client_error"}, {"message", std::move(message)}});
  }
  static http::response unauthorized() { return plain(401, {{"status", "unauthorized"}}); }
  http::response sealed(const uid2::nonce_bytes& nonce, const json::value& answer) {
    return respond_sealed(nonce, json::write(answer));
  }
  http::response respond_sealed(const uid2::nonce_bytes& nonce, const std::string& answer) {
    auto body = seal_response(*secret_key_, now(), nonce, answer);
    if (!body) return plain(500, {{"status", "unknown"}, {"message", body.error().message}});
    return respond(200, std::move(*body), "text/plain");
  }

  bool authorized(const http::incoming_request& req) const {
    auto h = req.headers.get("authorization");
    if (!h) return false;
    std::string_view v = *h;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.size() < 7 || !http::iequals(v.substr(0, 7), "bearer ")) return false;
    v.remove_prefix(7);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    return v == options_.api_key;
  }

  static std::string missing_identity() {
    return "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] must be specified";
  }

  /// The identifier in a payload value, as the operator normalizes it; nullopt when invalid.
  static std::optional<identity_key> to_key(std::string_view kind, const json::value& v) {
    const auto* s = v.if_string();
    if (s == nullptr) return std::nullopt;
    return to_key(kind, std::string_view(*s));
  }
  static std::optional<identity_key> to_key(std::string_view kind, std::string_view s) {
    const char k = kind.starts_with("email") ? 'e' : 'p';
    auto h = kind == "email" ? uid2::hash_email(s) : kind == "phone" ? uid2::hash_phone(s) : uid2::normalize_hash(s, kind);
    if (!h) return std::nullopt;
    return identity_key{k, std::move(*h)};
  }

  /// Exactly one identity key in `payload`, or the operator's 400.
  static std::variant<identity_key, http::response> one_identity(const json::value& payload) {
    const json::value* found = nullptr;
    std::string_view kind;
    for (std::string_view k : {"email", "email_hash", "phone", "phone_hash"}) {
      if (const auto* v = payload.find(k)) {
        if (found) return client_error(missing_identity());
        found = v;
        kind = k;
      }
    }
    if (!found) return client_error(missing_identity());
    auto key = to_key(kind, *found);
    if (!key) return client_error("Invalid Identifier");
    return *key;
  }

  static bool listed(const std::vector<identity_key>& list, const identity_key& k) {
    return std::find(list.begin(), list.end(), k) != list.end();
  }

  http::response generate(const json::value& payload, const uid2::nonce_bytes& nonce, uid2::flavour f) {
    auto id = one_identity(payload);
    if (auto* err = std::get_if<http::response>(&id)) return std::move(*err);
    const auto& key = std::get<identity_key>(id);
    if (f == uid2::flavour::euid) {
      if (const auto* tcf = payload.find("tcf_consent_string")) {
        const auto* s = tcf->if_string();
        auto ok = s ? detail::tcf_has_consent(*s, options_.tcf_vendor_id, {1, 2, 3, 4, 7, 10})
                    : result<bool>(error{errc::invalid_argument});
        if (!ok) return client_error("User consent is invalid");
        if (!*ok) return sealed(nonce, json::value::object_type{{"status", "insufficient_user_consent"}});
      }
    }
    if (listed(optout_, key)) return sealed(nonce, json::value::object_type{{"status", "optout"}});
    auto body = issue(key, f, now());
    if (!body) return plain(500, {{"status", "unknown"}, {"message", body.error().message}});
    return sealed(nonce, json::value::object_type{{"body", std::move(*body)}, {"status", "success"}});
  }

  // Advertising token: a v4 token (uid2::seal_token) under the master and site keys.
  // Refresh token (291 bytes -> 388 base64 characters, like the operator's):
  //   scope<<4 | key id (4) | IV | GCM(version | flavour | kind | hash | response key | expiry | established | padding) | tag
  static constexpr std::size_t refresh_plain_size = 291 - 1 - 4 - crypto::gcm_iv_size - crypto::gcm_tag_size;
  static constexpr std::uint32_t refresh_key_id = 1;

  std::string seal_token(std::span<const std::uint8_t> plain, std::size_t prefix_size, const std::uint8_t* prefix) {
    crypto::gcm_iv iv{};
    crypto::gcm_tag tag{};
    std::vector<std::uint8_t> out(prefix_size + iv.size() + plain.size() + tag.size());
    if (prefix_size != 0) std::memcpy(out.data(), prefix, prefix_size);  // memcpy(_, nullptr, 0) is UB
    (void)token_key_->next_iv(iv);
    std::memcpy(out.data() + prefix_size, iv.data(), iv.size());
    (void)token_key_->seal(iv, {plain}, out.data() + prefix_size + iv.size(), tag);
    std::memcpy(out.data() + out.size() - tag.size(), tag.data(), tag.size());
    return base64::encode(std::span<const std::uint8_t>(out));
  }

  // Privacy bits of a client-side-generated identity (legacy | client-side generated), kept by refresh.
  static constexpr std::int32_t client_side_privacy = 3;

  result<json::value> issue(const identity_key& key, uid2::flavour f, std::int64_t established, std::int32_t privacy = 0) {
    const std::int64_t t = now();
    const std::int64_t id_exp = t + options_.identity_lifetime.count() * 1000;
    const std::int64_t ref_exp = t + options_.refresh_lifetime.count() * 1000;
    std::array<std::uint8_t, 32> response_key{};
    if (crypto::random_bytes(response_key) != errc{}) return error{errc::crypto_backend, "no randomness"};

    const auto uid = raw_uid_bytes(key, f);
    uid2::token_fields tf;
    tf.scope = uid2::scope_of(f);
    tf.type = key.kind == 'p' ? uid2::identity_type::phone : uid2::identity_type::email;
    tf.expires_ms = id_exp;
    tf.created_ms = tf.refreshed_ms = t;
    tf.established_ms = established;
    tf.operator_site_id = 1;
    tf.site_id = static_cast<std::int32_t>(options_.site_id);
    tf.privacy_bits = privacy;
    tf.raw_uid = uid;
    const auto& kc = keys(f);
    uid2::encryption_result sealed_token;
    if (uid2::seal_token(tf, *kc.find(master_key_id), *kc.find(site_key_id), sealed_token) != uid2::encryption_status::success)
      return error{errc::crypto_backend, "sandbox: sealing an advertising token failed"};
    std::string advertising(sealed_token.token());

    std::array<std::uint8_t, refresh_plain_size> rp{};
    rp[0] = 1;
    rp[1] = static_cast<std::uint8_t>(f);
    rp[2] = static_cast<std::uint8_t>(key.kind);
    std::memcpy(rp.data() + 3, key.hash.data(), uid2::hash_size);
    std::memcpy(rp.data() + 3 + uid2::hash_size, response_key.data(), response_key.size());
    tokenmint::detail::store_be64(rp.data() + 3 + uid2::hash_size + 32, ref_exp);
    tokenmint::detail::store_be64(rp.data() + 3 + uid2::hash_size + 40, established);
    rp[3 + uid2::hash_size + 48] = static_cast<std::uint8_t>(privacy);
    const std::uint8_t prefix[5] = {static_cast<std::uint8_t>(f == uid2::flavour::euid ? 0x10 : 0x00), 0, 0, 0, refresh_key_id};
    std::string refresh = seal_token(rp, sizeof prefix, prefix);
    tokenmint::detail::cleanse(rp.data(), rp.size());

    // (An initializer list rather than emplace_back: g++ 12 -O3 warns falsely on the latter here.)
    json::value::object_type body{{"advertising_token", std::move(advertising)},
                                  {"refresh_token", std::move(refresh)},
                                  {"identity_expires", id_exp},
                                  {"refresh_expires", ref_exp},
                                  {"refresh_from", t + options_.refresh_after.count() * 1000},
                                  {"refresh_response_key", base64::encode(std::span<const std::uint8_t>(response_key))}};
    tokenmint::detail::cleanse(response_key.data(), response_key.size());
    return json::value(std::move(body));
  }

  http::response refresh(const http::incoming_request& req, uid2::flavour f) {
    const bool with_auth = req.headers.contains("authorization");
    if (with_auth && !authorized(req)) return unauthorized();
    auto refused = [&](std::string_view status, std::string_view message) {
      if (!with_auth) return plain(400, {{"status", "error"}, {"message", "Error refreshing token"}});
      return plain(400, {{"status", std::string(status)}, {"message", std::string(message)}});
    };
    if (req.body.size() != 388) return refused("invalid_token", "Invalid Token presented");
    std::array<std::uint8_t, 291> raw{};
    const codec_result d = base64::decode(req.body, std::span<std::uint8_t>(raw));
    if (!d || d.size != raw.size()) return client_error("Invalid body: Body is not valid base64.");
    const std::uint32_t key_id =
        (std::uint32_t{raw[1]} << 24) | (std::uint32_t{raw[2]} << 16) | (std::uint32_t{raw[3]} << 8) | raw[4];
    if (key_id != refresh_key_id)
      return client_error("Invalid key: Generator of this token (Key ID: " + std::to_string(key_id) + ") does not exist.");
    crypto::gcm_iv iv{};
    crypto::gcm_tag tag{};
    std::memcpy(iv.data(), raw.data() + 5, iv.size());
    std::memcpy(tag.data(), raw.data() + raw.size() - tag.size(), tag.size());
    std::span<std::uint8_t> ct(raw.data() + 5 + iv.size(), refresh_plain_size);
    if (token_key_->open(iv, ct, tag, ct.data()) != errc{})
      return client_error("Invalid data: Check encryption method and encryption key.");
    if (ct[0] != 1 || ct[1] != static_cast<std::uint8_t>(f) || (ct[2] != 'e' && ct[2] != 'p'))
      return client_error("Invalid format: Payload is not valid json or missing required data.");
    const identity_key key{static_cast<char>(ct[2]), std::string(reinterpret_cast<const char*>(ct.data() + 3), uid2::hash_size)};
    auto response_key = crypto::aes256_gcm::create(ct.subspan(3 + uid2::hash_size, 32));
    const std::int64_t ref_exp = tokenmint::detail::load_be64(ct.data() + 3 + uid2::hash_size + 32);
    const std::int64_t established = tokenmint::detail::load_be64(ct.data() + 3 + uid2::hash_size + 40);
    const std::int32_t privacy = ct[3 + uid2::hash_size + 48];
    tokenmint::detail::cleanse(raw.data(), raw.size());
    if (!response_key) return plain(500, {{"status", "unknown"}, {"message", "refresh key"}});
    if (now() > ref_exp) return refused("expired_token", "Expired Token presented");
    json::value answer = json::value::object_type{{"status", "optout"}};
    if (!listed(refresh_optout_, key)) {
      auto body = issue(key, f, established, privacy);
      if (!body) return plain(500, {{"status", "unknown"}, {"message", body.error().message}});
      answer = json::value::object_type{{"body", std::move(*body)}, {"status", "success"}};
    }
    auto sealed_body = seal_refresh_response(*response_key, json::write(answer));
    if (!sealed_body) return plain(500, {{"status", "unknown"}, {"message", sealed_body.error().message}});
    return respond(200, std::move(*sealed_body), "text/plain");
  }

  // POST /v2/token/client-generate: no API key; the request opens under ECDH with the
  // subscription's key pair (testing/uid2_client_side.hpp); the identity carries the client-side
  // privacy bits, so a DSP's decrypt checks the domain or app it is seen on.
  http::response client_generate(const http::incoming_request& req, uid2::flavour f) {
    const client_side_site site{&*cstg_key_, options_.cstg_subscription_id, &options_.site_domains, &options_.site_app_names};
    auto opened = open_client_side_request(site, req.body, req.headers.get("origin"));
    if (auto* no = std::get_if<client_side_refusal>(&opened))
      return plain(no->http_status, {{"status", std::move(no->status)}, {"message", std::move(no->message)}});
    auto& request = std::get<opened_client_side_request>(opened);
    auto key = to_key(request.kind, json::value(request.hash));
    if (!key) return client_error("Invalid Identifier");
    json::value answer = json::value::object_type{{"status", "optout"}};
    if (!listed(optout_, *key)) {
      auto body = issue(*key, f, now(), client_side_privacy);
      if (!body) return plain(500, {{"status", "unknown"}, {"message", body.error().message}});
      answer = json::value::object_type{{"body", std::move(*body)}, {"status", "success"}};
    }
    auto sealed_body = seal_client_side_response(request.answer_key, json::write(answer));
    if (!sealed_body) return plain(500, {{"status", "unknown"}, {"message", sealed_body.error().message}});
    return respond(200, std::move(*sealed_body), "text/plain");
  }

  http::response validate(const json::value& payload, const uid2::nonce_bytes& nonce, uid2::flavour f) {
    const auto* token = payload.find("token");
    if (token == nullptr || token->if_string() == nullptr) return client_error("Required Parameter Missing: token");
    auto id = one_identity(payload);
    if (auto* err = std::get_if<http::response>(&id)) return std::move(*err);
    uid2::decryption_result r;
    uid2::decrypt_options o;
    o.context = uid2::token_context::sharing;
    if (uid2::decrypt_token(&keys(f), *token->if_string(), {}, now(), r, o) != uid2::decryption_status::success)
      return client_error("Invalid token");
    const bool match = r.uid() == raw_uid(std::get<identity_key>(id), f);
    return sealed(nonce, json::value::object_type{{"body", match}, {"status", "success"}});
  }

  /// A `/v3/identity/map` request of string arrays (the usual one), read without a DOM.
  struct map_request {
    std::optional<std::vector<std::string>> email, email_hash, phone, phone_hash;
  };

  /// Salts rotate on a schedule, not per request: "r" is the next 30-day boundary, the same for
  /// every request until then (so two mappings of one list agree to the byte).
  std::int64_t map_refresh_from() const {
    constexpr std::int64_t rotation_s = 30 * 86400;
    return (now() / 1000 / rotation_s + 1) * rotation_s;
  }

  /// The answer to lists of identifiers, written straight to text.
  http::response identity_map(const map_request& lists, const uid2::nonce_bytes& nonce, uid2::flavour f) {
    const std::array<std::pair<std::string_view, const std::optional<std::vector<std::string>>*>, 4> kinds = {
        {{"email", &lists.email}, {"email_hash", &lists.email_hash}, {"phone", &lists.phone}, {"phone_hash", &lists.phone_hash}}};
    std::size_t total = 0;
    for (const auto& [kind, items] : kinds) total += *items ? (*items)->size() : 0;
    if (total > 5000) return client_error("Request too large: at most 5000 identifiers per request");
    const std::string r = ",\"p\":null,\"r\":" + std::to_string(map_refresh_from()) + "}";
    std::string out;
    out.reserve(32 + total * (60 + r.size()));
    out += "{\"body\":{";
    bool first_kind = true;
    for (const auto& [kind, items] : kinds) {
      if (!*items) continue;
      if (!first_kind) out += ',';
      first_kind = false;
      out += '"';
      out += kind;
      out += "\":[";
      bool first = true;
      for (const auto& item : **items) {
        if (!first) out += ',';
        first = false;
        auto key = to_key(kind, std::string_view(item));
        if (!key) {
          out += R"({"e":"invalid identifier"})";
        } else if (listed(optout_, *key) || listed(refresh_optout_, *key)) {
          out += R"({"e":"optout"})";
        } else {
          const auto uid = raw_uid_bytes(*key, f);
          char text[base64::encoded_size(uid.size())];
          base64::encode(uid, text);
          out += R"({"u":")";
          out.append(text, sizeof text);
          out += '"';
          out += r;
        }
      }
      out += ']';
    }
    out += R"(},"status":"success"})";
    return respond_sealed(nonce, out);
  }

  /// Any other payload: its errors in the operator's words, then the same answer, an item that is
  /// not a string being an invalid identifier (as the empty string is).
  http::response identity_map(const json::value& payload, const uid2::nonce_bytes& nonce, uid2::flavour f) {
    map_request lists;
    std::size_t total = 0;
    for (auto [kind, list] : {std::pair{"email", &lists.email}, std::pair{"email_hash", &lists.email_hash},
                              std::pair{"phone", &lists.phone}, std::pair{"phone_hash", &lists.phone_hash}}) {
      const auto* v = payload.find(kind);
      if (v == nullptr) continue;
      const auto* items = v->if_array();
      if (items == nullptr) return client_error("Invalid payload in body: " + std::string(kind) + " must be an array");
      total += items->size();
      if (total > 5000) return client_error("Request too large: at most 5000 identifiers per request");
      auto& out = list->emplace();
      for (const auto& item : *items) out.push_back(item.if_string() ? *item.if_string() : std::string());
    }
    if (!(lists.email || lists.email_hash || lists.phone || lists.phone_hash))
      return client_error("Required Parameter Missing: one or more of [email, email_hash, phone, phone_hash] must be specified");
    return identity_map(lists, nonce, f);
  }

  /// A stable raw UID2 (v3 form, 33 bytes) per identity: the scope and type byte, then
  /// SHA-256(salt | kind | hash).
  std::array<std::uint8_t, 33> raw_uid_bytes(const identity_key& k, uid2::flavour f) const {
    std::array<std::uint8_t, 33> out{};
    out[0] = static_cast<std::uint8_t>((f == uid2::flavour::euid ? 1 : 0) << 4 | (k.kind == 'p' ? 1 : 0) << 2);
    std::uint8_t in[map_salt_size + 1 + 64];
    if (k.hash.size() > 64) return out;  // never: a normalized hash is 44 characters
    std::memcpy(in, map_salt_.data(), map_salt_size);
    in[map_salt_size] = static_cast<std::uint8_t>(k.kind);
    std::memcpy(in + map_salt_size + 1, k.hash.data(), k.hash.size());
    crypto::sha256_digest d{};
    if (crypto::sha256(std::span<const std::uint8_t>(in, map_salt_size + 1 + k.hash.size()), d) == errc{})
      std::memcpy(out.data() + 1, d.data(), 32);
    return out;
  }
  std::string raw_uid(const identity_key& k, uid2::flavour f) const {
    return base64::encode(std::span<const std::uint8_t>(raw_uid_bytes(k, f)));
  }

  sandbox_options options_;
  std::optional<crypto::aes256_gcm> secret_key_;
  std::optional<crypto::aes256_gcm> token_key_;
  std::optional<crypto::p256_private_key> cstg_key_;
  static constexpr std::size_t map_salt_size = 16;
  std::array<std::uint8_t, map_salt_size> map_salt_{};
  std::array<std::uint8_t, 32> master_secret_{}, site_secret_{};
  std::int64_t keys_from_s_ = 0;
  std::array<std::unique_ptr<const uid2::key_container>, 2> containers_;
  std::vector<identity_key> optout_, refresh_optout_;
};

/// The sandbox operator served over HTTP on 127.0.0.1 (ephemeral port by default), in process.
/// `base_url()` for UID2 clients, `euid_base_url()` for EUID ones; `api_key()` and
/// `client_secret()` are the credentials it accepts. Runs on the given executor after `start()`.
class sandbox {
 public:
  explicit sandbox(asio::any_io_executor ex, sandbox_options options = {}) {
    const std::string address = options.address;
    const auto port = options.port;
    auto op = sandbox_operator::create(std::move(options));
    if (!op) {
      init_ = std::move(op).error();
      return;
    }
    operator_ = std::shared_ptr<sandbox_operator>(std::move(*op));
    auto so_services = operator_->options().services;
    if (so_services.clock == nullptr) so_services.clock = operator_->options().clock;
    services_ = std::make_shared<services_operator>(std::move(so_services));
    http_server_options so;
    so.address = address;
    so.port = port;
    // An identity map answer of 5,000 rows is about 450 KB: with room for several in the send
    // buffer, each goes in one write and the sandbox's one thread moves on to the next request.
    so.send_buffer_bytes = 4 << 20;
    // Faults go to the UID2/EUID operator only; HubSpot, Benchling and Alterian answer as usual.
    if (operator_->options().faults.any())
      so.faults = fault_hook(operator_->options().faults, [](std::string_view path) { return services_operator::serves(path); });
    server_ = std::make_unique<http_server>(
        std::move(ex),
        [op = operator_, services = services_](const http::incoming_request& r) {
          return services_operator::serves(r.path()) ? services->handle(r) : op->handle(r);
        },
        so);
    init_ = server_->status();
  }

  const result<void>& status() const noexcept { return init_; }

  void start() {
    if (server_) server_->start();
  }
  void stop() {
    if (server_) server_->stop();
  }
  std::string base_url() const { return server_ ? server_->base_url() : std::string(); }
  std::string euid_base_url() const { return base_url() + "/euid"; }
  const std::string& api_key() const { return operator_->options().api_key; }
  const std::string& client_secret() const { return operator_->options().client_secret; }
  /// What a client-side generate client needs: the subscription id and the server public key
  /// (`UID2-X-L-...`, or `EUID-X-L-...` with `flavour::euid`).
  const std::string& cstg_subscription_id() const { return operator_->options().cstg_subscription_id; }
  std::string cstg_public_key(uid2::flavour f = uid2::flavour::uid2) const { return operator_->cstg_public_key(f); }
  /// The operator logic (its key answers and containers, for tests).
  const sandbox_operator& op() const { return *operator_; }

  /// Base URLs and credentials of the other three services.
  std::string hubspot_base_url() const { return base_url() + std::string(services_operator::hubspot_prefix); }
  std::string benchling_base_url() const { return base_url() + std::string(services_operator::benchling_prefix); }
  std::string alterian_base_url() const { return base_url() + std::string(services_operator::alterian_prefix); }
  const services_options& services() const { return services_->options(); }
  /// HubSpot's OAuth side, for its counters (token requests).
  const hubspot_oauth_server& hubspot_oauth() const { return services_->hubspot_oauth(); }

 private:
  result<void> init_;
  std::shared_ptr<sandbox_operator> operator_;
  std::shared_ptr<services_operator> services_;
  std::unique_ptr<http_server> server_;
};

}  // namespace tokenmint::testing
