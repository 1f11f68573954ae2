// HubSpot's OAuth 2.0 token endpoints (v1 and v3): request and answer models (snake_case on the
// wire, `SignedAccessToken` in camelCase) and the OAuth client's options.
#pragma once

#include <tokenmint/core/secret.hpp>
#include <tokenmint/json/json.hpp>
#include <tokenmint/service/call_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tokenmint::hubspot {

/// Which generation of the token endpoints: `/oauth/v1/token` (HubSpot's long-standing one) or
/// `/oauth/v3/token` (adds `client_assertion`, and the introspect and revoke endpoints).
enum class oauth_api { v1, v3 };

/// The grants of the token endpoint.
enum class grant { authorization_code, refresh_token, client_credentials };

/// The form of `POST /oauth/v{1,3}/token`; `hubspot::code_grant`, `refresh_grant` and
/// `client_credentials_grant` fill it per grant. `client_id` and `client_secret` come from the
/// client's options.
struct token_request {
  hubspot::grant grant_type = grant::refresh_token;
  secret_string code;                 ///< authorization_code: the `code` the redirect carried
  std::string redirect_uri;           ///< authorization_code: the same URI as in the authorize URL
  secret_string code_verifier;        ///< authorization_code with PKCE: the verifier of the challenge sent
  secret_string refresh_token;        ///< refresh_token
  std::string scope;                  ///< client_credentials (space-separated); optional elsewhere
  std::string client_assertion_type;  ///< v3 only (with `client_assertion`, instead of the secret)
  secret_string client_assertion;     ///< v3 only
};

/// `TokenResponseIF`: an `AccessTokenResponse` (`token_use` "access_token", with a refresh token)
/// or a `ClientCredentialsTokenResponse` (`token_use` "client_credentials"). Read leniently; the
/// client requires `access_token`.
struct token_response {
  std::optional<secret_string> access_token;
  std::optional<secret_string> refresh_token;  ///< when present and new, it replaces the old one: persist it
  std::optional<std::int64_t> expires_in;      ///< seconds; 1800 for public apps
  std::optional<std::string> token_type;       ///< "bearer"
  std::optional<std::string> token_use;
  std::optional<std::int64_t> hub_id;
  std::optional<std::int64_t> user_id;
  std::optional<std::vector<std::string>> scopes;
  std::optional<secret_string> id_token;
};

/// `SignedAccessToken`: HubSpot's signed description of an access token (camelCase).
struct signed_access_token {
  std::optional<std::int64_t> app_id;
  std::optional<std::string> app_install_id;
  std::optional<std::string> audience;
  std::optional<std::int64_t> expires_at;  ///< ms since the Unix epoch
  std::optional<std::int64_t> hub_id;
  std::optional<std::string> hublet;
  std::optional<std::int64_t> installing_user_id;
  std::optional<bool> is_private_distribution;
  std::optional<bool> is_service_account;
  std::optional<bool> is_user_level;
  std::optional<std::string> new_signature;
  std::optional<std::string> scope_to_scope_group_pks;
  std::optional<std::string> scopes;
  std::optional<std::string> signature;
  std::optional<std::string> trial_scope_to_scope_group_pks;
  std::optional<std::string> trial_scopes;
  std::optional<std::int64_t> user_id;
};

/// `AccessTokenInfoResponse` (v1 `GET /oauth/v1/access-tokens/{token}`).
struct access_token_info {
  std::optional<secret_string> token;
  std::optional<std::string> user;  ///< the installing user's email
  std::optional<std::string> hub_domain;
  std::optional<std::vector<std::string>> scopes;
  std::optional<hubspot::signed_access_token> signed_access_token;
  std::optional<std::int64_t> hub_id;
  std::optional<std::int64_t> app_id;
  std::optional<std::int64_t> expires_in;  ///< seconds left
  std::optional<std::int64_t> user_id;
  std::optional<std::string> token_type;
  std::optional<bool> is_private_distribution;
};

/// `RefreshTokenInfoResponse` (v1 `GET /oauth/v1/refresh-tokens/{token}`).
struct refresh_token_info {
  std::optional<secret_string> token;
  std::optional<std::string> user;
  std::optional<std::string> hub_domain;
  std::optional<std::vector<std::string>> scopes;
  std::optional<std::int64_t> hub_id;
  std::optional<std::string> client_id;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> token_type;
};

/// `TokenInfoResponseBaseIF` (v3 `POST /oauth/v3/token/introspect`): a
/// `PublicAccessTokenInfoResponse` or a `PublicRefreshTokenInfoResponse` (`token_use` tells);
/// an inactive token may come back as `{"active": false}` alone (RFC 7662), so only `active`
/// is required.
struct token_info {
  bool active = false;
  std::optional<std::string> token_use;  ///< "access_token" | "refresh_token"
  std::optional<secret_string> token;
  std::optional<std::string> token_type;
  std::optional<std::string> client_id;
  std::optional<std::int64_t> app_id;
  std::optional<std::int64_t> hub_id;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> user;
  std::optional<std::string> hub_domain;
  std::optional<std::vector<std::string>> scopes;
  std::optional<std::int64_t> expires_in;
  std::optional<bool> is_private_distribution;
  std::optional<hubspot::signed_access_token> signed_access_token;
};

/// OAuth client settings, an aggregate.
struct oauth_client_options {
  std::string base_url = "https://api.hubapi.com";
  std::string client_id;        ///< the app's client id (HubSpot's developer account, app "Auth" tab)
  secret_string client_secret;  ///< the app's client secret
  oauth_api api = oauth_api::v1;
  std::string user_agent;      ///< empty: "tokenmint-cpp/<version>"
  service::call_options call;  ///< timeout, retries, hooks (form fields and tokens redacted)
};

}  // namespace tokenmint::hubspot

template <>
struct tokenmint::json::meta<tokenmint::hubspot::signed_access_token> {
  static constexpr auto naming = json::naming::camel_case;
};
