// Benchling client-credentials tokens over any transport, and the cached provider over them.
#pragma once

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/auth/oauth2.hpp>
#include <tokenmint/benchling/models.hpp>
#include <tokenmint/service/helpers.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>

#include <string>
#include <utility>

namespace tokenmint::benchling {

/// Benchling's error body in a failed call's diagnostics, typed.
inline std::optional<error_body> parse_error(const tokenmint::error& e) {
  if (e.diag.raw_body.empty()) return std::nullopt;
  auto b = json::read<error_body>(e.diag.raw_body);
  if (!b) return std::nullopt;
  return std::move(*b);
}

namespace detail {

inline tokenmint::error http_error(const http::response& res) {
  diagnostics d;
  d.raw_body = res.body;
  d.headers = service::keep_headers(res, {"x-rate-limit-", "x-request-id"});
  if (auto b = json::read<error_body>(res.body); b && b->error) {
    d.service_status = b->error->type.value_or("");
    d.service_message = b->error->message.value_or("");
    if (b->error->user_message && *b->error->user_message != d.service_message)
      d.details.push_back("userMessage: " + *b->error->user_message);
  }
  return service::http_status_error("benchling generate_token", res, std::move(d));
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// Benchling's token endpoint over `Transport`; `benchling::client` uses `https_transport`.
/// A token request is replay-safe (asking twice only mints two tokens).
/// Contract, for every `async_*` operation:
/// - Lifetime: the client must outlive every call it started; arguments are taken by value.
/// - Cancellation: Asio per-operation cancellation (terminal, partial, total) through the
///   transport and the retry waits; a cancelled call returns `errc::cancelled`, the client stays usable.
/// - Deadline: each attempt is bounded by `call.timeout` (30 s), the whole call, retries and waits
///   included, by `call.retry.deadline`; a trailing `service::call_overrides` changes either for one call.
/// - Thread-safety: not thread-safe; use one client from one strand. Calls may overlap there.
/// g++ 12: do not `co_await` inside a constructor argument of the client or its transport
/// (`client c(https_transport(co_await this_coro::executor), o)` frees a wild pointer); await into
/// a named local first.
template <class Transport>
class basic_client {
  static_assert(check_http_transport<Transport>());

 public:
  using transport_type = Transport;

  basic_client(Transport transport, client_options options) : transport_(std::move(transport)), options_(std::move(options)) {}

  const client_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// POST /token with `grant_type=client_credentials`. Errors: `invalid_argument` (missing
  /// credentials, before any request), `unauthorized` (401 `invalid_client`), `service_error`
  /// (400 `invalid_request`/`invalid_grant`/..., other statuses), `rate_limited` (429 after
  /// retries), `invalid_response` (no `access_token`, a token type other than Bearer).
  asio::awaitable<result<auth::oauth2_token>> async_generate_token(service::call_overrides per_call = {}) {
    auto base = service::trimmed_base_url(options_.base_url, "benchling");
    if (!base) co_return std::move(base).error();
    const auth::basic credential{options_.client_id, options_.client_secret};
    if (auto ok = credential.check(); !ok)
      co_return tokenmint::error{errc::invalid_argument, "client_id/client_secret: " + ok.error().message};
    const std::string url = *base + "/token";
    auto make = [&]() -> result<http::request> {
      std::string form = http::form_encode({{"grant_type", "client_credentials"}});
      if (options_.credentials_in_body) {
        http::form_append(form, "client_id", options_.client_id);
        http::form_append(form, "client_secret", options_.client_secret.reveal());
      }
      http::request req = service::make_post(url, "application/x-www-form-urlencoded", std::move(form), options_.user_agent);
      if (!options_.credentials_in_body) credential.apply(req);
      return req;
    };
    static constexpr std::string_view sensitive[] = {"access_token", "client_secret"};
    service::call_info info{"benchling", "generate_token", true, sensitive, nullptr};
    const service::effective_call call(options_.call, per_call);
    auto res = co_await service::send_checked(transport_, make, call.get(), info, &detail::http_error);
    if (!res) co_return std::move(res).error();
    auto body = service::read_secret_answer<token_response>("benchling generate_token", *res);
    if (!body) co_return std::move(body).error();
    if (!body->access_token || body->access_token->empty())
      co_return tokenmint::error{errc::invalid_response, "benchling generate_token: no access_token in the answer"};
    if (body->token_type && !http::iequals(*body->token_type, "bearer"))
      co_return tokenmint::error{errc::invalid_response,
                                 "benchling generate_token: token_type \"" + *body->token_type + "\", expected Bearer"};
    if (body->expires_in && *body->expires_in < 0)
      co_return tokenmint::error{errc::invalid_response, "benchling generate_token: negative expires_in"};
    auth::oauth2_token t;
    t.access_token = std::move(*body->access_token);
    t.token_type = body->token_type.value_or("Bearer");
    t.expires_in = std::chrono::seconds(body->expires_in.value_or(0));
    co_return t;
  }

 private:
  Transport transport_;
  client_options options_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

using client = basic_client<https_transport>;

/// Benchling tokens cached and refreshed ahead of expiry: `co_await p.async_token()` gives an
/// `auth::bearer` for Benchling's other endpoints; `p.async_call(f)` retries once after a 401.
template <class Transport>
using token_provider = auth::client_credentials<basic_client<Transport>>;

}  // namespace tokenmint::benchling
