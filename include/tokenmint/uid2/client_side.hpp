// Client-side token generation (`POST /v2/token/client-generate`), sans-io: the publisher's
// server public key, the request an app seals under an ECDH key it agrees with the operator, and
// the answer opened with the same key.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/crypto/ecdh.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/flavour.hpp>
#include <tokenmint/uid2/identity_input.hpp>
#include <tokenmint/uid2/normalize.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::uid2 {

/// `UID2-X-` or `EUID-X-`, one environment letter, `-`: what precedes the base64 of a
/// client-side server public key (the SDKs strip these 9 characters).
inline constexpr std::size_t server_key_prefix_size = 9;

/// The publisher's server public key as the UID2/EUID portal gives it,
/// `UID2-X-<env>-<base64 SubjectPublicKeyInfo>` (`EUID-X-<env>-...` for EUID), checked: the
/// prefix (flavour, `X` for public), the base64, the DER, the curve (P-256) and the point.
/// Errors are `errc::invalid_key` naming what is wrong (a `-Y-` private key is refused as such).
inline result<crypto::p256_public_key> parse_server_public_key(std::string_view text, flavour f) {
  const std::string_view want = f == flavour::euid ? "EUID-X-" : "UID2-X-";
  const std::string_view other = f == flavour::euid ? "UID2-" : "EUID-";
  auto bad = [&](std::string why) { return error{errc::invalid_key, "server_public_key: " + why}; };
  if (text.empty()) return bad("empty");
  if (text.starts_with(other))
    return bad("a " + std::string(other.substr(0, 4)) + " key given to a " + std::string(name(f)) + " client");
  if (text.size() > 7 && text.substr(0, 5) == want.substr(0, 5) && text[5] == 'Y')
    return bad("this is a private key (" + std::string(want.substr(0, 5)) + "Y-...); the client takes the public key (" +
               std::string(want) + "...)");
  if (text.size() <= server_key_prefix_size || !text.starts_with(want) || text[8] != '-' || !(text[7] >= 'A' && text[7] <= 'Z'))
    return bad("expected " + std::string(want) + "<environment letter>-<base64>, as the portal gives it");
  auto key = crypto::p256_public_key::from_spki_base64(text.substr(server_key_prefix_size));
  if (!key) return bad(key.error().message);
  return key;
}

/// The additional authenticated data of a client-side request: the compact JSON array
/// `[timestamp]`, or `[timestamp,"app_name"]` for an app, as the operator rebuilds it.
inline std::string client_side_aad(std::int64_t timestamp_ms, std::optional<std::string_view> app_name) {
  std::string aad = "[" + std::to_string(timestamp_ms);
  if (app_name) aad += "," + json::write(json::value(std::string(*app_name)));
  aad += ']';
  return aad;
}

/// What varies between two client-side requests besides the identity: the client's ephemeral
/// key pair, the time, and (for reproducing vectors only) the IV; by default a random one.
struct client_side_request_params {
  const crypto::p256_private_key* client_key = nullptr;  ///< required; a fresh one per request
  std::int64_t timestamp_ms = 0;
  std::optional<crypto::gcm_iv> iv{};
};

/// A sealed client-side request: the JSON body to POST and the key that opens the answer.
struct sealed_client_side_request {
  std::string body;
  crypto::aes256_gcm key;  ///< AES-256-GCM under the ECDH shared secret (the secret itself is wiped)
};

namespace detail {

/// The hashed form the request carries: `{"email_hash": ...}` or `{"phone_hash": ...}`; an
/// unhashed input is normalized and hashed here, so the raw value never leaves.
inline result<std::string> client_side_payload(const identity_input& input) {
  result<std::string> hash = error{errc::invalid_argument};
  const char* field = "email_hash";
  switch (input.kind()) {
    case identity_kind::email: hash = hash_email(input.value()); break;
    case identity_kind::email_hash: hash = input.value(); break;
    case identity_kind::phone:
      hash = hash_phone(input.value());
      field = "phone_hash";
      break;
    case identity_kind::phone_hash:
      hash = input.value();
      field = "phone_hash";
      break;
  }
  if (!hash) return std::move(hash).error();
  std::string out = json::write(json::value(json::value::object_type{{field, std::move(*hash)}}));
  return out;
}

inline bool printable_ascii(std::string_view s) noexcept {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return true;
}

}  // namespace detail

