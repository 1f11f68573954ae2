// UID2/EUID advertising tokens, sans-io: decryption of v2 (AES-256-CBC), v3 and v4 (AES-256-GCM,
// two layers) tokens into a raw UID2, and encryption of a raw UID2 into a v4 sharing token.
// Nothing here allocates, throws or reads the clock: time is an argument, output goes to caller
// storage. Byte layouts: docs/tokens.md.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/detail/endian.hpp>
#include <tokenmint/uid2/keys.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

namespace tokenmint::uid2 {

/// What decrypting a token gave. Names (snake_case) are the SDKs' statuses.
enum class decryption_status : unsigned char {
  success,
  not_authorized_for_master_key,    ///< the token's master key is not among the keys (old token, or access removed)
  not_authorized_for_key,           ///< the token's site key is not among the keys (no sharing permission)
  not_initialized,                  ///< no key answer yet
  invalid_payload,                  ///< not a token: bad base64, truncated, tampered, wrong key bytes
  expired_token,                    ///< now > the token's expiry
  keys_not_synced,                  ///< every key has expired: refresh the keys
  version_not_supported,            ///< a token version other than 2, 3 (112) and 4 (128)
  invalid_identity_scope,           ///< a UID2 token given to an EUID client, or the reverse
  invalid_token_lifetime,           ///< lives longer than the answer's maximum, or issued too far in the future
  domain_or_app_name_check_failed,  ///< a client-side-generated token for a domain or app its site does not list
  user_opted_out,                   ///< the opt-out privacy bit is set (only with `check_optout`)
};

/// What encrypting a raw UID2 gave.
enum class encryption_status : unsigned char {
  success,
  not_authorized_for_master_key,  ///< no active key in the master keyset
  not_authorized_for_key,         ///< no active key in the default keyset (or no default keyset)
  not_initialized,                ///< no key answer yet
  keys_not_synced,                ///< every key has expired: refresh the keys
  encryption_failure,             ///< the raw UID2 is not base64 of 32 or 33 bytes, or the cipher failed
};

constexpr std::string_view to_string(decryption_status s) noexcept {
  switch (s) {
    case decryption_status::success: return "success";
    case decryption_status::not_authorized_for_master_key: return "not_authorized_for_master_key";
    case decryption_status::not_authorized_for_key: return "not_authorized_for_key";
    case decryption_status::not_initialized: return "not_initialized";
    case decryption_status::invalid_payload: return "invalid_payload";
    case decryption_status::expired_token: return "expired_token";
    case decryption_status::keys_not_synced: return "keys_not_synced";
    case decryption_status::version_not_supported: return "version_not_supported";
    case decryption_status::invalid_identity_scope: return "invalid_identity_scope";
    case decryption_status::invalid_token_lifetime: return "invalid_token_lifetime";
    case decryption_status::domain_or_app_name_check_failed: return "domain_or_app_name_check_failed";
    case decryption_status::user_opted_out: return "user_opted_out";
  }
  return "invalid_payload";
}

constexpr std::string_view to_string(encryption_status s) noexcept {
  switch (s) {
    case encryption_status::success: return "success";
    case encryption_status::not_authorized_for_master_key: return "not_authorized_for_master_key";
    case encryption_status::not_authorized_for_key: return "not_authorized_for_key";
    case encryption_status::not_initialized: return "not_initialized";
    case encryption_status::keys_not_synced: return "keys_not_synced";
    case encryption_status::encryption_failure: return "encryption_failure";
  }
  return "encryption_failure";
}

/// Email or phone: bits 2-3 of a v3/v4 token's (or a 33-byte raw UID2's) first byte.
enum class identity_type : unsigned char { email = 0, phone = 1 };

constexpr std::string_view to_string(identity_type t) noexcept { return t == identity_type::phone ? "phone" : "email"; }

/// Who decrypts: a DSP (`/v2/key/bidstream` keys: domain/app check for client-side-generated
/// tokens, `max_bidstream_lifetime_seconds`) or a sharing participant (`/v2/key/sharing` keys:
/// `max_sharing_lifetime_seconds`, no domain check).
enum class token_context : unsigned char { bidstream, sharing };

struct decrypt_options {
  token_context context = token_context::bidstream;
  /// Report privacy bit 2 (the user opted out after a client-side generate) as
  /// `user_opted_out`, as the .NET SDK does; off by default like the Java SDK.
  bool check_optout = false;
};

/// A decrypted token. Every field but `status` is meaningful only on success.
struct decryption_result {
  decryption_status status = decryption_status::not_initialized;
  std::int64_t established_ms = 0;     ///< when the identity was first generated
  std::int64_t site_id = 0;            ///< the publisher's site
  std::int64_t site_key_site_id = 0;   ///< the site of the key the token was encrypted with (0 for keyset keys)
  std::optional<identity_type> type;   ///< null for v2 tokens
  int version = 0;                     ///< 2, 3 or 4
  bool client_side_generated = false;  ///< privacy bit 1
  bool opted_out = false;              ///< privacy bit 2, reported whatever `check_optout` says
  std::int64_t expires_ms = 0;         ///< the token's expiry

