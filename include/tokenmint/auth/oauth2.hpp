// OAuth2 access tokens for every grant: the token a token endpoint returns, and one provider that
// caches it, refreshes it ahead of expiry with one request however many callers wait, keeps
// serving a still-valid token when a refresh fails, and retries a call once after a 401. The grant
// is the source's business: Benchling's client credentials, HubSpot's refresh token.
#pragma once

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/core/clock.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/detail/asio.hpp>

#include <asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tokenmint::auth {

/// An access token as a token endpoint issued it.
struct oauth2_token {
  secret_string access_token;
  std::string token_type = "Bearer";
  std::chrono::seconds expires_in{0};  ///< lifetime from issue; 0: the endpoint did not say

  auth::bearer bearer() const { return auth::bearer{access_token}; }
};

/// When the provider refreshes.
struct token_cache_options {
  std::chrono::seconds refresh_margin{60};               ///< refresh this long before expiry...
  std::chrono::milliseconds jitter{10'000};              ///< ...minus up to this much, drawn per token
  std::chrono::seconds assumed_lifetime{300};            ///< for `expires_in` absent, zero or negative
  std::chrono::seconds max_lifetime{24 * 3600};          ///< a longer `expires_in` is cut to this
  std::chrono::milliseconds retry_after_failure{5'000};  ///< after a failed refresh: serve the old token,
                                                         ///< or fail fast without one, this long
  const tokenmint::clock* clock = nullptr;               ///< null: the system clock
  std::function<double()> random;                        ///< uniform [0,1) for the jitter; empty: a PRNG
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// A token provider over `Source`, anything with
/// `asio::awaitable<result<auth::oauth2_token>> async_generate_token()` (e.g. `benchling::basic_client`
/// for client credentials, `hubspot::refresh_token_source` for a refresh token).
/// - `async_token()` returns the cached token while it is fresh; past `expires - margin - jitter`
///   one coroutine refreshes and every other caller waits for that one refresh (single flight).
/// - A failed refresh is reported only if the old token has expired; otherwise the old token is
///   served and the refresh is tried again after `retry_after_failure`. Without a valid token, a
///   failed refresh is the answer for `retry_after_failure` (fail fast, one request per period:
///   a revoked refresh token or a down endpoint never sees a retry storm); a cancelled refresh
///   holds nothing off.
/// - The lifetime is `expires_in` clamped to `max_lifetime`; `assumed_lifetime` when the
///   endpoint sent none, zero or a negative one (a placeholder never makes the provider spin).
/// - `async_call(f)` runs `f(bearer)` and, on `errc::unauthorized`, drops that token, fetches a
///   new one and runs `f` once more.
///
/// Contract, for `async_token` and `async_call`:
/// - Lifetime: the provider must outlive every call it started; it owns `Source`. It holds no
///   I/O object between calls (a waiting caller's timer lives in that caller's frame), so it may
///   be destroyed before or after the io_context. `f` is taken by value and kept alive for the call.
/// - Cancellation: a waiting caller honours its own Asio per-operation cancellation
///   (`errc::cancelled`) without disturbing the refresh others wait for; cancelling the caller
///   that refreshes cancels that token request, and the callers waiting for it start another.
/// - Deadline: a refresh is bounded by the source's own `call` options (30 s per attempt,
///   `retry.deadline` per call); waiting callers wait at most as long.
/// - Thread-safety: not thread-safe; use from one strand (callers may overlap on it).
/// - Errors: the source's (`unauthorized` for a wrong secret or a revoked refresh token,
///   transport errors), only once the cached token has expired; `invalid_response` for an empty
///   access token.
template <class Source>
class token_provider {
 public:
  explicit token_provider(Source source, token_cache_options options = {})
      : source_(std::move(source)), options_(std::move(options)) {}

  /// The token source (e.g. to change its options between calls).
  Source& source() noexcept { return source_; }

  /// A bearer that is valid now: the cached one, or a fresh one (one refresh for all callers).
  asio::awaitable<result<bearer>> async_token() {
    for (bool waited_for_other = false;;) {
      const auto now = clock().now();
      if (token_ && now < refresh_at_) co_return token_->bearer();
      const bool valid = token_ && now < expires_at_;
      if (!refreshing_ && !valid && last_error_ && now < hold_until_) co_return *last_error_;
      if (refreshing_) {
        auto waited = co_await wait_for_refresh();
        if (!waited) co_return std::move(waited).error();
        waited_for_other = true;
      } else {
        waited_for_other = false;
        co_await refresh();
      }
      if (token_ && clock().now() < expires_at_) co_return token_->bearer();
      // The refresh this caller waited for was cancelled by its own caller: start another.
      if (waited_for_other && last_error_ && *last_error_ == errc::cancelled) continue;
      if (last_error_) co_return *last_error_;
      co_return error{errc::invalid_response, "oauth2: no token after refresh"};
    }
  }

  /// Drops the cached token (e.g. the service refused it). The next call fetches a new one.
  void invalidate() noexcept {
    if (!refreshing_) token_.reset();
  }
  /// Drops the cached token only if it is still `seen` (another caller may have replaced it).
  void invalidate(const bearer& seen) noexcept {
    if (token_ && token_->access_token.reveal() == seen.token.reveal()) invalidate();
  }

  /// Runs `f(bearer)` (returning `asio::awaitable<result<T>>`) with a valid token; after
  /// `errc::unauthorized`, once more with a fresh one.
  template <class F>
  auto async_call(F f) -> decltype(f(std::declval<const bearer&>())) {
    auto t = co_await async_token();
    if (!t) co_return std::move(t).error();
    auto r = co_await f(*t);
    if (r || !(r.error() == errc::unauthorized)) co_return r;
    invalidate(*t);
    auto fresh = co_await async_token();
    if (!fresh) co_return std::move(fresh).error();
    co_return co_await f(*fresh);
  }

  /// How many requests reached the token endpoint (for tests and metrics).
  std::size_t refresh_count() const noexcept { return refreshes_; }
  /// The error of the last failed refresh, if the last refresh failed.
  const std::optional<error>& last_error() const noexcept { return last_error_; }

 private:
  const tokenmint::clock& clock() const noexcept { return options_.clock ? *options_.clock : default_clock(); }

  double random() {
    thread_local std::mt19937_64 prng{std::random_device{}()};
    return options_.random ? options_.random() : std::uniform_real_distribution<double>(0.0, 1.0)(prng);
  }

  asio::awaitable<void> refresh() {
    refreshing_ = true;
    ++refreshes_;
    result<oauth2_token> fetched = error{errc::cancelled, "oauth2: the token request was abandoned"};
    std::exception_ptr thrown;  // a throwing source (or caller cancellation) must not strand the waiters
    try {
      fetched = co_await source_.async_generate_token();
    } catch (...) {
      thrown = std::current_exception();
    }
    settle(std::move(fetched));
    if (thrown) std::rethrow_exception(thrown);
  }

  void settle(result<oauth2_token> fetched) {
    const auto now = clock().now();
    if (fetched && !fetched->access_token.empty()) {
      const std::chrono::milliseconds life = lifetime(fetched->expires_in);
      auto early = std::chrono::milliseconds(options_.refresh_margin) +
                   std::chrono::milliseconds(static_cast<std::int64_t>(random() * static_cast<double>(options_.jitter.count())));
      if (early > life / 2) early = life / 2;  // a short-lived token is refreshed halfway
      expires_at_ = now + life;
      refresh_at_ = now + life - early;
      token_.emplace(std::move(*fetched));
      last_error_.reset();
    } else {
      last_error_ = fetched ? error{errc::invalid_response, "oauth2: the token endpoint returned an empty access token"}
                            : std::move(fetched).error();
      const bool cancelled = *last_error_ == errc::cancelled;
      if (token_ && now < expires_at_) refresh_at_ = cancelled ? now : std::min(expires_at_, now + options_.retry_after_failure);
      else token_.reset();
      hold_until_ = cancelled ? now : now + options_.retry_after_failure;
    }
    refreshing_ = false;
    ++generation_;
    for (auto* w : waiters_) w->cancel();  // every waiter resumes and reads the outcome
  }

  std::chrono::milliseconds lifetime(std::chrono::seconds expires_in) const noexcept {
    if (expires_in.count() <= 0) return options_.assumed_lifetime;
    return std::min(expires_in, options_.max_lifetime);
  }

  asio::awaitable<result<void>> wait_for_refresh() {
    // The timer lives in this frame, not in the provider: the provider then holds no I/O object
    // and may be destroyed after the io_context (whose shutdown destroys this frame first).
    asio::steady_timer wake(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    struct enlisted {
      std::vector<asio::steady_timer*>& list;
      asio::steady_timer* self;
      ~enlisted() { std::erase(list, self); }
    } guard{waiters_, &wake};
    waiters_.push_back(&wake);
    const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
    co_await asio::this_coro::throw_if_cancelled(false);
    const auto generation = generation_;
    while (generation_ == generation) {
      auto [ec] = co_await wake.async_wait(tokenmint::detail::use_tuple);
      if (generation_ == generation) {  // woken, but not by the refresh: the caller cancelled
        co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
        co_return error{errc::cancelled, "oauth2: cancelled while waiting for the token refresh"};
      }
      (void)ec;
    }
    co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
    co_return result<void>{};
  }

  Source source_;
  token_cache_options options_;
  std::optional<oauth2_token> token_;
  unix_ms refresh_at_{};
  unix_ms expires_at_{};
  unix_ms hold_until_{};  // without a valid token, a failed refresh answers until then
  bool refreshing_ = false;
  std::uint64_t generation_ = 0;  // refreshes finished; waiters wake when it moves
  std::optional<error> last_error_;
  std::vector<asio::steady_timer*> waiters_;  // the timers of the callers waiting for a refresh
  std::size_t refreshes_ = 0;
};

/// A non-owning, type-erased reference to a token provider: anything with
/// `asio::awaitable<result<bearer>> async_token()` and `void invalidate(const bearer&)`
/// (`auth::token_provider<S>` over any source). Clients that take "a static token or a provider"
/// hold one. The provider must outlive every holder; the holder's thread-safety is the provider's.
class provider_ref {
 public:
  template <class P>
    requires(!std::is_same_v<std::remove_cvref_t<P>, provider_ref>) && requires(P& p, const bearer& b) {
      { p.async_token() } -> std::same_as<asio::awaitable<result<bearer>>>;
      p.invalidate(b);
    }
  provider_ref(P& provider) noexcept  // NOLINT(google-explicit-constructor): a reference, as `std::ref`
      : self_(&provider), token_(&token_of<P>), invalidate_(&invalidate_of<P>) {}

  /// The provider's `async_token()`.
  asio::awaitable<result<bearer>> async_token() const { return token_(self_); }
  /// The provider's `invalidate(seen)`: `seen` was refused (a 401).
  void invalidate(const bearer& seen) const { invalidate_(self_, seen); }

 private:
  template <class P>
  static asio::awaitable<result<bearer>> token_of(void* p) {
    return static_cast<P*>(p)->async_token();
  }
  template <class P>
  static void invalidate_of(void* p, const bearer& seen) {
    static_cast<P*>(p)->invalidate(seen);
  }

  void* self_;
  asio::awaitable<result<bearer>> (*token_)(void*);
  void (*invalidate_)(void*, const bearer&);
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::auth
