// The definitions of HubSpot's `basic_client` (client.hpp declares it). Included by client.hpp
// in header-only mode; with -DTOKENMINT_SEPARATE_COMPILATION, by the one .cpp that includes
// <tokenmint/separate_compilation.hpp>, and by any file that uses a client over its own transport.
// Templates and `inline` functions only, so any number of files may include it.
#pragma once

#include <tokenmint/hubspot/client.hpp>

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/service/helpers.hpp>

#include <algorithm>

namespace tokenmint::hubspot {

namespace detail {

/// A 429's `policyName` decides: `DAILY` resets at midnight in the account's time zone, so it
/// is never retried; `TEN_SECONDLY_ROLLING` (or the "secondly limit" message) waits for the
/// server's hint, else at least one second.
inline policy::server_hint retry_hint(const http::response& res, unix_ms now) {
  auto h = policy::standard_hint(res, now);
  if (res.status != 429) return h;
  auto body = json::read<error_body>(res.body);
  if (!body) return h;
  const std::string policy_name = body->policy_name.value_or("");
  if (policy_name == "DAILY") {
    h.never = true;
    h.why = "HubSpot's daily limit (policyName DAILY) resets at midnight";
  } else if (policy_name == "TEN_SECONDLY_ROLLING" || body->message.value_or("").find("secondly limit") != std::string::npos) {
    if (!h.wait) h.wait = std::chrono::milliseconds{1000};
  }
  return h;
}

/// HubSpot's error body and headers as diagnostics (the visitor and the OAuth endpoints share them).
inline diagnostics error_diagnostics(const http::response& res) {
  diagnostics d;
  d.raw_body = res.body;
  d.headers = service::keep_headers(res, {"x-hubspot-"});
  if (auto id = res.headers.get("x-hubspot-correlation-id")) d.correlation_id = std::string(*id);
  if (auto b = json::read<error_body>(res.body)) {
    d.service_status = b->category.value_or(b->error_type.value_or(b->status.value_or(b->error.value_or(""))));
    d.service_message = b->message.value_or(b->error_description.value_or(""));
    if (b->correlation_id) d.correlation_id = *b->correlation_id;
    if (b->policy_name) d.details.push_back("policyName: " + *b->policy_name);
    if (b->errors)
      for (const auto& item : *b->errors) {
        std::string line = item.in ? *item.in + ": " : std::string();
        line += item.message.value_or("");
        if (item.code) line += " (" + *item.code + ")";
        d.details.push_back(std::move(line));
      }
  }
  return d;
}

inline tokenmint::error http_error(const http::response& res) {
  return service::http_status_error("hubspot create_visitor_token", res, error_diagnostics(res));
}

inline bool has_control(std::string_view s) noexcept {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

template <class Transport>
asio::awaitable<result<visitor_token>> basic_client<Transport>::async_create_visitor_token(visitor_token_request request,
                                                                                           service::call_overrides per_call) {
  if (auto ok = check(request); !ok) co_return std::move(ok).error();
  const std::string body = json::write(request);
  // Named locals, not temporaries, around each co_await (g++ 12 miscompiles the latter).
  if (!provider_) {
    auth::bearer fixed{options_.access_token};
    auto token = co_await create_visitor_token(body, std::move(fixed), per_call);
    co_return token;
  }
  auto credential = co_await provider_->async_token();
  if (!credential) co_return std::move(credential).error();
  auth::bearer first = *credential;
  auto token = co_await create_visitor_token(body, first, per_call);
  if (token || !(token.error() == errc::unauthorized)) co_return token;
  provider_->invalidate(first);  // refused: one more try with a fresh token
  auto fresh = co_await provider_->async_token();
  if (!fresh) co_return std::move(fresh).error();
  auth::bearer second = *fresh;
  auto retried = co_await create_visitor_token(body, second, per_call);
  co_return retried;
}

template <class Transport>
asio::awaitable<result<visitor_token>> basic_client<Transport>::create_visitor_token(std::string body, auth::bearer credential,
                                                                                     service::call_overrides per_call) {
  auto base = service::trimmed_base_url(options_.base_url, "hubspot");
  if (!base) co_return std::move(base).error();
  if (auto ok = credential.check(); !ok) co_return std::move(ok).error();
  const std::string url = *base + options_.path;
  auto make = [&]() -> result<http::request> {
    http::request req = service::make_post(url, "application/json", body, options_.user_agent);
    credential.apply(req);
    return req;
  };
  service::call_info info{"hubspot", "create_visitor_token", false, {}, &detail::retry_hint};
  const service::effective_call call(options_.call, per_call);
  auto res = co_await service::send_checked(transport_, make, call.get(), info, &detail::http_error);
  if (!res) co_return std::move(res).error();
  auto token = service::read_secret_answer<visitor_token>("hubspot create_visitor_token", *res);
  if (token && token->token.empty())
    co_return tokenmint::error{errc::invalid_response, "hubspot create_visitor_token: empty token"};
  co_return token;
}

template <class Transport>
result<void> basic_client<Transport>::check(const visitor_token_request& r) {
  if (r.email.empty()) return tokenmint::error{errc::invalid_argument, "email: empty"};
  if (r.email.size() > 254) return tokenmint::error{errc::invalid_argument, "email: longer than 254 characters"};
  const auto at = r.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == r.email.size() || detail::has_control(r.email) ||
      r.email.find(' ') != std::string::npos)
    return tokenmint::error{errc::invalid_argument, "email: not an address (local@domain)"};
  if (r.first_name && detail::has_control(*r.first_name))
    return tokenmint::error{errc::invalid_argument, "first_name: holds control characters"};
  if (r.last_name && detail::has_control(*r.last_name))
    return tokenmint::error{errc::invalid_argument, "last_name: holds control characters"};
  return {};
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::hubspot