  /// The raw UID2 as standard padded base64 (44 characters; for v2 tokens the text inside).
  std::string_view uid() const noexcept { return {uid_.data(), uid_size_}; }
  bool ok() const noexcept { return status == decryption_status::success; }

  std::array<char, 64> uid_{};
  std::size_t uid_size_ = 0;
};

/// An encrypted token (v4, base64url without padding, 218 or 219 characters).
struct encryption_result {
  encryption_status status = encryption_status::not_initialized;
  std::string_view token() const noexcept { return {token_.data(), token_size_}; }
  bool ok() const noexcept { return status == encryption_status::success; }

  std::array<char, 224> token_{};
  std::size_t token_size_ = 0;
};

/// IVs to use instead of the keys' sequences: for reproducing vectors only.
struct encrypt_options {
  const crypto::gcm_iv* master_iv = nullptr;
  const crypto::gcm_iv* site_iv = nullptr;
};

/// Every field of a v3/v4 token, for `seal_token` (the sharing encrypter and the sandbox).
struct token_fields {
  int version = 4;  ///< 3 or 4 (the text encoding differs)
  identity_scope scope = identity_scope::uid2;
  identity_type type = identity_type::email;
  std::int64_t expires_ms = 0;
  std::int64_t created_ms = 0;
  std::int32_t operator_site_id = 0;
  std::uint8_t operator_type = 1;  ///< 1 = service
  std::int32_t operator_version = 0;
  std::int32_t operator_key_id = 0;
  std::int32_t site_id = 0;
  std::int64_t publisher_id = 0;
  std::int32_t client_key_id = 0;
  std::int32_t privacy_bits = 0;  ///< bit 1: client-side generated; bit 2: opted out
  std::int64_t established_ms = 0;
  std::int64_t refreshed_ms = 0;
  std::span<const std::uint8_t> raw_uid;  ///< 32 or 33 bytes
};

namespace detail {

inline constexpr std::size_t max_token_chars = 1024;
inline constexpr std::size_t max_token_bytes = max_token_chars / 4 * 3;
inline constexpr std::uint8_t version_v2 = 2, version_v3 = 112, version_v4 = 128;
inline constexpr std::size_t master_header_size = 33;  // expires, created, operator (13 bytes), site key id
inline constexpr std::size_t site_header_size = 36;    // site id, publisher id, client key id, privacy, established, refreshed
inline constexpr std::size_t gcm_overhead = crypto::gcm_iv_size + crypto::gcm_tag_size;

using tokenmint::detail::load_be64;
using tokenmint::detail::store_be64;

inline std::int32_t load_be32(const std::uint8_t* p) noexcept {
  return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3]);
}
inline void store_be32(std::uint8_t* p, std::int32_t v) noexcept {
  const auto u = static_cast<std::uint32_t>(v);
  p[0] = static_cast<std::uint8_t>(u >> 24);
  p[1] = static_cast<std::uint8_t>(u >> 16);
  p[2] = static_cast<std::uint8_t>(u >> 8);
  p[3] = static_cast<std::uint8_t>(u);
}

