// Benchling client-credentials tokens over any transport, and the cached provider over them.
#pragma once

#include <tokenmint/auth/oauth2.hpp>
#include <tokenmint/benchling/models.hpp>
#include <tokenmint/json/read.hpp>
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
  asio::awaitable<result<auth::oauth2_token>> async_generate_token(service::call_overrides per_call = {});

 private:
  Transport transport_;
  client_options options_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

using client = basic_client<https_transport>;

/// Benchling tokens cached and refreshed ahead of expiry: `co_await p.async_token()` gives an
/// `auth::bearer` for Benchling's other endpoints; `p.async_call(f)` retries once after a 401.
template <class Transport>
using token_provider = auth::token_provider<basic_client<Transport>>;

}  // namespace tokenmint::benchling

#if defined(TOKENMINT_SEPARATE_COMPILATION)
// Compiled once, by the .cpp that includes <tokenmint/separate_compilation.hpp>; a client over
// another transport needs <tokenmint/benchling/client_impl.hpp> where it is used.
namespace tokenmint::benchling {
extern template class basic_client<https_transport>;
}  // namespace tokenmint::benchling
extern template class tokenmint::auth::token_provider<tokenmint::benchling::basic_client<tokenmint::https_transport>>;
#else
#include <tokenmint/benchling/client_impl.hpp>
#endif
