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
#include <tokenmint/testing/http_server.hpp>
#include <tokenmint/testing/services.hpp>
#include <tokenmint/testing/uid2_envelope.hpp>
#include <tokenmint/uid2/envelope.hpp>
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
  /// HubSpot, Benchling and Alterian endpoints served beside the operator (their clock defaults
  /// to `clock`).
  services_options services;
};

/// The operator logic, sans-io: `handle(request)` answers as the UID2 operator does. UID2 paths
/// are served at the root (`/v2/token/generate`, ...), EUID ones under `/euid`. Tokens are opaque
/// but real: advertising tokens and 388-character refresh tokens are sealed with the sandbox's
/// own key and carry what refresh and validate need. Not thread-safe.
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
    std::array<std::uint8_t, 32> token_raw{};
    if (crypto::random_bytes(token_raw) != errc{} || crypto::random_bytes(op->map_salt_) != errc{})
      return error{errc::crypto_backend, "sandbox: no randomness"};
    auto tk = crypto::aes256_gcm::create(token_raw);
    tokenmint::detail::cleanse(token_raw.data(), token_raw.size());
    if (!tk) return std::move(tk).error();
    op->token_key_.emplace(std::move(*tk));
    for (auto [list, email, phone] : {std::tuple{&op->optout_, "optout@example.com", "+00000000000"},
                                      std::tuple{&op->refresh_optout_, "refresh-optout@example.com", "+00000000002"}}) {
      list->push_back({'e', *uid2::hash_email(email)});
      list->push_back({'p', *uid2::hash_phone(phone)});
    }
    return op;
  }

  const sandbox_options& options() const noexcept { return options_; }

  http::response handle(const http::incoming_request& req) {
    std::string_view path = req.path();
    uid2::flavour f = uid2::flavour::uid2;
    if (path.starts_with("/euid/")) {
      f = uid2::flavour::euid;
      path.remove_prefix(5);
    }
    const bool known =
        path == "/v2/token/generate" || path == "/v2/token/refresh" || path == "/v2/token/validate" || path == "/v3/identity/map";
    if (!known) return plain(404, {{"status", "error"}, {"message", "Unknown endpoint " + std::string(req.path())}});
    if (req.method != "POST") return plain(405, {{"status", "error"}, {"message", "Method Not Allowed"}});
    if (req.body.size() > uid2::max_body_size) return plain(413, {{"status", "error"}, {"message", "Request Entity Too Large"}});
    if (path == "/v2/token/refresh") return refresh(req, f);
    if (!authorized(req)) return unauthorized();
    std::vector<std::uint8_t> scratch;
    auto opened = open_request(*secret_key_, req.body, now(), f, scratch);
    if (!opened) return client_error(opened.error().message);
    json::value payload = json::value::object_type{};
    if (!opened->json.empty()) {
      auto doc = json::read<json::value>(opened->json);
      if (!doc || !doc->if_object()) return client_error("Invalid payload in body: Data is not valid json string.");
      payload = std::move(*doc);
    }
    if (path == "/v2/token/generate") return generate(payload, opened->nonce, f);
    if (path == "/v2/token/validate") return validate(payload, opened->nonce);
    return identity_map(payload, opened->nonce);
  }

 private:
  // An identifier as the operator keys its lists (opt-outs, mapping salts) by.
  struct identity_key {
    char kind;         // 'e' email, 'p' phone
    std::string hash;  // base64 SHA-256, 44 characters
    bool operator==(const identity_key&) const = default;
  };

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
    auto body = seal_response(*secret_key_, now(), nonce, json::write(answer));
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
    result<std::string> h = error{errc::invalid_argument};
    if (kind == "email") h = uid2::hash_email(*s);
    else if (kind == "phone") h = uid2::hash_phone(*s);
    else h = uid2::normalize_hash(*s, kind);
    if (!h) return std::nullopt;
    return identity_key{kind.starts_with("email") ? 'e' : 'p', std::move(*h)};
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
    auto body = issue(key, f);
    if (!body) return plain(500, {{"status", "unknown"}, {"message", body.error().message}});
    return sealed(nonce, json::value::object_type{{"body", std::move(*body)}, {"status", "success"}});
  }

  // Advertising token: "A4" + base64url(IV | GCM(flavour | kind | hash | identity_expires) | tag).
  // Refresh token (291 bytes -> 388 base64 characters, like the operator's):
  //   scope<<4 | key id (4) | IV | GCM(version | flavour | kind | hash | response key | expiries | padding) | tag
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

  result<json::value> issue(const identity_key& key, uid2::flavour f) {
    const std::int64_t t = now();
    const std::int64_t id_exp = t + options_.identity_lifetime.count() * 1000;
    const std::int64_t ref_exp = t + options_.refresh_lifetime.count() * 1000;
    std::array<std::uint8_t, 32> response_key{};
    if (crypto::random_bytes(response_key) != errc{}) return error{errc::crypto_backend, "no randomness"};

    std::array<std::uint8_t, 2 + uid2::hash_size + 8> ad{};
    ad[0] = static_cast<std::uint8_t>(f);
    ad[1] = static_cast<std::uint8_t>(key.kind);
    std::memcpy(ad.data() + 2, key.hash.data(), uid2::hash_size);
    tokenmint::detail::store_be64(ad.data() + 2 + uid2::hash_size, id_exp);
    std::string advertising = seal_token(ad, 0, nullptr);
    for (char& c : advertising) c = c == '+' ? '-' : c == '/' ? '_' : c;  // base64url, as v4 tokens are
    while (!advertising.empty() && advertising.back() == '=') advertising.pop_back();
    advertising.insert(0, "A4");

    std::array<std::uint8_t, refresh_plain_size> rp{};
    rp[0] = 1;
    rp[1] = static_cast<std::uint8_t>(f);
    rp[2] = static_cast<std::uint8_t>(key.kind);
    std::memcpy(rp.data() + 3, key.hash.data(), uid2::hash_size);
    std::memcpy(rp.data() + 3 + uid2::hash_size, response_key.data(), response_key.size());
    tokenmint::detail::store_be64(rp.data() + 3 + uid2::hash_size + 32, ref_exp);
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
    tokenmint::detail::cleanse(raw.data(), raw.size());
    if (!response_key) return plain(500, {{"status", "unknown"}, {"message", "refresh key"}});
    if (now() > ref_exp) return refused("expired_token", "Expired Token presented");
    json::value answer = json::value::object_type{{"status", "optout"}};
    if (!listed(refresh_optout_, key)) {
      auto body = issue(key, f);
      if (!body) return plain(500, {{"status", "unknown"}, {"message", body.error().message}});
      answer = json::value::object_type{{"body", std::move(*body)}, {"status", "success"}};
    }
    auto sealed_body = seal_refresh_response(*response_key, json::write(answer));
    if (!sealed_body) return plain(500, {{"status", "unknown"}, {"message", sealed_body.error().message}});
    return respond(200, std::move(*sealed_body), "text/plain");
  }

  /// The identity an advertising token was issued for, if it is one of ours.
  std::optional<identity_key> token_identity(std::string_view token) {
    if (!token.starts_with("A4")) return std::nullopt;
    std::string b64(token.substr(2));
    for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (b64.size() % 4) b64 += '=';
    std::array<std::uint8_t, 12 + 2 + uid2::hash_size + 8 + 16> raw{};
    const codec_result d = base64::decode(b64, std::span<std::uint8_t>(raw));
    if (!d || d.size != raw.size()) return std::nullopt;
    crypto::gcm_iv iv{};
    crypto::gcm_tag tag{};
    std::memcpy(iv.data(), raw.data(), iv.size());
    std::memcpy(tag.data(), raw.data() + raw.size() - tag.size(), tag.size());
    std::span<std::uint8_t> ct(raw.data() + iv.size(), 2 + uid2::hash_size + 8);
    if (token_key_->open(iv, ct, tag, ct.data()) != errc{}) return std::nullopt;
    return identity_key{static_cast<char>(ct[1]), std::string(reinterpret_cast<const char*>(ct.data() + 2), uid2::hash_size)};
  }

  http::response validate(const json::value& payload, const uid2::nonce_bytes& nonce) {
    const auto* token = payload.find("token");
    if (token == nullptr || token->if_string() == nullptr) return client_error("Required Parameter Missing: token");
    auto id = one_identity(payload);
    if (auto* err = std::get_if<http::response>(&id)) return std::move(*err);
    auto issued_for = token_identity(*token->if_string());
    if (!issued_for) return client_error("Invalid token");
    const bool match = *issued_for == std::get<identity_key>(id);
    return sealed(nonce, json::value::object_type{{"body", match}, {"status", "success"}});
  }

  http::response identity_map(const json::value& payload, const uid2::nonce_bytes& nonce) {
    auto body = json::value::reserved_object();
    std::size_t total = 0;
    for (std::string_view kind : {"email", "email_hash", "phone", "phone_hash"}) {
      const auto* v = payload.find(kind);
      if (v == nullptr) continue;
      const auto* items = v->if_array();
      if (items == nullptr) return client_error("Invalid payload in body: " + std::string(kind) + " must be an array");
      total += items->size();
      if (total > 5000) return client_error("Request too large: at most 5000 identifiers per request");
      json::value::array_type out;
      for (const auto& item : *items) {
        auto key = to_key(kind, item);
        if (!key) out.emplace_back(json::value::object_type{{"e", "invalid identifier"}});
        else if (listed(optout_, *key) || listed(refresh_optout_, *key))
          out.emplace_back(json::value::object_type{{"e", "optout"}});
        else out.emplace_back(json::value::object_type{{"u", raw_uid(*key)}, {"p", nullptr}, {"r", now() / 1000 + 30 * 86400}});
      }
      body.emplace_back(std::string(kind), std::move(out));
    }
    if (body.empty())
      return client_error("Required Parameter Missing: one or more of [email, email_hash, phone, phone_hash] must be specified");
    return sealed(nonce, json::value::object_type{{"body", std::move(body)}, {"status", "success"}});
  }

  /// A stable raw UID per identity: base64(SHA-256(salt | kind | hash)).
  std::string raw_uid(const identity_key& k) const {
    std::string in(reinterpret_cast<const char*>(map_salt_.data()), map_salt_.size());
    in += k.kind;
    in += k.hash;
    auto d = crypto::sha256(in);
    return d ? base64::encode(std::span<const std::uint8_t>(*d)) : std::string();
  }

  sandbox_options options_;
  std::optional<crypto::aes256_gcm> secret_key_;
  std::optional<crypto::aes256_gcm> token_key_;
  std::array<std::uint8_t, 16> map_salt_{};
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