constexpr std::int64_t floor_seconds(std::int64_t ms) noexcept { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

/// Steps 6-9 of the check order, common to every version (docs/tokens.md).
inline decryption_status check_token(const key_container& kc, std::int64_t generated_ms, std::int32_t privacy,
                                     std::string_view domain, std::int64_t now_ms, const decrypt_options& o,
                                     decryption_result& out) noexcept {
  if (now_ms > out.expires_ms) return decryption_status::expired_token;
  out.client_side_generated = (privacy & 2) != 0;
  out.opted_out = (privacy & 4) != 0;
  if (o.check_optout && out.opted_out) return decryption_status::user_opted_out;
  if (o.context == token_context::bidstream && out.client_side_generated) {
    const site* s = kc.find_site(out.site_id);
    if (domain.empty() || s == nullptr || !s->allows(domain)) return decryption_status::domain_or_app_name_check_failed;
  }
  const auto& max = o.context == token_context::bidstream ? kc.max_bidstream_lifetime_seconds : kc.max_sharing_lifetime_seconds;
  // Whole seconds, truncated, as the Java SDK compares them.
  if (max && floor_seconds(out.expires_ms - generated_ms) > *max) return decryption_status::invalid_token_lifetime;
  if (floor_seconds(generated_ms - now_ms) > kc.allow_clock_skew_seconds) return decryption_status::invalid_token_lifetime;
  return decryption_status::success;
}

inline decryption_status decrypt_v2(const key_container& kc, std::span<std::uint8_t> b, std::string_view domain,
                                    std::int64_t now_ms, const decrypt_options& o, decryption_result& out) noexcept {
  // version 1 | master key id 4 | IV 16 | CBC(expires 8 | site key id 4 | IV 16 | CBC(identity))
  if (b.size() < 5) return decryption_status::invalid_payload;
  const key* master = kc.find(load_be32(b.data() + 1));
  if (master == nullptr) return decryption_status::not_authorized_for_master_key;
  if (b.size() < 21 + 16) return decryption_status::invalid_payload;
  std::array<std::uint8_t, max_token_bytes> mp;
  std::size_t mp_size = 0;
  if (master->cipher.decrypt_cbc(b.data() + 5, b.subspan(21), mp.data(), mp_size) != errc{})
    return decryption_status::invalid_payload;
  if (mp_size < 28 + 16) return decryption_status::invalid_payload;
  out.expires_ms = load_be64(mp.data());
  const key* site_key = kc.find(load_be32(mp.data() + 8));
  if (site_key == nullptr) return decryption_status::not_authorized_for_key;
  std::array<std::uint8_t, max_token_bytes> ip;
  std::size_t ip_size = 0;
  if (site_key->cipher.decrypt_cbc(mp.data() + 12, std::span<const std::uint8_t>(mp.data() + 28, mp_size - 28), ip.data(),
                                   ip_size) != errc{})
    return decryption_status::invalid_payload;
  // site id 4 | uid length 4 | uid text | privacy bits 4 | established 8
  if (ip_size < 8) return decryption_status::invalid_payload;
  const std::int32_t len = load_be32(ip.data() + 4);
  if (len <= 0 || static_cast<std::size_t>(len) > out.uid_.size() || ip_size < 8 + static_cast<std::size_t>(len) + 12)
    return decryption_status::invalid_payload;
  out.site_id = load_be32(ip.data());
  std::memcpy(out.uid_.data(), ip.data() + 8, static_cast<std::size_t>(len));
  out.uid_size_ = static_cast<std::size_t>(len);
  const std::int32_t privacy = load_be32(ip.data() + 8 + len);
  out.established_ms = load_be64(ip.data() + 12 + len);
  out.site_key_site_id = site_key->site_id.value_or(0);
  out.version = 2;
  out.type.reset();
  return check_token(kc, now_ms, privacy, domain, now_ms, o, out);  // no "generated" time: now
}

inline decryption_status decrypt_v3_v4(const key_container& kc, std::span<std::uint8_t> b, int version, std::string_view domain,
                                       std::int64_t now_ms, const decrypt_options& o, decryption_result& out) noexcept {
  // scope/type 1 | version 1 | master key id 4 | GCM(master payload) ; master payload =
  // expires 8 | created 8 | operator 13 | site key id 4 | GCM(site payload)
  if (static_cast<identity_scope>((b[0] >> 4) & 1) != kc.scope) return decryption_status::invalid_identity_scope;
  if (b.size() < 6) return decryption_status::invalid_payload;
  const key* master = kc.find(load_be32(b.data() + 2));
  if (master == nullptr) return decryption_status::not_authorized_for_master_key;
  const auto master_blob = b.subspan(6);
  if (master_blob.size() < gcm_overhead + master_header_size + gcm_overhead + site_header_size + 32)
    return decryption_status::invalid_payload;
  std::uint8_t* mp = master_blob.data() + crypto::gcm_iv_size;  // opened in place
  const std::size_t mp_size = master_blob.size() - gcm_overhead;
  if (master->cipher.open_gcm(master_blob, mp) != errc{}) return decryption_status::invalid_payload;
  out.expires_ms = load_be64(mp);
  const std::int64_t created_ms = load_be64(mp + 8);
  const key* site_key = kc.find(load_be32(mp + 29));
  if (site_key == nullptr) return decryption_status::not_authorized_for_key;
  const std::span<std::uint8_t> site_blob(mp + master_header_size, mp_size - master_header_size);
  std::uint8_t* sp = site_blob.data() + crypto::gcm_iv_size;
  const std::size_t sp_size = site_blob.size() - gcm_overhead;
  const std::size_t uid_size = sp_size - site_header_size;
  if (uid_size != 32 && uid_size != 33) return decryption_status::invalid_payload;
  if (site_key->cipher.open_gcm(site_blob, sp) != errc{}) return decryption_status::invalid_payload;
  const unsigned type = (b[0] >> 2) & 3;
  if (type > 1) return decryption_status::invalid_payload;
  out.type = static_cast<identity_type>(type);
  out.site_id = load_be32(sp);
  const std::int32_t privacy = load_be32(sp + 16);
  out.established_ms = load_be64(sp + 20);
  const codec_result e = base64::encode(std::span<const std::uint8_t>(sp + site_header_size, uid_size), out.uid_);
  out.uid_size_ = e.size;
  out.site_key_site_id = site_key->site_id.value_or(0);
  out.version = version;
  return check_token(kc, created_ms, privacy, domain, now_ms, o, out);
}

inline bool is_url_char(char c) noexcept { return c == '-' || c == '_'; }

}  // namespace detail

