// UID2/EUID clients for DSPs (bidstream) and sharing participants: keys fetched from the
// operator, tokens decrypted (and, for sharing, encrypted) locally on any number of threads.
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/policy/retry.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/key_store.hpp>
#include <tokenmint/uid2/refresher.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <string_view>
#include <utility>

namespace tokenmint::uid2 {

/// Which keys a client holds, and so what it may do with them.
enum class key_role : unsigned char {
  bidstream,  ///< `/v2/key/bidstream`: decrypt tokens from bid requests (domain/app check)
  sharing,    ///< `/v2/key/sharing`: encrypt raw UID2s into tokens, decrypt tokens shared with you
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// A DSP's (`Role = bidstream`) or a sharing participant's (`Role = sharing`) client over
/// `Transport`: `async_refresh_keys()` fetches keys (through the publisher client's envelope
/// code), `decrypt_token` / `encrypt_raw_uid` run locally with the latest good keys.
/// `uid2::bidstream_client`, `uid2::sharing_client` and the `euid::` ones use `https_transport`.
///
/// Contract:
/// - `async_refresh_keys`: lifetime, cancellation, deadline and errors as every `async_*` of
///   `uid2::basic_client` (the client must outlive the call; Asio per-operation cancellation;
///   `call.timeout` per attempt and `call.retry.deadline` per call; 401/403 `unauthorized`, ...).
///   The answer is opened and parsed in full before it replaces the keys: a failure of any kind
///   keeps the last good keys and returns the error. One refresh at a time (one strand).
/// - `decrypt_token`, `encrypt_raw_uid`, `refresh_keys_from_json`, `keys()`: thread-safe, from
///   any number of threads, concurrently with a refresh (`uid2::key_store`). Decrypt and encrypt
///   are `noexcept`, never block, never allocate in steady state, and report every failure as a
///   status. The clock is `options.call.clock` unless `now_ms` is given.
template <class Transport, key_role Role, flavour F = flavour::uid2>
class basic_key_client {
 public:
  using transport_type = Transport;

  /// `base_url`, `api_key` and `client_secret` are needed by `async_refresh_keys` only.
  basic_key_client(Transport transport, client_options options)
      : publisher_(std::move(transport), std::move(options)), store_(scope_of(F)) {}

  const client_options& options() const noexcept { return publisher_.options(); }
  Transport& transport() noexcept { return publisher_.transport(); }

  /// POST `/v2/key/bidstream` or `/v2/key/sharing`, then swap in the new keys (only if the whole
  /// answer parsed).
  asio::awaitable<result<void>> async_refresh_keys(service::call_overrides per_call = {}) {
    auto text = co_await publisher_.async_get_keys(endpoint, per_call);
    if (!text) co_return std::move(text).error();
    auto ok = store_.refresh_from_json(text->reveal());
    if (!ok)
      co_return tokenmint::error{errc::invalid_response,
                                 std::string(name(F)) + ' ' + std::string(path_of(endpoint)) + ": " + ok.error().message};
    co_return result<void>{};
  }

  /// Keys fetched some other way: the decrypted answer text, as `async_refresh_keys` receives it.
  result<void> refresh_keys_from_json(std::string_view answer) { return store_.refresh_from_json(answer); }

  /// Decrypt a token from a bid request, seen on `domain_or_app_name` (the page's domain or the
  /// app's name; checked, case-insensitively, for client-side-generated tokens).
  decryption_result decrypt_token(std::string_view token, std::string_view domain_or_app_name) const noexcept
    requires(Role == key_role::bidstream)
  {
    return store_.decrypt(token, domain_or_app_name, now(), {token_context::bidstream});
  }
  decryption_result decrypt_token(std::string_view token, std::string_view domain_or_app_name, std::int64_t now_ms) const noexcept
    requires(Role == key_role::bidstream)
  {
    return store_.decrypt(token, domain_or_app_name, now_ms, {token_context::bidstream});
  }

  /// Decrypt a token another participant shared with you.
  decryption_result decrypt_token(std::string_view token) const noexcept
    requires(Role == key_role::sharing)
  {
    return store_.decrypt(token, {}, now(), {token_context::sharing});
  }
  decryption_result decrypt_token(std::string_view token, std::int64_t now_ms) const noexcept
    requires(Role == key_role::sharing)
  {
    return store_.decrypt(token, {}, now_ms, {token_context::sharing});
  }

