// A sleeper that does not sleep: retry and rate-limit waits move a fixed clock instead, so tests
// of your code (and ours) run the whole policy in no time.
#pragma once

#include <tokenmint/core/clock.hpp>
#include <tokenmint/service/send.hpp>

#include <chrono>
#include <vector>

namespace tokenmint::testing {

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// Does not sleep: records each wait and moves a `fixed_clock` forward by it. For tests of
/// retry and rate limiting (yours and ours). Not thread-safe.
class virtual_sleeper final : public service::sleeper {
 public:
  explicit virtual_sleeper(fixed_clock& c) noexcept : clock_(&c) {}
  asio::awaitable<result<void>> async_sleep(std::chrono::milliseconds d) override {
    waits_.push_back(d);
    clock_->advance(d);
    co_return result<void>{};
  }
  const std::vector<std::chrono::milliseconds>& waits() const noexcept { return waits_; }

 private:
  fixed_clock* clock_;
  std::vector<std::chrono::milliseconds> waits_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::testing