/// Decrypt `token` with the keys of `kc` (null: `not_initialized`) at `now_ms`, for a DSP
/// (`domain_or_app_name` is checked when the token was generated client-side; empty: no name,
/// so such tokens fail) or a sharing participant, into `out`. Checks, in this order (the Java
/// SDK's): keys present and unexpired, the token's version, identity scope (v3/v4), master
/// key, first layer, site key, second layer, expiry (a token is valid at `now == expires`),
/// opt-out (when asked), domain or app name (bidstream), lifetime and clock skew. v4 tokens
/// are accepted in base64url (as issued) and in standard base64; v2 and v3 in standard base64.
/// Any malformed input is `invalid_payload`: never an exception, a crash or a read out of
/// bounds. No allocation; thread-safe for a `kc` that is not being destroyed.
inline decryption_status decrypt_token(const key_container* kc, std::string_view token, std::string_view domain_or_app_name,
                                       std::int64_t now_ms, decryption_result& out, const decrypt_options& o = {}) noexcept {
  out = decryption_result{};
  auto done = [&](decryption_status s) { return out.status = s; };
  if (kc == nullptr) return done(decryption_status::not_initialized);
  if (!kc->valid_at(now_ms)) return done(decryption_status::keys_not_synced);
  if (token.size() < 4 || token.size() > detail::max_token_chars) return done(decryption_status::invalid_payload);
  // The version is in the first 3 bytes, whose alphabet the first 4 characters tell.
  const bool url_head = std::any_of(token.begin(), token.begin() + 4, detail::is_url_char);
  std::array<std::uint8_t, 3> head{};
  if (!base64::decode(token.substr(0, 4), head, url_head ? base64::alphabet::url : base64::alphabet::standard,
                      base64::padding::none))
    return done(decryption_status::invalid_payload);
  int version = 0;
  base64::alphabet a = base64::alphabet::standard;
  base64::padding p = base64::padding::required;
  if (head[0] == detail::version_v2) {
    version = 2;
  } else if (head[1] == detail::version_v3) {
    version = 3;
  } else if (head[1] == detail::version_v4) {
    version = 4;
    a = base64::alphabet::url;  // as issued: base64url, unpadded; standard base64 is tried below
    p = base64::padding::none;
  } else {
    return done(decryption_status::version_not_supported);
  }
  std::array<std::uint8_t, detail::max_token_bytes> bytes;
  codec_result d = base64::decode(token, bytes, a, p);
  if (!d && version == 4 && d.offset < token.size() &&
      (token[d.offset] == '+' || token[d.offset] == '/' || token[d.offset] == '=')) {
    // A v4 token re-encoded in standard base64, padded or not (no scan on the usual path).
    d = base64::decode(token, bytes, base64::alphabet::standard,
                       token.back() == '=' ? base64::padding::required : base64::padding::none);
  }
  if (!d || d.size < 2) return done(decryption_status::invalid_payload);
  const std::span<std::uint8_t> b(bytes.data(), d.size);
  if (version == 2) return done(detail::decrypt_v2(*kc, b, domain_or_app_name, now_ms, o, out));
  return done(detail::decrypt_v3_v4(*kc, b, version, domain_or_app_name, now_ms, o, out));
}

