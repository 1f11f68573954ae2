// HubSpot visitor identification tokens over any transport.
#pragma once

#include <tokenmint/auth/oauth2.hpp>
#include <tokenmint/hubspot/models.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>

#include <algorithm>
#include <string>
#include <utility>

namespace tokenmint::hubspot {

/// HubSpot's error body in a failed call's diagnostics, typed; nothing when the body was not
/// HubSpot JSON.
inline std::optional<error_body> parse_error(const tokenmint::error& e) {
  if (e.diag.raw_body.empty()) return std::nullopt;
  auto b = json::read<error_body>(e.diag.raw_body);
  if (!b) return std::nullopt;
  return std::move(*b);
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// HubSpot visitor identification over `Transport`; `hubspot::client` uses `https_transport`.
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

  /// Credentials: `options.access_token` (a private app's token), sent on every call.
  basic_client(Transport transport, client_options options) : transport_(std::move(transport)), options_(std::move(options)) {}
  /// Credentials: `provider` (a public app's refreshing `hubspot::token_provider`, or any
  /// provider), asked for a bearer on every call; `options.access_token` is ignored. The provider
  /// must outlive the client and share its strand. A 401 invalidates the token it gave and the
  /// call runs once more with a fresh one.
  basic_client(Transport transport, client_options options, auth::provider_ref provider)
      : transport_(std::move(transport)), options_(std::move(options)), provider_(provider) {}

  const client_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// POST the visitor's email (and optional names) and return a new identification token.
  /// Errors: `invalid_argument` (bad input, before any request), `unauthorized` (401/403),
  /// `rate_limited` (429 after retries; `DAILY` is never retried), `service_error` (other
  /// statuses), transport errors, and the provider's errors; `diag` keeps HubSpot's category, message, correlation id,
  /// `errors[]` and the `X-HubSpot-*` headers, and `parse_error()` gives the typed body.
  asio::awaitable<result<visitor_token>> async_create_visitor_token(visitor_token_request request,
                                                                    service::call_overrides per_call = {});

 private:
  static result<void> check(const visitor_token_request& r);
  asio::awaitable<result<visitor_token>> create_visitor_token(std::string body, auth::bearer credential,
                                                              service::call_overrides per_call);

  Transport transport_;
  client_options options_;
  std::optional<auth::provider_ref> provider_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

using client = basic_client<https_transport>;

}  // namespace tokenmint::hubspot

#if defined(TOKENMINT_SEPARATE_COMPILATION)
// Compiled once, by the .cpp that includes <tokenmint/separate_compilation.hpp>; a client over
// another transport needs <tokenmint/hubspot/client_impl.hpp> where it is used.
namespace tokenmint::hubspot {
extern template class basic_client<https_transport>;
}  // namespace tokenmint::hubspot
#else
#include <tokenmint/hubspot/client_impl.hpp>
#endif
