// The UID2/EUID v2 encrypted envelope, both sides, sans-io (protocol page, sections 2 and 5).
//
//   request  = base64( 0x01 | IV(12) | GCM( ts_ms BE(8) | nonce(8) | json ) | tag(16) )
//   response = base64(        IV(12) | GCM( ts_ms BE(8) | nonce(8) | json ) | tag(16) )
//   refresh response = base64( IV(12) | GCM( json ) | tag(16) ), keyed by refresh_response_key
//
// Every function writes into caller-provided memory and never allocates on success, so a
// client that keeps its key and buffers seals and opens with no heap traffic. Returned views
// point into the caller's buffers.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/detail/endian.hpp>
#include <tokenmint/json/validate.hpp>
#include <tokenmint/uid2/flavour.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::uid2 {

inline constexpr std::uint8_t envelope_version = 1;
inline constexpr std::size_t nonce_size = 8;
inline constexpr std::size_t timestamp_size = 8;
/// version + IV + timestamp + nonce + tag: the smallest request envelope (empty JSON).
inline constexpr std::size_t request_overhead = 1 + crypto::gcm_iv_size + timestamp_size + nonce_size + crypto::gcm_tag_size;
/// IV + timestamp + nonce + tag.
inline constexpr std::size_t response_overhead = crypto::gcm_iv_size + timestamp_size + nonce_size + crypto::gcm_tag_size;
/// IV + tag.
inline constexpr std::size_t refresh_response_overhead = crypto::gcm_iv_size + crypto::gcm_tag_size;
/// The operator refuses bodies over 1 MiB (HTTP 413).
inline constexpr std::size_t max_body_size = std::size_t{1} << 20;

using nonce_bytes = std::array<std::uint8_t, nonce_size>;

/// Base64 characters of a request envelope around `json_size` bytes of JSON.
constexpr std::size_t sealed_request_size(std::size_t json_size) noexcept {
  return base64::encoded_size(json_size + request_overhead);
}
constexpr std::size_t sealed_response_size(std::size_t json_size) noexcept {
  return base64::encoded_size(json_size + response_overhead);
}
constexpr std::size_t sealed_refresh_response_size(std::size_t json_size) noexcept {
  return base64::encoded_size(json_size + refresh_response_overhead);
}
/// Scratch bytes an `open_*` call needs for a body of `body_size` characters.
constexpr std::size_t open_scratch_size(std::size_t body_size) noexcept { return base64::max_decoded_size(body_size); }

/// Decode a base64 AES-256 key (client secret or refresh_response_key) and key a context with
/// it. The decoded bytes are wiped before returning. `field` names the input in errors.
inline result<crypto::aes256_gcm> make_key(std::string_view key_b64, std::string_view field = "client_secret") {
  std::array<std::uint8_t, 33> raw{};  // one spare byte so that a 33-byte key is seen as such
  const codec_result r = base64::decode(key_b64, std::span<std::uint8_t>(raw));
  if (!r) {
    const bool too_long = r.ec == errc::buffer_too_small;
    return error{errc::invalid_key,
                 std::string(field) + (too_long ? ": longer than base64 of 32 bytes"
                                                : ": not valid base64 (offset " + std::to_string(r.offset) + ")")};
  }
  if (r.size != crypto::aes256_key_size) {
    tokenmint::detail::cleanse(raw.data(), raw.size());
    return error{errc::invalid_key,
                 std::string(field) + ": expected base64 of 32 bytes, got " + std::to_string(r.size) + " bytes"};
  }
  auto key = crypto::aes256_gcm::create(std::span<const std::uint8_t>(raw.data(), crypto::aes256_key_size));
  tokenmint::detail::cleanse(raw.data(), raw.size());
  return key;
}

inline result<crypto::aes256_gcm> make_key(const secret_string& key_b64, std::string_view field = "client_secret") {
  return make_key(std::string_view(key_b64.reveal()), field);
}

