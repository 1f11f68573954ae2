// The operator side of the UID2/EUID v2 envelope (protocol page, sections 2 and 5): open a
// request as the operator does, with its checks in its order and its exact messages, and seal
// the answers. What the sandbox serves; tests use it as the independent other end of the client.
#pragma once

#include <tokenmint/uid2/envelope.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::testing {

/// A request envelope opened by the operator side.
struct opened_request {
  std::int64_t timestamp_ms = 0;
  uid2::nonce_bytes nonce{};
  std::string_view json;  ///< may be empty (the operator then sees no payload); points into scratch
};

namespace detail {

inline std::string with_docs_link(std::string_view message, uid2::flavour f) {
  std::string out(message);
  out += " See ";
  out += uid2::docs_site(f);
  out +=
      "/docs/getting-started/gs-encryption-decryption#encryption-and-decryption-code-examples"
      " for encryption and decryption code examples.";
  return out;
}

inline bool looks_like_json(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i < s.size() && (s[i] == '{' || s[i] == '[');
}

/// The operator's clock rule: abs(Duration.between(ts, now).toMinutes()) > 1 is rejected, where
/// Duration keeps floored seconds and toMinutes() truncates: -119 s <= now - ts < 120 s passes.
inline bool timestamp_in_window(std::int64_t ts_ms, std::int64_t now_ms) noexcept {
  std::int64_t d = 0;
  if (__builtin_sub_overflow(now_ms, ts_ms, &d)) return false;
  std::int64_t secs = d / 1000;
  if (d % 1000 != 0 && d < 0) --secs;      // floor, as java.time.Duration stores it
  const std::int64_t minutes = secs / 60;  // truncation, as Duration.toMinutes()
  return minutes >= -1 && minutes <= 1;
}

}  // namespace detail

/// Open a request body as the operator does (V2RequestUtil), in the operator's order and with
/// its exact messages (section 5), so a client sees from the sandbox what production would say.
/// Checks in order, with the error code and the start of the operator's message:
/// - empty: `body_missing`, "Invalid body: Body is missing."
/// - plain JSON (raw or base64): `unencrypted_payload`, "Invalid body: The request body is unencrypted JSON."
/// - not base64: `invalid_base64`, "Invalid body: Body is not valid base64."
/// - under 45 bytes: `envelope_too_short`, "Invalid body: Body too short. Check encryption method."
/// - version byte not 1: `envelope_version`, "Invalid body: Invalid request envelope format version: received X, must be 1."
/// - tag fails: `authentication_failed`, "Invalid body: Check encryption key (ClientSecret)."
/// - clock outside the window: `timestamp_out_of_window`, "Invalid timestamp: Request too old or client time drift."
/// - payload not a JSON object: `invalid_json`, "Invalid payload in body: Data is not valid json string."
/// `error.message` is the operator's message verbatim. `scratch` needs `uid2::open_scratch_size(body.size())`.
inline result<opened_request> open_request(crypto::aes256_gcm& key, std::string_view body, std::int64_t now_ms, uid2::flavour f,
                                           std::span<std::uint8_t> scratch) {
  constexpr std::string_view unencrypted =
      "Invalid body: The request body is unencrypted JSON. It must be an encrypted request envelope.";
  if (body.empty()) return error{errc::body_missing, "Invalid body: Body is missing."};
  const codec_result r = base64::decode(body, scratch);
  if (r.ec == errc::buffer_too_small) return error{errc::buffer_too_small, "scratch buffer too small (need open_scratch_size)"};
  if (!r) {
    if (detail::looks_like_json(body)) return error{errc::unencrypted_payload, detail::with_docs_link(unencrypted, f)};
    return error{errc::invalid_base64, detail::with_docs_link("Invalid body: Body is not valid base64.", f)};
  }
  const auto env = scratch.first(r.size);
  if (detail::looks_like_json(as_chars(env))) return error{errc::unencrypted_payload, detail::with_docs_link(unencrypted, f)};
  if (env.size() < uid2::request_overhead)
    return error{errc::envelope_too_short, detail::with_docs_link("Invalid body: Body too short. Check encryption method.", f)};
  if (env[0] != uid2::envelope_version) {
    // Java prints the version byte signed.
    const int received = static_cast<int>(static_cast<signed char>(env[0]));
    return error{
        errc::envelope_version,
        detail::with_docs_link(
            "Invalid body: Invalid request envelope format version: received " + std::to_string(received) + ", must be 1.", f)};
  }
  auto pt = uid2::detail::open_in_place(key, env.subspan(1), "request");
  if (!pt) {
    if (pt.error().code != errc::authentication_failed) return std::move(pt).error();
    return error{errc::authentication_failed, detail::with_docs_link("Invalid body: Check encryption key (ClientSecret).", f)};
  }
  opened_request out;
  out.timestamp_ms = uid2::detail::load_be64(pt->data());
  std::memcpy(out.nonce.data(), pt->data() + uid2::timestamp_size, uid2::nonce_size);
  out.json = as_chars(pt->subspan(uid2::timestamp_size + uid2::nonce_size));
  if (!detail::timestamp_in_window(out.timestamp_ms, now_ms))
    return error{errc::timestamp_out_of_window, "Invalid timestamp: Request too old or client time drift."};
  if (!out.json.empty() && !json::is_object(out.json))
    return error{errc::invalid_json, "Invalid payload in body: Data is not valid json string."};
  return out;
}

