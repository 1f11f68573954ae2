// UID2 and EUID publisher clients: generate, refresh, validate, identity map, over any transport.
#pragma once

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>
#include <tokenmint/uid2/identity_input.hpp>
#include <tokenmint/uid2/models.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tokenmint::uid2 {

namespace detail {
struct answer;  // the `{"status", "body", "message"}` of a decrypted answer (client_impl.hpp)
}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// The UID2 (or, with `F = flavour::euid`, EUID) publisher API over `Transport`:
/// `async_generate_token`, `async_refresh_token`, `async_validate_token`, `async_map_identities`,
/// and the key endpoints (`async_get_keys`, which `uid2::bidstream_client` and
/// `uid2::sharing_client` build on).
/// `uid2::client` and `euid::client` use `https_transport`.
///
/// Contract, for every `async_*` operation:
/// - Lifetime: the client must outlive every call it started (calls use its transport, key
///   schedule and options); arguments are taken by value, so temporaries are safe.
/// - Cancellation: Asio per-operation cancellation (terminal, partial, total) through the
///   transport and the retry waits; a cancelled call returns `errc::cancelled` and the client
///   stays usable.
/// - Deadline: each attempt is bounded by `call.timeout` (30 s), the whole call, retries and waits
///   included, by `call.retry.deadline`; a trailing `service::call_overrides` changes either for
///   one call.
/// - Thread-safety: not thread-safe; use one client from one strand. Calls may overlap there.
/// - Errors: `invalid_argument` / `invalid_key` / `invalid_url` for bad input (before any
///   request), `unauthorized` (401/403), `rate_limited` (429 after retries), `service_error` (other
///   refusals, with the operator's status and message in `diag`), `invalid_response`, the
///   envelope's `authentication_failed` / `nonce_mismatch`, and transport errors. Outcomes that
///   are not failures (`optout`, EUID `insufficient_user_consent`) are values.
/// g++ 12: do not `co_await` inside a constructor argument of the client or its transport
/// (`client c(https_transport(co_await this_coro::executor), o)` frees a wild pointer); await into
/// a named local first.
template <class Transport, flavour F = flavour::uid2>
class basic_client {
  static_assert(check_http_transport<Transport>());

 public:
  using transport_type = Transport;

  /// Takes the transport and options by value. A bad client secret is reported by the first call
  /// that needs it (`invalid_key`), not thrown.
  basic_client(Transport transport, client_options options);

  const client_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// POST /v2/token/generate. `success` carries the identity; `optout` and (EUID)
  /// `insufficient_user_consent` are outcomes, not errors. Each attempt seals a fresh envelope
  /// (new timestamp, nonce, IV).
  asio::awaitable<result<token_response>> async_generate_token(identity_input input, generate_options opts = {},
                                                               service::call_overrides per_call = {});

  /// POST /v2/token/refresh with the identity's refresh token as the whole body, answer opened
  /// with its `refresh_response_key`. The new identity replaces the old one (it carries a new
  /// refresh token and key). Sends the API key when the client has one (the operator then says
  /// `invalid_token` / `expired_token` instead of a generic `error`). The identity is taken by
  /// value: `async_refresh_token(identity::from_json(text).value())` is safe.
  asio::awaitable<result<token_response>> async_refresh_token(identity id, service::call_overrides per_call = {});

  /// POST /v2/token/validate: whether `advertising_token` was generated (with these
  /// credentials) for `input`. A testing aid.
  asio::awaitable<result<bool>> async_validate_token(std::string advertising_token, identity_input input,
                                                     service::call_overrides per_call = {});

  /// POST /v3/identity/map: results aligned with `inputs` (any mix of kinds). More than 5,000
  /// identifiers go out as batches of 5,000, four at a time (`uid2::async_map_stream`, which maps
  /// lists of any length with bounded memory); a batch that fails after its retries leaves its
  /// rows `unmapped_reason == "failed"` with the `error`, and every other batch's results stand.
  /// The call itself fails for a single batch that fails, when every batch fails (the first
  /// one's error), or when cancelled.
  asio::awaitable<result<std::vector<mapped_identity>>> async_map_identities(std::vector<identity_input> inputs,
                                                                             service::call_overrides per_call = {});

  /// POST /v2/key/sharing, /v2/key/bidstream or /v2/key/latest with an empty envelope payload:
  /// the decrypted answer `{"body": ..., "status": "success"}`, unchanged (it holds the key
  /// secrets, hence a `secret_string`). Another status is a `service_error` naming it.
  asio::awaitable<result<secret_string>> async_get_keys(key_endpoint which, service::call_overrides per_call = {});

 private:
  const tokenmint::clock& clock() const noexcept { return options_.call.clock ? *options_.call.clock : default_clock(); }

  /// Sends what `make` builds (again for each attempt) under the retry policy through the attempt
  /// step all clients share: a final answer outside 2xx becomes the service's error.
  template <class Make>
  asio::awaitable<result<http::response>> send(std::string_view path, Make make, const service::call_options& call);

  http::request make_request(std::string_view path, std::string body, bool with_key) const;

  result<void> check_credentials() const;

  /// Seal `json`, POST it, open the 200 answer (nonce checked) and parse its envelope JSON.
  asio::awaitable<result<detail::answer>> call_enveloped(std::string_view path, std::string json_text,
                                                         const service::call_options& call);
  /// As `call_enveloped`, returning the opened JSON text unparsed.
  asio::awaitable<result<std::string>> call_opened(std::string_view path, std::string json_text,
                                                   const service::call_options& call);

  asio::awaitable<result<std::vector<mapped_identity>>> map_batch(const std::vector<identity_input>& inputs, std::size_t start,
                                                                  std::size_t end, const service::call_options& call);

  Transport transport_;
  client_options options_;
  auth::bearer bearer_;  // the API key, applied at send time
  std::optional<crypto::aes256_gcm> key_;
  std::optional<tokenmint::error> key_error_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

/// UID2 publisher client over `Transport`; `uid2::client` uses `https_transport`.
using client = basic_client<https_transport>;

}  // namespace tokenmint::uid2

namespace tokenmint::euid {

using uid2::client_options;
using uid2::generate_options;
using uid2::identity;
using uid2::identity_input;
using uid2::mapped_identity;
using uid2::token_response;
using uid2::token_status;

/// EUID publisher client: the UID2 protocol with EUID's hosts, messages and the TCF string.
template <class Transport>
using basic_client = uid2::basic_client<Transport, uid2::flavour::euid>;
using client = basic_client<https_transport>;

}  // namespace tokenmint::euid

#if defined(TOKENMINT_SEPARATE_COMPILATION)
// Compiled once, by the .cpp that includes <tokenmint/separate_compilation.hpp>; a client over
// another transport needs <tokenmint/uid2/client_impl.hpp> where it is used.
namespace tokenmint::uid2 {
extern template class basic_client<https_transport, flavour::uid2>;
extern template class basic_client<https_transport, flavour::euid>;
}  // namespace tokenmint::uid2
#else
#include <tokenmint/uid2/client_impl.hpp>
#endif
