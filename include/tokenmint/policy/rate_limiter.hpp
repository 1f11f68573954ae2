// A client-side sliding-window limiter: at most N requests in any window of W (HubSpot counts
// requests per rolling 10 seconds). Sans-io: it says how long to wait; the caller sleeps.
#pragma once

#include <tokenmint/core/clock.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>

namespace tokenmint::policy {

/// Reserves send slots so that no window of `window` holds more than `max_requests` sends.
/// Share one limiter (through `std::shared_ptr`) between every client that spends the same
/// budget. Thread-safe.
class rate_limiter {
 public:
  rate_limiter(std::size_t max_requests, std::chrono::milliseconds window)
      : max_(max_requests ? max_requests : 1), window_(window) {}

  /// HubSpot's private-app budget on Professional/Enterprise: 190 requests per 10 s, minus a
  /// margin of 10 for other tools sharing the account.
  static rate_limiter hubspot_default() { return rate_limiter(180, std::chrono::seconds(10)); }

  /// Takes the earliest free slot at or after `now` and returns how long to wait for it
  /// (0: send now). The slot is taken even if the caller then gives up.
  std::chrono::milliseconds reserve(unix_ms now) {
    std::lock_guard lock(mu_);
    while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
    unix_ms at = now;
    if (sent_.size() >= max_) at = std::max(now, sent_[sent_.size() - max_] + window_);
    sent_.push_back(at);
    return at - now;
  }

  std::size_t max_requests() const noexcept { return max_; }
  std::chrono::milliseconds window() const noexcept { return window_; }

 private:
  std::mutex mu_;
  std::size_t max_;
  std::chrono::milliseconds window_;
  std::deque<unix_ms> sent_;  // reserved send times, ascending
};

}  // namespace tokenmint::policy
