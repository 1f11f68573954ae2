// What the UID2/EUID clients return and take as options: token outcomes, mapping results,
// options and named environments. Wire models only; identifier inputs (which hash and normalize)
// are in uid2/identity_input.hpp.
#pragma once

#include <tokenmint/core/clock.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/service/call_options.hpp>
#include <tokenmint/uid2/flavour.hpp>
#include <tokenmint/uid2/identity.hpp>
#include <tokenmint/version.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokenmint::uid2 {

/// Outcomes of generate and refresh that are not failures.
enum class token_status : unsigned char {
  success,                    ///< `identity` holds the new tokens
  optout,                     ///< the user opted out: drop any stored identity
  insufficient_user_consent,  ///< EUID: the TCF string does not consent to purposes 1,2,3,4,7,10
};

constexpr std::string_view to_string(token_status s) noexcept {
  switch (s) {
    case token_status::success: return "success";
    case token_status::optout: return "optout";
    case token_status::insufficient_user_consent: return "insufficient_user_consent";
  }
  return "success";
}

/// What generate and refresh return: an identity, or an outcome that is not a failure.
struct token_response {
  token_status status = token_status::success;
  std::optional<uid2::identity> identity;  ///< set exactly when `status == success`
};

/// One `/v3/identity/map` result, aligned with its input.
struct mapped_identity {
  std::string uid;                          ///< the raw UID2/EUID; empty when unmapped
  std::optional<std::string> previous_uid;  ///< the previous one during a salt rotation
  std::int64_t refresh_from_s = 0;          ///< when to map again, Unix **seconds**
  std::string unmapped_reason;              ///< "optout", "invalid identifier" or "failed"; empty when mapped
  std::optional<tokenmint::error> error;    ///< when "failed": its batch's final error
  bool mapped() const noexcept { return unmapped_reason.empty(); }
  friend bool operator==(const mapped_identity& a, const mapped_identity& b) noexcept {
    return a.uid == b.uid && a.previous_uid == b.previous_uid && a.refresh_from_s == b.refresh_from_s &&
           a.unmapped_reason == b.unmapped_reason && a.error.has_value() == b.error.has_value() &&
           (!a.error || a.error->code == b.error->code);
  }
};

namespace detail {
/// The documented limit of `/v3/identity/map`: identifiers per request.
inline constexpr std::size_t max_map_batch = 5000;
}  // namespace detail

/// The operator's key endpoints (`async_get_keys`).
enum class key_endpoint : unsigned char {
  sharing,    ///< POST /v2/key/sharing: keys to encrypt and decrypt sharing tokens (SHARER or ID_READER role)
  bidstream,  ///< POST /v2/key/bidstream: keys to decrypt bidstream tokens, with site domains (ID_READER)
  latest,     ///< POST /v2/key/latest: the legacy key list (ID_READER)
};

constexpr std::string_view path_of(key_endpoint e) noexcept {
  switch (e) {
    case key_endpoint::sharing: return "/v2/key/sharing";
    case key_endpoint::bidstream: return "/v2/key/bidstream";
    case key_endpoint::latest: return "/v2/key/latest";
  }
  return "/v2/key/sharing";
}

/// Extra generate parameters.
struct generate_options {
  /// EUID only: the IAB TCF v2 consent string (`tcf_consent_string`). A UID2 client refuses it.
  std::optional<std::string> tcf_consent_string;
};

/// Client settings, an aggregate, in the shape every client has: `{base_url, credentials,
/// user_agent, call}` plus what UID2 alone needs. `base_url` and both credentials are required
/// for the calls that need them (refresh needs neither secret).
struct client_options {
  std::string base_url;         ///< e.g. `uid2::environments::integration`; no trailing path
  secret_string api_key;        ///< sent as `Authorization: Bearer`
  secret_string client_secret;  ///< base64 of 32 bytes: the envelope key
  std::string user_agent;       ///< empty: "tokenmint-cpp/<version>"
  /// Per-attempt timeout (30 s), retries of 429/502/503/504 and of connections that failed before
  /// sending (each attempt seals a new envelope; `policy::retry_policy::none()` turns them off),
  /// the retry deadline that bounds the call, a shared limiter, request/response hooks (envelopes
  /// and tokens redacted), and the clock (request timestamps, lifecycle checks) and sleeper.
  service::call_options call;
  std::string client_version = "tokenmint-cpp-" + std::string(version_string);  ///< X-UID2-Client-Version
  /// Send `"optout_check":1` with generate: needed by some older private operators, ignored by
  /// current ones.
  bool send_optout_check = false;
};

/// Settings of the client-side generate client (`uid2::client_side_client`), an aggregate in
/// the shape every client has: `{base_url, credentials, user_agent, call}`, where the credentials
/// are what a publisher may publish: its subscription id and its server public key, never a
/// secret. Give exactly one of `origin` (a web page's origin, checked by the operator against the
/// site's domains) and `app_name` (a native or CTV app, checked against the site's app names).
struct client_side_options {
  std::string base_url;                 ///< e.g. `uid2::environments::integration`
  std::string subscription_id;          ///< from the UID2/EUID portal
  std::string server_public_key;        ///< `UID2-X-<env>-<base64>` (`EUID-X-...`), as the portal gives it
  std::optional<std::string> origin;    ///< web: sent as `Origin`, e.g. "https://www.example.com"
  std::optional<std::string> app_name;  ///< app: sent in the body and bound into the AAD, e.g. "com.example.app"
  std::string user_agent;               ///< empty: "tokenmint-cpp/<version>"
  /// Per-attempt timeout (30 s), retries of 429/502/503/504 and of connections that failed before
  /// sending (each attempt seals anew: a new key pair, IV and timestamp), the retry deadline, a
  /// shared limiter, hooks, and the clock (request timestamps) and sleeper.
  service::call_options call;
  std::string client_version = "tokenmint-cpp-" + std::string(version_string);  ///< X-UID2-Client-Version
};

namespace environments {
inline constexpr std::string_view integration = "https://operator-integ.uidapi.com";
inline constexpr std::string_view production = "https://global.prod.uidapi.com";
inline constexpr std::string_view production_us_east = "https://prod.uidapi.com";
inline constexpr std::string_view production_us_west = "https://usw.prod.uidapi.com";
inline constexpr std::string_view production_australia = "https://au.prod.uidapi.com";
inline constexpr std::string_view production_japan = "https://jp.prod.uidapi.com";
inline constexpr std::string_view production_singapore = "https://sg.prod.uidapi.com";
}  // namespace environments

}  // namespace tokenmint::uid2

namespace tokenmint::euid {
namespace environments {
inline constexpr std::string_view integration = "https://integ.euid.eu";
inline constexpr std::string_view production = "https://prod.euid.eu";
}  // namespace environments
}  // namespace tokenmint::euid
