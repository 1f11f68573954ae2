// Injectable wall clocks: the system clock by default, a fixed clock for tests.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace tokenmint {

/// A UTC instant with millisecond resolution: the unit of every UID2/EUID timestamp.
using unix_ms = std::chrono::sys_time<std::chrono::milliseconds>;

/// A source of the current UTC time. Implementations must be thread-safe.
class clock {
 public:
  virtual ~clock() = default;
  virtual unix_ms now() const noexcept = 0;
  /// Milliseconds since the Unix epoch.
  std::int64_t now_ms() const noexcept { return now().time_since_epoch().count(); }
};

/// The system's wall clock (std::chrono::system_clock).
class system_clock final : public clock {
 public:
  unix_ms now() const noexcept override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  /// A shared instance, valid for the life of the program.
  static const system_clock& instance() noexcept {
    static const system_clock c;
    return c;
  }
};

/// A clock that only moves when told to; for tests and reproducible vectors. Thread-safe.
class fixed_clock final : public clock {
 public:
  explicit fixed_clock(std::int64_t ms_since_epoch = 0) noexcept : ms_(ms_since_epoch) {}
  unix_ms now() const noexcept override { return unix_ms{std::chrono::milliseconds{ms_.load(std::memory_order_relaxed)}}; }
  void set(std::int64_t ms_since_epoch) noexcept { ms_.store(ms_since_epoch, std::memory_order_relaxed); }
  void advance(std::chrono::milliseconds d) noexcept { ms_.fetch_add(d.count(), std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> ms_;
};

/// The clock used when none is given.
inline const clock& default_clock() noexcept { return system_clock::instance(); }

}  // namespace tokenmint
