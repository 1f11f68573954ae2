// The operator side of client-side token generation (`/v2/token/client-generate`, protocol page
// section 6): check and open a request as the operator does, in its order and with its statuses
// and messages, and seal the answer. What the sandbox serves and the fuzz target reads; written
// apart from the client's sealing (uid2/client_side.hpp), so each checks the other.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/crypto/ecdh.hpp>
#include <tokenmint/http/message.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/testing/uid2_envelope.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tokenmint::testing {

/// Who may call client-side generate: the operator's key pair for one subscription, and the
/// site's domain names (checked against the `Origin` host) and app names (against `app_name`),
/// both case-insensitively.
struct client_side_site {
  const crypto::p256_private_key* server_key = nullptr;
  std::string_view subscription_id;
  const std::vector<std::string>* domains = nullptr;
  const std::vector<std::string>* app_names = nullptr;
};

/// A request the operator opened: the identity it asks for (`email_hash` or `phone_hash`, as
/// sent: the caller normalizes it) and the key that seals the answer.
struct opened_client_side_request {
  std::string kind;  ///< "email_hash" or "phone_hash"
  std::string hash;
  crypto::aes256_gcm answer_key;
};

/// What the operator answers instead: an HTTP status with its JSON status and message.
struct client_side_refusal {
  int http_status = 400;
  std::string status = "client_error";
  std::string message;
};

namespace detail {

inline bool listed_ci(const std::vector<std::string>* list, std::string_view name) {
  return list != nullptr && std::any_of(list->begin(), list->end(), [&](const std::string& s) { return http::iequals(s, name); });
}

/// The operator's origin check: the host of `origin` is one of the site's domain names.
inline bool origin_allowed(std::optional<std::string_view> origin, const std::vector<std::string>* domains) {
  if (!origin) return false;
  auto u = http::parse_url(*origin);
  return u && listed_ci(domains, u->host);
}

inline const std::string* member_string(const json::value& doc, std::string_view name) {
  const json::value* v = doc.find(name);
  return v ? v->if_string() : nullptr;
}

template <std::size_t Max>
std::optional<std::vector<std::uint8_t>> decode_b64(std::string_view text) {
  if (base64::max_decoded_size(text.size()) > Max) return std::nullopt;
  std::vector<std::uint8_t> out(base64::max_decoded_size(text.size()));
  const codec_result r = base64::decode(text, std::span<std::uint8_t>(out));
  if (!r) return std::nullopt;
  out.resize(r.size);
  return out;
}

}  // namespace detail

/// Opens a client-side generate request as the operator does (op `UIDOperatorVerticle`
/// `handleClientSideTokenGenerateImpl`): the JSON body, the subscription, the app name or else
/// the `Origin` (403 `invalid_app_name` / `invalid_http_origin`), the public key, the IV, the
/// payload under ECDH + AES-256-GCM with the AAD `[timestamp]` or `[timestamp,"app_name"]` rebuilt
/// from the body's own values, then exactly one of `email_hash`, `phone_hash`. Never throws for
/// any input (the fuzz target's contract).
inline std::variant<opened_client_side_request, client_side_refusal> open_client_side_request(
    const client_side_site& site, std::string_view body, std::optional<std::string_view> origin) {
  auto refuse = [](std::string message) { return client_side_refusal{400, "client_error", std::move(message)}; };
  if (body.empty()) return refuse("json payload expected but not found");
  auto doc = json::read<json::value>(body);
  if (!doc || !doc->if_object()) return refuse("json payload is not valid");
  const std::string* subscription = detail::member_string(*doc, "subscription_id");
  if (site.server_key == nullptr || subscription == nullptr || *subscription != site.subscription_id)
    return refuse("bad subscription_id");

  const json::value* app = doc->find("app_name");
  const bool has_app = app != nullptr && !app->is_null();
  if (has_app) {
    if (app->if_string() == nullptr || !detail::listed_ci(site.app_names, *app->if_string()))
      return client_side_refusal{403, "invalid_app_name", "unexpected app name"};
  } else if (!detail::origin_allowed(origin, site.domains)) {
    return client_side_refusal{403, "invalid_http_origin", "unexpected http origin"};
  }

  const std::string* payload = detail::member_string(*doc, "payload");
  const std::string* iv_text = detail::member_string(*doc, "iv");
  const std::string* public_key = detail::member_string(*doc, "public_key");
  if (payload == nullptr || iv_text == nullptr || public_key == nullptr)
    return refuse("required parameters: payload, iv, public_key");
  auto client_key = crypto::p256_public_key::from_spki_base64(*public_key);
  if (!client_key) return refuse("bad public key");
  auto secret = site.server_key->derive(*client_key);
  if (!secret) return client_side_refusal{500, "unknown", "key agreement failed"};
  auto key = crypto::aes256_gcm::create(secret->reveal());
  if (!key) return client_side_refusal{500, "unknown", "key agreement failed"};

  const auto iv_bytes = detail::decode_b64<64>(*iv_text);
  if (!iv_bytes || iv_bytes->size() != crypto::gcm_iv_size) return refuse("bad iv");
  crypto::gcm_iv iv{};
  std::copy(iv_bytes->begin(), iv_bytes->end(), iv.begin());

  // The AAD as the operator builds it: a JSON array of the body's own timestamp (and app name).
  const json::value* ts = doc->find("timestamp");
  const auto ts_ms = ts && ts->if_number() ? ts->if_number()->to_int64() : std::nullopt;
  if (!ts_ms) return refuse("payload decryption failed");
  json::value::array_type aad_items;
  aad_items.emplace_back(*ts_ms);
  if (has_app) aad_items.emplace_back(*app->if_string());
  const std::string aad = json::write(json::value(std::move(aad_items)));

  auto sealed = detail::decode_b64<std::size_t{1} << 20>(*payload);
  if (!sealed || sealed->size() < crypto::gcm_tag_size) return refuse("payload decryption failed");
  const std::size_t ct_size = sealed->size() - crypto::gcm_tag_size;
  crypto::gcm_tag tag{};
  std::copy(sealed->begin() + static_cast<std::ptrdiff_t>(ct_size), sealed->end(), tag.begin());
  std::string plain(ct_size, '\0');
  if (key->open(iv, as_bytes(aad), std::span<const std::uint8_t>(sealed->data(), ct_size), tag,
                reinterpret_cast<std::uint8_t*>(plain.data())) != errc{})
    return refuse("payload decryption failed");
  auto request = json::read<json::value>(plain);
  tokenmint::detail::cleanse(plain.data(), plain.size());
  if (!request || !request->if_object()) return refuse("encrypted payload contains invalid json");
  const std::string* email = detail::member_string(*request, "email_hash");
  const std::string* phone = detail::member_string(*request, "phone_hash");
  if ((email == nullptr) == (phone == nullptr)) return refuse("please provide exactly one of: email_hash, phone_hash");
  return opened_client_side_request{email ? "email_hash" : "phone_hash", email ? *email : *phone, std::move(*key)};
}

/// The 200 answer: base64 of IV ‖ AES-256-GCM(`json`) ‖ tag under the request's key, no AAD (the
/// refresh answer's format).
inline result<std::string> seal_client_side_response(crypto::aes256_gcm& key, std::string_view json) {
  return seal_refresh_response(key, json);
}

}  // namespace tokenmint::testing