/// Encrypt every field of `f` into a v3 (standard base64) or v4 (base64url) token in `out`,
/// the first layer under `master`, the second under `site_key`. IVs from the keys' sequences
/// unless given. No allocation.
inline encryption_status seal_token(const token_fields& f, const key& master, const key& site_key, encryption_result& out,
                                    const encrypt_options& o = {}) noexcept {
  out.token_size_ = 0;
  if ((f.raw_uid.size() != 32 && f.raw_uid.size() != 33) || (f.version != 3 && f.version != 4))
    return out.status = encryption_status::encryption_failure;
  using namespace detail;
  std::array<std::uint8_t, site_header_size + 33> sp;
  store_be32(sp.data(), f.site_id);
  store_be64(sp.data() + 4, f.publisher_id);
  store_be32(sp.data() + 12, f.client_key_id);
  store_be32(sp.data() + 16, f.privacy_bits);
  store_be64(sp.data() + 20, f.established_ms);
  store_be64(sp.data() + 28, f.refreshed_ms);
  std::memcpy(sp.data() + site_header_size, f.raw_uid.data(), f.raw_uid.size());
  const std::size_t sp_size = site_header_size + f.raw_uid.size();

  std::array<std::uint8_t, master_header_size + gcm_overhead + sp.size()> mp;
  store_be64(mp.data(), f.expires_ms);
  store_be64(mp.data() + 8, f.created_ms);
  store_be32(mp.data() + 16, f.operator_site_id);
  mp[20] = f.operator_type;
  store_be32(mp.data() + 21, f.operator_version);
  store_be32(mp.data() + 25, f.operator_key_id);
  store_be32(mp.data() + 29, static_cast<std::int32_t>(site_key.id));
  if (site_key.cipher.seal_gcm(std::span(sp.data(), sp_size), mp.data() + master_header_size, o.site_iv) != errc{})
    return out.status = encryption_status::encryption_failure;
  const std::size_t mp_size = master_header_size + gcm_overhead + sp_size;

  std::array<std::uint8_t, 6 + gcm_overhead + mp.size()> tb;
  tb[0] = static_cast<std::uint8_t>(static_cast<unsigned>(f.scope) << 4 | static_cast<unsigned>(f.type) << 2 | 3);
  tb[1] = f.version == 3 ? version_v3 : version_v4;
  store_be32(tb.data() + 2, static_cast<std::int32_t>(master.id));
  if (master.cipher.seal_gcm(std::span(mp.data(), mp_size), tb.data() + 6, o.master_iv) != errc{})
    return out.status = encryption_status::encryption_failure;
  const std::size_t tb_size = 6 + gcm_overhead + mp_size;
  const codec_result e =
      f.version == 3
          ? base64::encode(std::span(tb.data(), tb_size), out.token_, base64::alphabet::standard, base64::padding::required)
          : base64::encode(std::span(tb.data(), tb_size), out.token_, base64::alphabet::url, base64::padding::none);
  if (!e) return out.status = encryption_status::encryption_failure;
  out.token_size_ = e.size;
  return out.status = encryption_status::success;
}