inline result<opened_request> open_request(crypto::aes256_gcm& key, std::string_view body, std::int64_t now_ms, uid2::flavour f,
                                           std::vector<std::uint8_t>& buffer) {
  if (buffer.size() < uid2::open_scratch_size(body.size())) buffer.resize(uid2::open_scratch_size(body.size()));
  return open_request(key, body, now_ms, f, std::span<std::uint8_t>(buffer));
}

/// Seal an HTTP 200 response to a request that carried `nonce`: base64(IV | GCM(ts | nonce | json) | tag).
/// `out` needs uid2::sealed_response_size(json.size()) characters.
inline result<std::size_t> seal_response(crypto::aes256_gcm& key, std::int64_t server_timestamp_ms,
                                         const uid2::nonce_bytes& nonce, std::string_view json, std::span<char> out,
                                         const std::optional<crypto::gcm_iv>& iv = std::nullopt) {
  const auto header = uid2::detail::make_header(server_timestamp_ms, nonce);
  return uid2::detail::seal_base64(key, false, header, json, iv, out);
}

inline result<std::string> seal_response(crypto::aes256_gcm& key, std::int64_t server_timestamp_ms,
                                         const uid2::nonce_bytes& nonce, std::string_view json,
                                         const std::optional<crypto::gcm_iv>& iv = std::nullopt) {
  std::string out(uid2::sealed_response_size(json.size()), '\0');
  auto n = seal_response(key, server_timestamp_ms, nonce, json, std::span<char>(out.data(), out.size()), iv);
  if (!n) return std::move(n).error();
  return out;
}

/// Seal a /v2/token/refresh 200 response with the refresh_response_key: base64(IV | GCM(json) | tag).
inline result<std::size_t> seal_refresh_response(crypto::aes256_gcm& key, std::string_view json, std::span<char> out,
                                                 const std::optional<crypto::gcm_iv>& iv = std::nullopt) {
  return uid2::detail::seal_base64(key, false, {}, json, iv, out);
}

inline result<std::string> seal_refresh_response(crypto::aes256_gcm& key, std::string_view json,
                                                 const std::optional<crypto::gcm_iv>& iv = std::nullopt) {
  std::string out(uid2::sealed_refresh_response_size(json.size()), '\0');
  auto n = seal_refresh_response(key, json, std::span<char>(out.data(), out.size()), iv);
  if (!n) return std::move(n).error();
  return out;
}

}  // namespace tokenmint::testing
