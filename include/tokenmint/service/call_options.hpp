// How a client makes each call, sans-io: the options every client carries in `options.call`
// and what a call tells the attempt loop about itself. No Asio here, so a `models.hpp` that
// holds a client's options stays free of it; the loop itself is in `service/send.hpp`.
#pragma once

#include <tokenmint/core/clock.hpp>
#include <tokenmint/policy/observer.hpp>
#include <tokenmint/policy/rate_limiter.hpp>
#include <tokenmint/policy/retry.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <string_view>

namespace tokenmint::service {

class sleeper;  // service/send.hpp: how the loop waits between attempts

/// How a client makes each call: per-attempt timeout, retries, an optional shared limiter,
/// hooks, and the clock/sleeper pair (defaults: the system's). Part of every client's options
/// (`options.call`); a per-call `call_overrides` replaces parts of it for one call.
struct call_options {
  std::chrono::milliseconds timeout{30'000};  ///< each attempt; also capped by the retry deadline
  policy::retry_policy retry;
  std::shared_ptr<policy::rate_limiter> limiter;  ///< e.g. `policy::rate_limiter::hubspot_default()`
  policy::hooks observe;
  const tokenmint::clock* clock = nullptr;  ///< null: the system clock
  sleeper* sleep = nullptr;                 ///< null: `steady_sleeper`
  std::size_t max_body_bytes = 8 * 1024 * 1024;
};

/// What the call is, for hooks, redaction and the retry verdict.
struct call_info {
  std::string_view service;
  std::string_view operation;
  bool replay_safe = false;                            ///< may the server see it twice (after a timeout mid-flight)?
  std::span<const std::string_view> sensitive_keys{};  ///< body members to redact beyond the usual
  /// A service's own reading of a refused answer (HubSpot's `policyName`); null: `standard_hint`.
  policy::server_hint (*hint)(const http::response&, unix_ms) = nullptr;
  std::string_view shown_url{};  ///< what hooks see instead of the URL when its path holds a credential
};

/// What one call may change of its client's `call_options`: the trailing argument of every
/// `async_*` operation. Unset members keep the client's. Example:
/// `co_await c.async_x(args, service::call_overrides{}.with_timeout(2s))` (the `with_` setters
/// spare g++ users the -Wmissing-field-initializers warning a partial designated initializer
/// gets). The call's deadline is `retry.deadline` (the override's if given).
struct call_overrides {
  std::optional<std::chrono::milliseconds> timeout;  ///< per attempt
  std::optional<policy::retry_policy> retry;         ///< attempts, backoff and the call's deadline

  call_overrides with_timeout(std::chrono::milliseconds t) const {
    call_overrides o = *this;
    o.timeout = t;
    return o;
  }
  call_overrides with_retry(policy::retry_policy r) const {
    call_overrides o = *this;
    o.retry = std::move(r);
    return o;
  }
  bool empty() const noexcept { return !timeout && !retry; }
};

/// `base` with `over` applied.
inline call_options merged(const call_options& base, const call_overrides& over) {
  call_options o = base;
  if (over.timeout) o.timeout = *over.timeout;
  if (over.retry) o.retry = *over.retry;
  return o;
}

/// The options one call runs under: the client's own when nothing is overridden (no copy), else a
/// merged copy owned here. Keep it alive for the whole call.
class effective_call {
 public:
  effective_call(const call_options& base, const call_overrides& over) {
    if (over.empty()) {
      ptr_ = &base;
    } else {
      own_.emplace(merged(base, over));
      ptr_ = &*own_;
    }
  }
  effective_call(const effective_call&) = delete;
  effective_call& operator=(const effective_call&) = delete;
  const call_options& get() const noexcept { return *ptr_; }

 private:
  std::optional<call_options> own_;
  const call_options* ptr_;
};

}  // namespace tokenmint::service
