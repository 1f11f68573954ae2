// Keeping a UID2/EUID identity fresh in the background.
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/policy/retry.hpp>
#include <tokenmint/uid2/client.hpp>

#include <asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>

namespace tokenmint::uid2 {

/// When `uid2::keep_fresh` refreshes, and how it retries a refresh that failed for a reason that
/// may pass.
struct refresher_options {
  /// Refreshes start at `refresh_from` plus a uniformly random delay up to this, so that many
  /// sessions issued together do not refresh together.
  std::chrono::milliseconds jitter{30'000};
  /// After a failed refresh that may succeed later (network, timeout, 5xx), try again after this,
  /// until `refresh_expires` (the JavaScript SDK's default is 5 s).
  std::chrono::milliseconds retry_after{5'000};
};

/// Why `keep_fresh` returned.
enum class refresher_stop {
  optout,           ///< the operator answered optout: drop the identity
  refresh_expired,  ///< the refresh token expired (or the identity was never refreshable)
  rejected,         ///< the operator refused the token (`invalid_token`, 4xx): see `last_error`
  cancelled,        ///< the caller cancelled (Asio per-operation cancellation)
};

/// Why `uid2::keep_fresh` stopped, with the last failure when there was one.
struct refresher_result {
  refresher_stop reason = refresher_stop::cancelled;
  std::optional<tokenmint::error> last_error;  ///< the last failed refresh, if any
};

namespace detail {
inline asio::awaitable<bool> cancel_requested() {
  const auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}
}  // namespace detail

/// Refreshes `id` whenever it is due (at `refresh_from` + jitter), hands every new identity to
/// `on_identity(const identity&)` (store it: the old refresh token no longer works), and returns
/// when the identity cannot be kept fresh any more, or when cancelled. Time comes from the
/// client's clock; waits run on the coroutine's executor.
/// Contract:
/// - Lifetime: `client` (a reference, not a temporary) must outlive the coroutine; `id`,
///   `on_identity` and `opts` are taken by value.
/// - Cancellation: terminal, partial or total per-operation cancellation, during a wait or a
///   refresh, or requested from inside `on_identity`: returns with `refresher_stop::cancelled`.
/// - Deadline: none of its own (it runs until the identity can no longer be refreshed); each
///   refresh is bounded by the client's `call` options.
/// - Thread-safety: as the client (one strand); `on_identity` runs on that strand.
/// - Errors: never a failed result; the reason it stopped and the last failed refresh are in
///   `refresher_result`.
template <class Client, class Callback>
asio::awaitable<refresher_result> keep_fresh(Client& client, identity id, Callback on_identity, refresher_options opts = {}) {
  const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  // (Results are built in a named local and returned after the loop: g++ 12 mishandles braced
  // temporaries passed to a co_await-ed call.)
  refresher_result out;
  std::minstd_rand rng(std::random_device{}());
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const tokenmint::clock& clock = client.options().call.clock ? *client.options().call.clock : default_clock();
  std::int64_t next = id.refresh_from;
  if (opts.jitter.count() > 0) next += std::uniform_int_distribution<std::int64_t>(0, opts.jitter.count())(rng);
  for (;;) {
    // A cancellation requested while no operation was pending (e.g. from the callback) is seen here.
    if (co_await detail::cancel_requested()) {
      out.reason = refresher_stop::cancelled;
      break;
    }
    if (!id.is_refreshable(clock.now_ms())) {
      out.reason = refresher_stop::refresh_expired;
      break;
    }
    const std::int64_t wait_ms = std::min(next, id.refresh_expires) - clock.now_ms();
    if (wait_ms > 0) {
      timer.expires_after(std::chrono::milliseconds(wait_ms));
      auto [ec] = co_await timer.async_wait(tokenmint::detail::use_tuple);
      if (ec || co_await detail::cancel_requested()) {
        out.reason = refresher_stop::cancelled;
        break;
      }
    }
    if (!id.is_refreshable(clock.now_ms())) {
      out.reason = refresher_stop::refresh_expired;
      break;
    }
    auto r = co_await client.async_refresh_token(id);
    if (r) {
      if (r->status == token_status::optout) {
        out.reason = refresher_stop::optout;
        break;
      }
      id = std::move(*r->identity);
      out.last_error.reset();
      on_identity(static_cast<const identity&>(id));
      next = id.refresh_from;
      if (opts.jitter.count() > 0) next += std::uniform_int_distribution<std::int64_t>(0, opts.jitter.count())(rng);
      continue;
    }
    const bool cancelled = r.error() == errc::cancelled || co_await detail::cancel_requested();
    // Worth another try: the network or the operator's availability, not the token or the keys.
    const int http = r.error().diag.http_status;
    const bool transient = http == 429 || http >= 500 || policy::transient_transport_failure(r.error().code);
    out.last_error = std::move(r).error();
    if (cancelled || !transient) {
      out.reason = cancelled ? refresher_stop::cancelled : refresher_stop::rejected;
      break;
    }
    next = clock.now_ms() + opts.retry_after.count();
  }
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  co_return out;
}

}  // namespace tokenmint::uid2
