// A per-thread buffered CSPRNG for nonces, IVs and keys.
#pragma once

#include <tokenmint/core/errc.hpp>
#include <tokenmint/crypto/detail/openssl.hpp>

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace tokenmint::crypto {

namespace detail {

inline std::atomic<std::uint64_t> fork_counter{0};
inline void on_fork_child() noexcept { fork_counter.fetch_add(1, std::memory_order_relaxed); }

}  // namespace detail

/// Increments in a child process after every fork(). State derived from randomness (the pool
/// below, IV prefixes) compares it with the value it was made under and starts afresh on a
/// change, so parent and child never hand out the same bytes.
inline std::uint64_t fork_generation() noexcept {
  [[maybe_unused]] static const int registered = ::pthread_atfork(nullptr, nullptr, &detail::on_fork_child);
  return detail::fork_counter.load(std::memory_order_relaxed);
}

namespace detail {

/// One RAND_bytes call costs about as much as sealing a small envelope, so bytes are drawn from
/// OpenSSL 4 KiB at a time and handed out from a per-thread buffer. Bytes are zeroed as they are
/// handed out, and the whole buffer is wiped when the thread ends or the process forks.
class random_pool {
 public:
  static constexpr std::size_t capacity = 4096;

  ~random_pool() { cleanse(buf_.data(), buf_.size()); }

  bool fill(std::uint8_t* out, std::size_t n) noexcept {
    const std::uint64_t gen = fork_generation();
    if (TOKENMINT_UNLIKELY(gen != generation_)) {
      cleanse(buf_.data(), buf_.size());
      pos_ = capacity;
      generation_ = gen;
    }
    if (n > capacity / 4) return rand_bytes(out, n);  // large requests go straight to OpenSSL
    if (TOKENMINT_UNLIKELY(capacity - pos_ < n)) {
      if (!rand_bytes(buf_.data(), capacity)) return false;
      pos_ = 0;
    }
    std::memcpy(out, buf_.data() + pos_, n);
    std::memset(buf_.data() + pos_, 0, n);
    pos_ += n;
    return true;
  }

 private:
  std::array<std::uint8_t, capacity> buf_{};
  std::size_t pos_ = capacity;
  std::uint64_t generation_ = fork_generation();
};

inline random_pool& thread_pool() noexcept {
  thread_local random_pool pool;
  return pool;
}

}  // namespace detail

/// Fill `out` with cryptographically secure random bytes (OpenSSL's DRBG, buffered per thread).
/// Thread-safe. Fork-safe: a child never repeats its parent's bytes. Fails only when OpenSSL's
/// RNG does (errc::crypto_backend).
inline errc random_bytes(std::span<std::uint8_t> out) noexcept {
  return detail::thread_pool().fill(out.data(), out.size()) ? errc{} : errc::crypto_backend;
}

}  // namespace tokenmint::crypto
