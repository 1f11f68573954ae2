// HubSpot's OAuth 2.0 token endpoints over any transport (every operation of the v1 and v3
// specs), and the refreshing token provider a public app puts behind the visitor-token client.
#pragma once

#include <tokenmint/auth/oauth2.hpp>
#include <tokenmint/hubspot/authorize.hpp>
#include <tokenmint/hubspot/oauth_models.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace tokenmint::hubspot {

/// The form for exchanging the code HubSpot's redirect carried (`grant_type=authorization_code`);
/// `verifier` is the PKCE verifier whose challenge went into the authorize URL, if any.
inline token_request code_grant(secret_string code, std::string redirect_uri, secret_string verifier = {}) {
  token_request r;
  r.grant_type = grant::authorization_code;
  r.code = std::move(code);
  r.redirect_uri = std::move(redirect_uri);
  r.code_verifier = std::move(verifier);
  return r;
}
/// The form for a new access token from a refresh token (`grant_type=refresh_token`).
inline token_request refresh_grant(secret_string refresh_token) {
  token_request r;
  r.grant_type = grant::refresh_token;
  r.refresh_token = std::move(refresh_token);
  return r;
}
/// The form for an app's own token (`grant_type=client_credentials`), `scope` space-separated.
inline token_request client_credentials_grant(std::string scope = {}) {
  token_request r;
  r.grant_type = grant::client_credentials;
  r.scope = std::move(scope);
  return r;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// HubSpot's OAuth endpoints over `Transport`; `hubspot::oauth_client` uses `https_transport`.
/// Operations follow the vendor's names (Node client: `tokensApi.create`, `accessTokensApi.get`,
/// `refreshTokensApi.get/archive`; v3: introspect, revoke). Forms are
/// `application/x-www-form-urlencoded`; the client secret, codes, verifiers and tokens are
/// `secret_string`s, redacted for hooks (a token in a v1 URL path too).
/// Contract, for every `async_*` operation:
/// - Lifetime: the client must outlive every call it started; arguments are taken by value.
/// - Cancellation: Asio per-operation cancellation through the transport and the retry waits;
///   a cancelled call returns `errc::cancelled`, the client stays usable.
/// - Deadline: each attempt is bounded by `call.timeout` (30 s), the whole call by
///   `call.retry.deadline`; a trailing `service::call_overrides` changes either for one call.
///   Token requests are not replayed after a timeout mid-flight (a code is single-use, a refresh
///   may rotate the refresh token); reads and revocations are.
/// - Thread-safety: not thread-safe; use one client from one strand. Calls may overlap there.
/// - Errors: `invalid_argument` (a missing field, named, before any request; or HubSpot's 400
///   for a malformed request), `unauthorized` (401/403, and the 400s that refuse a credential:
///   `BAD_REFRESH_TOKEN`, `BAD_AUTH_CODE`, `EXPIRED_AUTH_CODE`, `BAD_CLIENT_ID`,
///   `BAD_CLIENT_SECRET`, `invalid_grant`, `invalid_client`), `rate_limited`, `service_error`
///   (other statuses), transport errors; HubSpot's status, message and correlation id stay in
///   `diag` and in the message. `parse_error()` gives the typed body.
template <class Transport>
class basic_oauth_client {
  static_assert(check_http_transport<Transport>());

 public:
  using transport_type = Transport;

  basic_oauth_client(Transport transport, oauth_client_options options)
      : transport_(std::move(transport)), options_(std::move(options)) {}

  const oauth_client_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// `POST /oauth/v1/token` or `/oauth/v3/token` (per `options().api`): a token for the grant.
  /// `invalid_response` when the answer has no access token.
  asio::awaitable<result<token_response>> async_create_token(token_request request, service::call_overrides per_call = {});

  /// v1 `GET /oauth/v1/access-tokens/{token}`: the access token's hub, user, scopes, lifetime left.
  asio::awaitable<result<access_token_info>> async_get_access_token(secret_string token, service::call_overrides per_call = {});
  /// v1 `GET /oauth/v1/refresh-tokens/{token}`.
  asio::awaitable<result<refresh_token_info>> async_get_refresh_token(secret_string token, service::call_overrides per_call = {});
  /// v1 `DELETE /oauth/v1/refresh-tokens/{token}` (204): the refresh token stops working.
  asio::awaitable<result<void>> async_archive_refresh_token(secret_string token, service::call_overrides per_call = {});

  /// v3 `POST /oauth/v3/token/introspect`: whether `token` is active, and what it grants.
  /// `token_type_hint`: "access_token", "refresh_token" or empty.
  asio::awaitable<result<token_info>> async_introspect_token(secret_string token, std::string token_type_hint = {},
                                                             service::call_overrides per_call = {});
  /// v3 `POST /oauth/v3/token/revoke`: later refreshes with it fail.
  asio::awaitable<result<void>> async_revoke_token(secret_string token, std::string token_type_hint = {},
                                                   service::call_overrides per_call = {});

 private:
  asio::awaitable<result<http::response>> send(http::verb method, std::string path, std::string shown_path, std::string form,
                                               std::string_view operation, bool replay_safe, service::call_overrides per_call);
  /// v1's `{collection}/{token}` operations: the token percent-encoded in the path, `<redacted>` for hooks.
  asio::awaitable<result<http::response>> send_token_in_path(http::verb method, std::string_view collection, secret_string token,
                                                             std::string_view operation, service::call_overrides per_call);

  Transport transport_;
  oauth_client_options options_;
};

/// A token source for `auth::token_provider`: refreshes with the refresh token it holds, and
/// hands every new refresh token HubSpot returns to `on_rotated` (to persist it) before the
/// access token that came with it is used. The callback runs on the caller's strand inside the
/// refresh; it should not block long, and an exception it throws fails that refresh (the new
/// refresh token is kept, the access token dropped).
template <class Transport>
class basic_refresh_token_source {
 public:
  using rotated_callback = std::function<void(const secret_string& new_refresh_token)>;

  basic_refresh_token_source(basic_oauth_client<Transport> client, secret_string refresh_token, rotated_callback on_rotated = {})
      : client_(std::move(client)), refresh_token_(std::move(refresh_token)), on_rotated_(std::move(on_rotated)) {}

  basic_oauth_client<Transport>& client() noexcept { return client_; }
  /// The refresh token in use (the latest HubSpot returned).
  const secret_string& refresh_token() const noexcept { return refresh_token_; }

  /// One `refresh_token` grant, as `auth::oauth2_token` (`expires_in` as HubSpot sent it; the
  /// provider clamps). Errors as `async_create_token`.
  asio::awaitable<result<auth::oauth2_token>> async_generate_token(service::call_overrides per_call = {});

 private:
  basic_oauth_client<Transport> client_;
  secret_string refresh_token_;
  rotated_callback on_rotated_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

using oauth_client = basic_oauth_client<https_transport>;
using refresh_token_source = basic_refresh_token_source<https_transport>;

/// HubSpot access tokens from a refresh token, cached and refreshed ahead of expiry (one
/// refresh however many calls wait); pass it to `client_options::token_provider`.
template <class Transport>
using token_provider = auth::token_provider<basic_refresh_token_source<Transport>>;

}  // namespace tokenmint::hubspot

#if defined(TOKENMINT_SEPARATE_COMPILATION)
// Compiled once, by the .cpp that includes <tokenmint/separate_compilation.hpp>; over another
// transport include <tokenmint/hubspot/oauth_client_impl.hpp> where it is used.
namespace tokenmint::hubspot {
extern template class basic_oauth_client<https_transport>;
extern template class basic_refresh_token_source<https_transport>;
}  // namespace tokenmint::hubspot
extern template class tokenmint::auth::token_provider<tokenmint::hubspot::basic_refresh_token_source<tokenmint::https_transport>>;
#else
#include <tokenmint/hubspot/oauth_client_impl.hpp>
#endif