/// Encrypt a raw UID2 (standard base64 of 32 or 33 bytes) into a v4 sharing token with the
/// active key of `master_keyset_id` and of `default_keyset_id` at `now_ms`: expiry `now +
/// token_expiry_seconds`, site id `caller_site_id` (0 when absent), created, established and
/// refreshed all `now_ms`, identity type from the raw UID2's first byte (33 bytes; email for
/// 32), the answer's identity scope. No allocation; thread-safe.
inline encryption_status encrypt_raw_uid(const key_container* kc, std::string_view raw_uid, std::int64_t now_ms,
                                         encryption_result& out, const encrypt_options& o = {}) noexcept {
  out.token_size_ = 0;
  if (kc == nullptr) return out.status = encryption_status::not_initialized;
  if (!kc->valid_at(now_ms)) return out.status = encryption_status::keys_not_synced;
  const key* master = kc->master_keyset_id ? kc->active_key(*kc->master_keyset_id, now_ms) : nullptr;
  if (master == nullptr) return out.status = encryption_status::not_authorized_for_master_key;
  const key* site_key = kc->default_keyset_id ? kc->active_key(*kc->default_keyset_id, now_ms) : nullptr;
  if (site_key == nullptr) return out.status = encryption_status::not_authorized_for_key;
  std::array<std::uint8_t, 34> raw{};
  const codec_result d = base64::decode(raw_uid, raw);
  if (!d || (d.size != 32 && d.size != 33)) return out.status = encryption_status::encryption_failure;
  token_fields f;
  f.scope = kc->scope;
  if (d.size == 33) {
    const unsigned type = (raw[0] >> 2) & 3;
    if (type > 1) return out.status = encryption_status::encryption_failure;
    f.type = static_cast<identity_type>(type);
  }
  if (kc->token_expiry_seconds > (std::numeric_limits<std::int64_t>::max() - now_ms) / 1000)
    return out.status = encryption_status::encryption_failure;
  f.expires_ms = now_ms + kc->token_expiry_seconds * 1000;
  f.created_ms = f.established_ms = f.refreshed_ms = now_ms;
  f.site_id = static_cast<std::int32_t>(kc->caller_site_id.value_or(0));
  f.raw_uid = std::span<const std::uint8_t>(raw.data(), d.size);
  return seal_token(f, *master, *site_key, out, o);
}

}  // namespace tokenmint::uid2