/// Seal the identity for `/v2/token/client-generate`: ECDH between `params.client_key` and
/// `server_key` gives the AES-256-GCM key (the raw 32-byte secret, no KDF, as the operator
/// does); the payload `{"email_hash"|"phone_hash": ...}` is sealed with the AAD of
/// `client_side_aad`; the body is `{payload, iv, public_key, timestamp, subscription_id
/// [, app_name]}`. Errors: `invalid_argument` naming the field (empty or non-printable
/// subscription id, empty app name, no client key), the identity's own errors,
/// `crypto_backend`.
inline result<sealed_client_side_request> seal_client_side_request(const crypto::p256_public_key& server_key,
                                                                   const identity_input& input, std::string_view subscription_id,
                                                                   std::optional<std::string_view> app_name,
                                                                   const client_side_request_params& params) {
  if (params.client_key == nullptr) return error{errc::invalid_argument, "client_key: not set"};
  if (subscription_id.empty() || !detail::printable_ascii(subscription_id))
    return error{errc::invalid_argument, "subscription_id: empty, or holds spaces or control characters"};
  if (app_name && app_name->empty()) return error{errc::invalid_argument, "app_name: empty"};
  auto payload = detail::client_side_payload(input);
  if (!payload) return std::move(payload).error();
  auto shared = params.client_key->derive(server_key);
  if (!shared) return std::move(shared).error();
  auto key = crypto::aes256_gcm::create(shared->reveal());
  if (!key) return std::move(key).error();

  crypto::gcm_iv iv{};
  if (params.iv) iv = *params.iv;
  else if (crypto::random_bytes(iv) != errc{}) return error{errc::crypto_backend, "client-side request: could not draw an IV"};
  const std::string aad = client_side_aad(params.timestamp_ms, app_name);
  std::vector<std::uint8_t> sealed(payload->size() + crypto::gcm_tag_size);
  crypto::gcm_tag tag{};
  const errc e = key->seal(iv, as_bytes(aad), {as_bytes(*payload)}, sealed.data(), tag);
  tokenmint::detail::cleanse(payload->data(), payload->size());
  if (e != errc{}) return error{e, "client-side request: AES-256-GCM seal failed"};
  std::memcpy(sealed.data() + payload->size(), tag.data(), tag.size());

  auto body = json::value::reserved_object();
  body.emplace_back("payload", base64::encode(std::span<const std::uint8_t>(sealed)));
  body.emplace_back("iv", base64::encode(std::span<const std::uint8_t>(iv)));
  body.emplace_back("public_key", params.client_key->public_key_base64());
  body.emplace_back("timestamp", params.timestamp_ms);
  body.emplace_back("subscription_id", std::string(subscription_id));
  if (app_name) body.emplace_back("app_name", std::string(*app_name));
  return sealed_client_side_request{json::write(json::value(std::move(body))), std::move(*key)};
}

/// Open the answer of `/v2/token/client-generate` (HTTP 200 body: base64 of IV | ciphertext |
/// tag under the request's key, no AAD): the JSON text `{"body": ..., "status": "success"}` or
/// `{"status": "optout"}`, in `buffer`. On any failure nothing decrypted is released.
inline result<std::string_view> open_client_side_response(crypto::aes256_gcm& key, std::string_view body,
                                                          std::vector<std::uint8_t>& buffer) {
  if (buffer.size() < open_scratch_size(body.size())) buffer.resize(open_scratch_size(body.size()));
  auto env = detail::decode_body(body, buffer, refresh_response_overhead, "client-generate response");
  if (!env) return std::move(env).error();
  auto pt = detail::open_in_place(key, *env, "client-generate response");
  if (!pt) return std::move(pt).error();
  return as_chars(*pt);
}

}  // namespace tokenmint::uid2
