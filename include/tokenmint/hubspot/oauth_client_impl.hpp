// The definitions of HubSpot's `basic_oauth_client` and `basic_refresh_token_source`
// (oauth_client.hpp declares them). Included by oauth_client.hpp in header-only mode; with
// -DTOKENMINT_SEPARATE_COMPILATION, by <tokenmint/separate_compilation.hpp> and by any file that
// uses them over its own transport. Templates and `inline` functions only.
#pragma once

#include <tokenmint/hubspot/oauth_client.hpp>

#include <tokenmint/detail/cleanse.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/hubspot/client_impl.hpp>
#include <tokenmint/service/helpers.hpp>

#include <array>
#include <string_view>

namespace tokenmint::hubspot {

namespace detail {

/// A refused OAuth call: HubSpot's words kept, and a 400 that refuses a credential (a revoked
/// refresh token, a used code, a wrong client) is `unauthorized`, any other 400 `invalid_argument`.
inline tokenmint::error oauth_error(std::string_view what, const http::response& res) {
  auto e = service::http_status_error(what, res, error_diagnostics(res));
  if (res.status == 400) {
    static constexpr std::array<std::string_view, 8> refused = {"BAD_REFRESH_TOKEN", "BAD_AUTH_CODE",      "EXPIRED_AUTH_CODE",
                                                                "BAD_CLIENT_ID",     "BAD_CLIENT_SECRET",  "invalid_grant",
                                                                "invalid_client",    "unauthorized_client"};
    bool credential = false;
    if (auto b = json::read<error_body>(res.body))  // HubSpot's `status`, `category` or RFC 6749's `error`
      for (const auto* v : {&b->status, &b->category, &b->error})
        credential = credential || (*v && std::find(refused.begin(), refused.end(), **v) != refused.end());
    e.code = make_error_code(credential ? errc::unauthorized : errc::invalid_argument);
  }
  return e;
}

inline std::string_view grant_name(grant g) noexcept {
  switch (g) {
    case grant::authorization_code: return "authorization_code";
    case grant::client_credentials: return "client_credentials";
    case grant::refresh_token: break;
  }
  return "refresh_token";
}

/// The form fields of a token request, or the first missing one named.
inline result<std::string> token_form(const token_request& r, const oauth_client_options& o) {
  const auto missing = [](std::string_view field, std::string_view why) {
    return tokenmint::error{errc::invalid_argument, "hubspot create_token: " + std::string(field) + " " + std::string(why)};
  };
  const bool assertion = !r.client_assertion.empty();
  if (assertion && o.api != oauth_api::v3) return missing("client_assertion", "is v3 only (oauth_client_options.api)");
  if (o.client_id.empty()) return missing("client_id", "is not set (oauth_client_options)");
  if (o.client_secret.empty() && !assertion) return missing("client_secret", "is not set (oauth_client_options)");
  std::string form;
  http::form_append(form, "grant_type", grant_name(r.grant_type));
  http::form_append(form, "client_id", o.client_id);
  if (!o.client_secret.empty() && !assertion) http::form_append(form, "client_secret", o.client_secret.reveal());
  if (assertion) {
    http::form_append(form, "client_assertion_type", r.client_assertion_type);
    http::form_append(form, "client_assertion", r.client_assertion.reveal());
  }
  switch (r.grant_type) {
    case grant::authorization_code:
      if (r.code.empty()) return missing("code", "is empty (the `code` query parameter of the redirect)");
      if (r.redirect_uri.empty()) return missing("redirect_uri", "is empty (the one the authorize URL named)");
      http::form_append(form, "code", r.code.reveal());
      http::form_append(form, "redirect_uri", r.redirect_uri);
      if (!r.code_verifier.empty()) http::form_append(form, "code_verifier", r.code_verifier.reveal());
      break;
    case grant::refresh_token:
      if (r.refresh_token.empty()) return missing("refresh_token", "is empty");
      http::form_append(form, "refresh_token", r.refresh_token.reveal());
      break;
    case grant::client_credentials: break;
  }
  if (!r.scope.empty()) http::form_append(form, "scope", r.scope);
  return form;
}

inline result<void> check_token(std::string_view what, const secret_string& token) {
  if (token.empty()) return tokenmint::error{errc::invalid_argument, std::string(what) + ": token is empty"};
  return {};
}

/// The form of v3 introspect and revoke: the app's credentials, the token, an optional hint.
inline result<std::string> token_about_form(std::string_view what, const oauth_client_options& o, const secret_string& token,
                                            const std::string& hint) {
  if (auto ok = check_token(what, token); !ok) return std::move(ok).error();
  if (o.client_id.empty() || o.client_secret.empty())
    return tokenmint::error{errc::invalid_argument, std::string(what) + ": client_id and client_secret must be set"};
  std::string form;
  http::form_append(form, "client_id", o.client_id);
  http::form_append(form, "client_secret", o.client_secret.reveal());
  http::form_append(form, "token", token.reveal());
  if (!hint.empty()) http::form_append(form, "token_type_hint", hint);
  return form;
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

template <class Transport>
asio::awaitable<result<http::response>> basic_oauth_client<Transport>::send(http::verb method, std::string path,
                                                                            std::string shown_path, std::string form,
                                                                            std::string_view operation, bool replay_safe,
                                                                            service::call_overrides per_call) {
  auto base = service::trimmed_base_url(options_.base_url, "hubspot");
  if (!base) co_return std::move(base).error();
  const std::string url = *base + path;
  const std::string shown = *base + shown_path;
  auto make = [&]() -> result<http::request> {
    http::request req;
    if (method == http::verb::post) {
      req = service::make_post(url, "application/x-www-form-urlencoded", form, options_.user_agent);
    } else {
      req.method = method;
      req.url = url;
      req.headers.add("Accept", "application/json");
      req.headers.add("User-Agent", options_.user_agent.empty() ? service::default_user_agent() : options_.user_agent);
    }
    return req;
  };
  // Every form field and answer member here is a credential except these descriptions.
  static constexpr std::string_view sensitive[] = {
      "code", "code_verifier", "refresh_token", "access_token", "client_assertion", "id_token", "token"};
  service::call_info info{"hubspot", operation, replay_safe, sensitive, nullptr};
  info.shown_url = shown;
  const service::effective_call call(options_.call, per_call);
  const std::string what = "hubspot " + std::string(operation);
  auto res = co_await service::send_checked(transport_, make, call.get(), info,
                                            [&](const http::response& r) { return detail::oauth_error(what, r); });
  tokenmint::detail::cleanse(form.data(), form.size());
  co_return res;
}

template <class Transport>
asio::awaitable<result<token_response>> basic_oauth_client<Transport>::async_create_token(token_request request,
                                                                                          service::call_overrides per_call) {
  auto form = detail::token_form(request, options_);
  if (!form) co_return std::move(form).error();
  const std::string path = options_.api == oauth_api::v3 ? "/oauth/v3/token" : "/oauth/v1/token";
  auto res = co_await send(http::verb::post, path, path, std::move(*form), "create_token", false, std::move(per_call));
  if (!res) co_return std::move(res).error();
  auto body = service::read_secret_answer<token_response>("hubspot create_token", *res);
  if (!body) co_return std::move(body).error();
  if (!body->access_token || body->access_token->empty())
    co_return tokenmint::error{errc::invalid_response, "hubspot create_token: no access_token in the answer"};
  co_return body;
}

template <class Transport>
asio::awaitable<result<http::response>> basic_oauth_client<Transport>::send_token_in_path(http::verb method,
                                                                                          std::string_view collection,
                                                                                          secret_string token,
                                                                                          std::string_view operation,
                                                                                          service::call_overrides per_call) {
  const std::string what = "hubspot " + std::string(operation);
  if (auto ok = detail::check_token(what, token); !ok) co_return std::move(ok).error();
  const std::string prefix = "/oauth/v1/" + std::string(collection) + "/";
  std::string path = prefix + http::percent_encode(token.reveal());
  auto res = co_await send(method, path, prefix + "<redacted>", {}, operation, true, std::move(per_call));
  tokenmint::detail::cleanse(path.data(), path.size());
  co_return res;
}

template <class Transport>
asio::awaitable<result<access_token_info>> basic_oauth_client<Transport>::async_get_access_token(
    secret_string token, service::call_overrides per_call) {
  auto res =
      co_await send_token_in_path(http::verb::get, "access-tokens", std::move(token), "get_access_token", std::move(per_call));
  if (!res) co_return std::move(res).error();
  co_return service::read_secret_answer<access_token_info>("hubspot get_access_token", *res);
}

template <class Transport>
asio::awaitable<result<refresh_token_info>> basic_oauth_client<Transport>::async_get_refresh_token(
    secret_string token, service::call_overrides per_call) {
  auto res =
      co_await send_token_in_path(http::verb::get, "refresh-tokens", std::move(token), "get_refresh_token", std::move(per_call));
  if (!res) co_return std::move(res).error();
  co_return service::read_secret_answer<refresh_token_info>("hubspot get_refresh_token", *res);
}

template <class Transport>
asio::awaitable<result<void>> basic_oauth_client<Transport>::async_archive_refresh_token(secret_string token,
                                                                                         service::call_overrides per_call) {
  auto res = co_await send_token_in_path(http::verb::delete_, "refresh-tokens", std::move(token), "archive_refresh_token",
                                         std::move(per_call));
  if (!res) co_return std::move(res).error();
  co_return result<void>{};
}

template <class Transport>
asio::awaitable<result<token_info>> basic_oauth_client<Transport>::async_introspect_token(secret_string token,
                                                                                          std::string token_type_hint,
                                                                                          service::call_overrides per_call) {
  auto form = detail::token_about_form("hubspot introspect_token", options_, token, token_type_hint);
  if (!form) co_return std::move(form).error();
  auto res = co_await send(http::verb::post, "/oauth/v3/token/introspect", "/oauth/v3/token/introspect", std::move(*form),
                           "introspect_token", true, std::move(per_call));
  if (!res) co_return std::move(res).error();
  co_return service::read_secret_answer<token_info>("hubspot introspect_token", *res);
}

template <class Transport>
asio::awaitable<result<void>> basic_oauth_client<Transport>::async_revoke_token(secret_string token, std::string token_type_hint,
                                                                                service::call_overrides per_call) {
  auto form = detail::token_about_form("hubspot revoke_token", options_, token, token_type_hint);
  if (!form) co_return std::move(form).error();
  auto res = co_await send(http::verb::post, "/oauth/v3/token/revoke", "/oauth/v3/token/revoke", std::move(*form), "revoke_token",
                           true, std::move(per_call));
  if (!res) co_return std::move(res).error();
  tokenmint::detail::cleanse(res->body.data(), res->body.size());
  co_return result<void>{};
}

template <class Transport>
asio::awaitable<result<auth::oauth2_token>> basic_refresh_token_source<Transport>::async_generate_token(
    service::call_overrides per_call) {
  auto answer = co_await client_.async_create_token(refresh_grant(refresh_token_), std::move(per_call));
  if (!answer) co_return std::move(answer).error();
  if (answer->refresh_token && !answer->refresh_token->empty() && answer->refresh_token->reveal() != refresh_token_.reveal()) {
    refresh_token_ = std::move(*answer->refresh_token);
    if (on_rotated_) on_rotated_(refresh_token_);
  }
  auth::oauth2_token t;
  t.access_token = std::move(*answer->access_token);
  t.token_type = answer->token_type.value_or("bearer");
  t.expires_in = std::chrono::seconds(answer->expires_in.value_or(0));
  co_return t;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::hubspot