namespace detail {

using tokenmint::detail::load_be64;
using tokenmint::detail::store_be64;

// The plaintext prefix of requests and responses: timestamp (int64 BE) then nonce.
using envelope_header = std::array<std::uint8_t, timestamp_size + nonce_size>;
inline envelope_header make_header(std::int64_t timestamp_ms, const nonce_bytes& nonce) noexcept {
  envelope_header h{};
  store_be64(h.data(), timestamp_ms);
  std::memcpy(h.data() + timestamp_size, nonce.data(), nonce_size);
  return h;
}

// IV: the caller's (test vectors) or the key's own sequence.
inline errc pick_iv(crypto::aes256_gcm& key, const std::optional<crypto::gcm_iv>& given, crypto::gcm_iv& iv) noexcept {
  if (given) {
    iv = *given;
    return {};
  }
  return key.next_iv(iv);
}

// Seal [prefix | IV | GCM(header | json) | tag] into `out` (binary). Returns bytes written.
inline result<std::size_t> seal_binary(crypto::aes256_gcm& key, bool with_version, std::span<const std::uint8_t> header,
                                       std::string_view json, const std::optional<crypto::gcm_iv>& given_iv,
                                       std::span<std::uint8_t> out) {
  const std::size_t prefix = with_version ? 1 : 0;
  const std::size_t total = prefix + crypto::gcm_iv_size + header.size() + json.size() + crypto::gcm_tag_size;
  if (out.size() < total) return error{errc::buffer_too_small, "envelope: output buffer too small"};
  crypto::gcm_iv iv{};
  if (pick_iv(key, given_iv, iv) != errc{}) return error{errc::crypto_backend, "envelope: could not draw an IV"};
  std::uint8_t* p = out.data();
  if (with_version) *p++ = envelope_version;
  std::memcpy(p, iv.data(), iv.size());
  p += iv.size();
  crypto::gcm_tag tag{};
  const errc e = key.seal(iv, {header, as_bytes(json)}, p, tag);
  if (e != errc{}) return error{e, "envelope: AES-256-GCM seal failed"};
  std::memcpy(p + header.size() + json.size(), tag.data(), tag.size());
  return total;
}

// Seal as above, then base64 in place: the binary envelope is written at the tail of `out`
// and encoded forwards over itself, so one buffer serves both.
inline result<std::size_t> seal_base64(crypto::aes256_gcm& key, bool with_version, std::span<const std::uint8_t> header,
                                       std::string_view json, const std::optional<crypto::gcm_iv>& given_iv,
                                       std::span<char> out) {
  const std::size_t binary = (with_version ? 1 : 0) + crypto::gcm_iv_size + header.size() + json.size() + crypto::gcm_tag_size;
  const std::size_t encoded = base64::encoded_size(binary);
  if (out.size() < encoded) return error{errc::buffer_too_small, "envelope: output buffer too small"};
  auto* tail = reinterpret_cast<std::uint8_t*>(out.data()) + (encoded - binary);
  auto sealed = seal_binary(key, with_version, header, json, given_iv, std::span<std::uint8_t>(tail, binary));
  if (!sealed) return sealed;
  (void)base64::encode(std::span<const std::uint8_t>(tail, binary), out.first(encoded));
  return encoded;
}

inline result<std::size_t> check_json_size(std::string_view json, std::size_t overhead) {
  if (base64::encoded_size(json.size() + overhead) > max_body_size)
    return error{errc::invalid_argument,
                 "request JSON too large: " + std::to_string(json.size()) + " bytes; the operator accepts bodies up to 1 MiB"};
  return std::size_t{0};
}

}  // namespace detail

// ------------------------------------------------------------------------------------------
// Client side
// ------------------------------------------------------------------------------------------

/// What goes into a request envelope besides the JSON. `nonce` must be kept to check the
/// response. `iv` is for reproducing vectors only: by default the key's unique sequence is used.
struct request_params {
  std::int64_t timestamp_ms = 0;
  nonce_bytes nonce{};
  std::optional<crypto::gcm_iv> iv{};
};

/// Fresh parameters for one request: current time and a random nonce.
inline result<request_params> make_request_params(std::int64_t now_ms) {
  request_params p;
  p.timestamp_ms = now_ms;
  if (crypto::random_bytes(p.nonce) != errc{}) return error{errc::crypto_backend, "could not draw a nonce"};
  return p;
}

/// Seal `json` (sent as is) into `out`, which must hold `sealed_request_size(json.size())`
/// characters: the exact POST body. Returns the characters written.
inline result<std::size_t> seal_request(crypto::aes256_gcm& key, const request_params& params, std::string_view json,
                                        std::span<char> out) {
  if (auto ok = detail::check_json_size(json, request_overhead); !ok) return ok;
  const auto header = detail::make_header(params.timestamp_ms, params.nonce);
  return detail::seal_base64(key, true, header, json, params.iv, out);
}

/// As `seal_request`, into a new string.
inline result<std::string> seal_request(crypto::aes256_gcm& key, const request_params& params, std::string_view json) {
  std::string out(sealed_request_size(json.size()), '\0');
  auto n = seal_request(key, params, json, std::span<char>(out.data(), out.size()));
  if (!n) return std::move(n).error();
  return out;
}

/// The raw binary envelope (for `Content-Type: application/octet-stream`), `json.size() + 45` bytes.
inline result<std::size_t> seal_request_binary(crypto::aes256_gcm& key, const request_params& params, std::string_view json,
                                               std::span<std::uint8_t> out) {
  if (auto ok = detail::check_json_size(json, request_overhead); !ok) return ok;
  const auto header = detail::make_header(params.timestamp_ms, params.nonce);
  return detail::seal_binary(key, true, header, json, params.iv, out);
}

