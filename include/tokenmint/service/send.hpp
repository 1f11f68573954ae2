// One call to a service as the clients make it: rate limit, send, observe, decide, wait, again.
// The waiting goes through a `sleeper` and the time through a `clock`, so tests replace both
// (`testing::virtual_sleeper`, `fixed_clock`) and never sleep for real.
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/service/call_options.hpp>
#include <tokenmint/transport/transport.hpp>

#include <asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tokenmint::service {

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// Waits between attempts. The default waits on an Asio timer; tests use `testing::virtual_sleeper`.
class sleeper {
 public:
  virtual ~sleeper() = default;
  /// Waits `d`; `errc::cancelled` when the caller's Asio cancellation fires first.
  virtual asio::awaitable<result<void>> async_sleep(std::chrono::milliseconds d) = 0;
};

/// Sleeps on an `asio::steady_timer` on the calling coroutine's executor.
class steady_sleeper final : public sleeper {
 public:
  asio::awaitable<result<void>> async_sleep(std::chrono::milliseconds d) override {
    const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
    co_await asio::this_coro::throw_if_cancelled(false);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(d);
    auto [ec] = co_await timer.async_wait(tokenmint::detail::use_tuple);
    co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
    if (ec) co_return error{errc::cancelled, "cancelled while waiting to retry"};
    co_return result<void>{};
  }
  static steady_sleeper& instance() noexcept {
    static steady_sleeper s;
    return s;
  }
};

/// Sends the request `make()` builds (called again for every attempt, so that each attempt may
/// carry fresh material, e.g. a new UID2 envelope) until an answer is final, retries run out or
/// the deadline passes. Returns the last answer whatever its status, or the last transport
/// error; `attempts` (if given) receives how many were sent. The building block of every client.
/// Contract:
/// - Lifetime: `transport`, `o`, what `info` views and `*attempts` must outlive the call (the
///   clients pass their own members and locals of the calling coroutine; a temporary
///   `call_options` would dangle). `make` is taken by value.
/// - Cancellation: Asio per-operation cancellation, through the transport and the waits
///   between attempts: `errc::cancelled`.
/// - Deadline: `o.timeout` per attempt; `o.retry.deadline` for the whole call, waits included
///   (a wait that would end past it is not started).
/// - Thread-safety: as the transport (one strand).
/// - Errors: the transport's, `rate_limited` when the limiter would wait past the deadline, and
///   whatever `make` returns.
template <class Transport, class Make>
asio::awaitable<result<http::response>> send(Transport& transport, Make make, const call_options& o, call_info info,
                                             int* attempts = nullptr) {
  const tokenmint::clock& clk = o.clock ? *o.clock : default_clock();
  sleeper& sl = o.sleep ? *o.sleep : steady_sleeper::instance();
  const auto start = clk.now();
  for (int attempt = 1;; ++attempt) {
    if (attempts) *attempts = attempt;
    if (o.limiter) {
      const auto wait = o.limiter->reserve(clk.now());
      if (wait.count() > 0) {
        if (clk.now() - start + wait >= o.retry.deadline)
          co_return error{errc::rate_limited, std::string(info.service) + ' ' + std::string(info.operation) +
                                                  ": the client-side rate limiter would wait past the call's deadline"};
        auto slept = co_await sl.async_sleep(wait);
        if (!slept) co_return std::move(slept).error();
      }
    }
    result<http::request> req = make();
    if (!req) co_return std::move(req).error();
    const auto left = o.retry.deadline - (clk.now() - start);
    if (left.count() <= 0)
      co_return error{errc::timeout, std::string(info.service) + ' ' + std::string(info.operation) + ": deadline passed"};
    request_options ro;
    ro.timeout = std::min(o.timeout, std::chrono::duration_cast<std::chrono::milliseconds>(left));
    ro.max_body_bytes = o.max_body_bytes;
    if (o.observe.on_request) {
      http::request shown = policy::redact(*req, info.sensitive_keys);
      if (!info.shown_url.empty()) shown.url = std::string(info.shown_url);
      o.observe.on_request(policy::request_event{info.service, info.operation, attempt, shown});
    }
    const auto sent_at = clk.now();
    auto res = co_await transport.async_send(std::move(*req), ro);
    const auto now = clk.now();
    policy::decision d;  // a 2xx is final: no hint to read, no verdict to word
    if (!res || res->status < 200 || res->status > 299) {
      const policy::server_hint hint =
          res ? (info.hint ? info.hint(*res, now) : policy::standard_hint(*res, now)) : policy::server_hint{};
      d = policy::decide(o.retry, attempt, std::chrono::duration_cast<std::chrono::milliseconds>(now - start), info.replay_safe,
                         res, hint);
    }
    if (o.observe.on_response) {
      std::optional<http::response> shown;
      if (res) shown.emplace(policy::redact(*res, info.sensitive_keys));
      o.observe.on_response(policy::response_event{info.service, info.operation, attempt,
                                                   std::chrono::duration_cast<std::chrono::milliseconds>(now - sent_at),
                                                   res ? res->status : 0, res ? std::error_code{} : res.error().code,
                                                   shown ? &*shown : nullptr, d.retry ? d.delay : std::chrono::milliseconds{-1}});
    }
    if (!d.retry) co_return res;
    auto slept = co_await sl.async_sleep(d.delay);
    if (!slept) co_return std::move(slept).error();
  }
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::service
