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
#include <span>
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
};

}  // namespace tokenmint::service
