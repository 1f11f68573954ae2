// Client-side token generation (`POST /v2/token/client-generate`) over any transport: what an
// app that holds no API secret (native, CTV, desktop, game clients) calls to mint a UID2/EUID.
#pragma once

#include <tokenmint/crypto/ecdh.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>
#include <tokenmint/uid2/identity_input.hpp>
#include <tokenmint/uid2/models.hpp>

#include <optional>
#include <string>

namespace tokenmint::uid2 {

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// The UID2 (or, with `F = flavour::euid`, EUID) client-side generate call over `Transport`:
/// `async_generate_token` hashes the email or phone locally, seals the hash under an AES-256-GCM
/// key agreed by P-256 ECDH with the operator's server key, and opens the answer with that key.
/// The identity it returns refreshes through `uid2::basic_client::async_refresh_token`, which
/// needs no API key. `uid2::client_side_client` / `euid::client_side_client` use
/// `https_transport`.
///
/// Key pairs: each attempt draws a fresh ephemeral P-256 key pair (as the web SDK does per
/// request). That adds about 17 us of CPU to a 44 us request build (docs/benchmarks.md,
/// `bench_cstg`), against a network round trip of tens of milliseconds; in exchange no private
/// key outlives its request and no two requests share an AES key.
///
/// Contract of `async_generate_token`:
/// - Lifetime: the client must outlive the call (it uses its transport, server key and options);
///   the identity is taken by value, so a temporary is safe.
/// - Cancellation: Asio per-operation cancellation (terminal, partial, total) through the
///   transport and the retry waits; a cancelled call returns `errc::cancelled` and the client stays
///   usable.
/// - Deadline: each attempt is bounded by `call.timeout` (30 s), the whole call by
///   `call.retry.deadline`; a trailing `service::call_overrides` changes either for one call.
/// - Thread-safety: not thread-safe; use one client from one strand. Calls may overlap there.
/// - Errors: before any request, `invalid_key` for a server public key that is not
///   `UID2-X-<env>-<base64 P-256 SPKI>` (`EUID-X-...`), `invalid_argument` naming the option
///   (subscription id, origin, app name: exactly one of the last two) and `invalid_url`; then
///   `invalid_http_origin` / `invalid_app_name` (the operator's 403, naming the origin or app),
///   `service_error` (400: unknown subscription, a payload the operator could not open, with its
///   message), `unauthorized` (401: the key pair is disabled), `rate_limited`, `invalid_response`,
///   `authentication_failed` (an answer that does not open under the agreed key) and transport
///   errors. `optout` is an outcome, not an error.
template <class Transport, flavour F = flavour::uid2>
class basic_client_side_client {
  static_assert(check_http_transport<Transport>());

 public:
  using transport_type = Transport;

  /// Takes the transport and options by value. Bad options (the server key above all) are
  /// reported by the first call, not thrown.
  basic_client_side_client(Transport transport, client_side_options options);

  const client_side_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// POST /v2/token/client-generate. `success` carries the identity, `optout` says the user opted
  /// out. The raw email or phone never leaves the process: only its normalized SHA-256, sealed.
  asio::awaitable<result<token_response>> async_generate_token(identity_input input, service::call_overrides per_call = {});

 private:
  const tokenmint::clock& clock() const noexcept { return options_.call.clock ? *options_.call.clock : default_clock(); }
  result<void> check_options() const;

  Transport transport_;
  client_side_options options_;
  std::optional<crypto::p256_public_key> server_key_;
  std::optional<tokenmint::error> options_error_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

/// UID2 client-side generate client over `https_transport`.
using client_side_client = basic_client_side_client<https_transport>;

}  // namespace tokenmint::uid2

namespace tokenmint::euid {

using uid2::client_side_options;

/// EUID client-side generate client: the server key is `EUID-X-<env>-...`.
template <class Transport>
using basic_client_side_client = uid2::basic_client_side_client<Transport, uid2::flavour::euid>;
using client_side_client = basic_client_side_client<https_transport>;

}  // namespace tokenmint::euid

#if defined(TOKENMINT_SEPARATE_COMPILATION)
namespace tokenmint::uid2 {
extern template class basic_client_side_client<https_transport, flavour::uid2>;
extern template class basic_client_side_client<https_transport, flavour::euid>;
}  // namespace tokenmint::uid2
#else
#include <tokenmint/uid2/client_side_client_impl.hpp>
#endif