/// A decrypted generate/validate/identity-map response.
struct opened_response {
  std::int64_t server_timestamp_ms = 0;
  std::string_view json;  ///< points into the scratch buffer given to `open_response`
};

namespace detail {

// base64 body -> scratch, with the minimum size checked; `what` prefixes messages.
inline result<std::span<std::uint8_t>> decode_body(std::string_view body, std::span<std::uint8_t> scratch, std::size_t min_size,
                                                   const char* what) {
  const codec_result r = base64::decode(body, scratch);
  if (r.ec == errc::buffer_too_small)
    return error{errc::buffer_too_small, std::string(what) + ": scratch buffer too small (need open_scratch_size)"};
  if (!r)
    return error{errc::invalid_base64,
                 std::string(what) + ": body is not valid base64 (offset " + std::to_string(r.offset) + ")"};
  if (r.size < min_size)
    return error{errc::envelope_too_short, std::string(what) + ": " + std::to_string(r.size) +
                                               " bytes after base64 decoding, at least " + std::to_string(min_size) + " needed"};
  return scratch.first(r.size);
}

// IV | ciphertext | tag in `env`, decrypted in place; returns the plaintext span.
inline result<std::span<std::uint8_t>> open_in_place(crypto::aes256_gcm& key, std::span<std::uint8_t> env, const char* what) {
  crypto::gcm_iv iv{};
  crypto::gcm_tag tag{};
  std::memcpy(iv.data(), env.data(), iv.size());
  std::memcpy(tag.data(), env.data() + env.size() - tag.size(), tag.size());
  const auto ct = env.subspan(iv.size(), env.size() - iv.size() - tag.size());
  const errc e = key.open(iv, ct, tag, ct.data());
  if (e == errc::authentication_failed)
    return error{e, std::string(what) + ": authentication failed (wrong key, or the data was altered)"};
  if (e != errc{}) return error{e, std::string(what) + ": AES-256-GCM open failed"};
  return ct;
}

}  // namespace detail

/// Open a generate/validate/identity-map response (HTTP 200 body) sealed with the client secret.
/// Checks the nonce echo; on any failure nothing decrypted is released (scratch is wiped).
/// `scratch` needs `open_scratch_size(body.size())` bytes and holds the returned JSON.
inline result<opened_response> open_response(crypto::aes256_gcm& key, std::string_view body, const nonce_bytes& expected,
                                             std::span<std::uint8_t> scratch) {
  auto env = detail::decode_body(body, scratch, response_overhead, "response");
  if (!env) return std::move(env).error();
  auto pt = detail::open_in_place(key, *env, "response");
  if (!pt) return std::move(pt).error();
  if (std::memcmp(pt->data() + timestamp_size, expected.data(), nonce_size) != 0) {
    tokenmint::detail::cleanse(pt->data(), pt->size());
    return error{errc::nonce_mismatch, "response: nonce does not match the request's nonce"};
  }
  const auto json = pt->subspan(timestamp_size + nonce_size);
  return opened_response{detail::load_be64(pt->data()), as_chars(json)};
}

/// As above, growing `buffer` as needed (a buffer kept across calls stops allocating).
inline result<opened_response> open_response(crypto::aes256_gcm& key, std::string_view body, const nonce_bytes& expected,
                                             std::vector<std::uint8_t>& buffer) {
  if (buffer.size() < open_scratch_size(body.size())) buffer.resize(open_scratch_size(body.size()));
  return open_response(key, body, expected, std::span<std::uint8_t>(buffer));
}

/// Open a /v2/token/refresh response (HTTP 200 body) with the identity's refresh_response_key:
/// no timestamp or nonce inside, the plaintext is the whole JSON.
inline result<std::string_view> open_refresh_response(crypto::aes256_gcm& key, std::string_view body,
                                                      std::span<std::uint8_t> scratch) {
  auto env = detail::decode_body(body, scratch, refresh_response_overhead, "refresh response");
  if (!env) return std::move(env).error();
  auto pt = detail::open_in_place(key, *env, "refresh response");
  if (!pt) return std::move(pt).error();
  return as_chars(*pt);
}

inline result<std::string_view> open_refresh_response(crypto::aes256_gcm& key, std::string_view body,
                                                      std::vector<std::uint8_t>& buffer) {
  if (buffer.size() < open_scratch_size(body.size())) buffer.resize(open_scratch_size(body.size()));
  return open_refresh_response(key, body, std::span<std::uint8_t>(buffer));
}

}  // namespace tokenmint::uid2