  /// Encrypt a raw UID2 (base64 of 32 or 33 bytes) into a v4 token for sharing.
  encryption_result encrypt_raw_uid(std::string_view raw_uid) const noexcept
    requires(Role == key_role::sharing)
  {
    return store_.encrypt(raw_uid, now());
  }
  encryption_result encrypt_raw_uid(std::string_view raw_uid, std::int64_t now_ms, const encrypt_options& o = {}) const noexcept
    requires(Role == key_role::sharing)
  {
    return store_.encrypt(raw_uid, now_ms, o);
  }

  /// The keys, for what the calls above do not cover (`check_optout`, inspecting the answer).
  const key_store& keys() const noexcept { return store_; }

 private:
  static constexpr key_endpoint endpoint = Role == key_role::bidstream ? key_endpoint::bidstream : key_endpoint::sharing;

  std::int64_t now() const noexcept { return options().call.clock ? options().call.clock->now_ms() : default_clock().now_ms(); }

  basic_client<Transport, F> publisher_;
  key_store store_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

template <class Transport>
using basic_bidstream_client = basic_key_client<Transport, key_role::bidstream, flavour::uid2>;
template <class Transport>
using basic_sharing_client = basic_key_client<Transport, key_role::sharing, flavour::uid2>;
using bidstream_client = basic_bidstream_client<https_transport>;
using sharing_client = basic_sharing_client<https_transport>;

/// How `keep_keys_fresh` paces refreshes.
struct key_refresh_options {
  std::chrono::milliseconds interval{3'600'000};  ///< hourly, as the operator's docs advise
  std::chrono::milliseconds jitter{300'000};      ///< plus a uniformly random delay up to this
  std::chrono::milliseconds retry_after{60'000};  ///< after a failed refresh, try again this soon
};

struct ignore_refresh_outcome {
  void operator()(const result<void>&) const noexcept {}
};

/// Refreshes `client`'s keys at once, then every `interval` (+ jitter), retrying a failure after
/// `retry_after`; hands each outcome to `on_refresh(const result<void>&)` (a failure keeps the
/// last good keys). Runs until cancelled.
/// Contract:
/// - Lifetime: `client` (a reference) must outlive the coroutine; the rest is taken by value.
/// - Cancellation: terminal, partial or total per-operation cancellation, during a wait or a
///   refresh: returns.
/// - Deadline: none of its own; each refresh is bounded by the client's `call` options.
/// - Thread-safety: one `keep_keys_fresh` per client, on one strand; decrypting threads are
///   never blocked by it.
template <class Client, class Callback = ignore_refresh_outcome>
asio::awaitable<void> keep_keys_fresh(Client& client, key_refresh_options opts = {}, Callback on_refresh = {}) {
  const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  std::minstd_rand rng(std::random_device{}());
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    auto r = co_await client.async_refresh_keys();
    const bool cancelled = (!r && r.error() == errc::cancelled) || co_await detail::cancel_requested();
    if (cancelled) break;
    on_refresh(static_cast<const result<void>&>(r));
    auto wait = r ? opts.interval : opts.retry_after;
    if (r && opts.jitter.count() > 0)
      wait += std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(0, opts.jitter.count())(rng));
    timer.expires_after(wait);
    auto [ec] = co_await timer.async_wait(tokenmint::detail::use_tuple);
    if (ec || co_await detail::cancel_requested()) break;
  }
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
}

}  // namespace tokenmint::uid2

namespace tokenmint::euid {

using uid2::decryption_result;
using uid2::decryption_status;
using uid2::encryption_result;
using uid2::encryption_status;

template <class Transport>
using basic_bidstream_client = uid2::basic_key_client<Transport, uid2::key_role::bidstream, uid2::flavour::euid>;
template <class Transport>
using basic_sharing_client = uid2::basic_key_client<Transport, uid2::key_role::sharing, uid2::flavour::euid>;
using bidstream_client = basic_bidstream_client<https_transport>;
using sharing_client = basic_sharing_client<https_transport>;

}  // namespace tokenmint::euid
