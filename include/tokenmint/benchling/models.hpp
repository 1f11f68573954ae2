// Benchling OAuth2 client-credentials token endpoint: wire models and client options.
#pragma once

#include <tokenmint/core/secret.hpp>
#include <tokenmint/json/json.hpp>
#include <tokenmint/service/call_options.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace tokenmint::benchling {

/// `TokenResponse` as sent (the schema makes every member optional; the client requires
/// `access_token` and returns an `auth::oauth2_token`).
struct token_response {
  std::optional<secret_string> access_token;
  std::optional<std::string> token_type;
  std::optional<std::int64_t> expires_in;
};

/// `BaseError` (+ `invalidId` of the general API errors).
struct error_detail {
  std::optional<std::string> message;
  std::optional<std::string> type;  ///< e.g. invalid_request, invalid_grant, invalid_client
  std::optional<std::string> user_message;
  std::optional<std::string> invalid_id;
};

/// `{"error": {...}}`, Benchling's error envelope.
struct error_body {
  std::optional<error_detail> error;
};

/// Client settings, an aggregate.
struct client_options {
  /// `https://<tenant>.benchling.com/api/v2` (see `tenant_url`); the client appends `/token`.
  std::string base_url;
  std::string client_id;
  secret_string client_secret;
  /// false (default): credentials as HTTP Basic, as Benchling's spec asks; true: as
  /// `client_id`/`client_secret` form fields.
  bool credentials_in_body = false;
  std::string user_agent;      ///< empty: "tokenmint-cpp/<version>"
  service::call_options call;  ///< timeout, retries (honours x-rate-limit-reset), hooks
};

/// The API base of a Benchling tenant: `https://<tenant>.benchling.com/api/v2`.
inline std::string tenant_url(std::string_view tenant) { return "https://" + std::string(tenant) + ".benchling.com/api/v2"; }

}  // namespace tokenmint::benchling

template <>
struct tokenmint::json::meta<tokenmint::benchling::error_detail> {
  static constexpr auto naming = json::naming::camel_case;
};
