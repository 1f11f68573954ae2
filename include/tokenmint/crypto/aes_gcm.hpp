// AES-256-GCM with a kept key schedule and a per-key unique IV sequence.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/detail/openssl.hpp>
#include <tokenmint/crypto/random.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>

namespace tokenmint::crypto {

inline constexpr std::size_t aes256_key_size = 32;
inline constexpr std::size_t gcm_iv_size = 12;
inline constexpr std::size_t gcm_tag_size = 16;

using gcm_iv = std::array<std::uint8_t, gcm_iv_size>;
using gcm_tag = std::array<std::uint8_t, gcm_tag_size>;

struct aes256_gcm_test_access;  // tests reach the IV counter through this, nothing else does
class shared_aes256_key;        // makes its per-thread instances without a result<> (noexcept)

/// An AES-256-GCM key, ready to seal and open: the key schedule is computed once, at `create`,
/// and each message only sets its IV. The raw key is not kept; OpenSSL wipes the schedule when
/// the object is destroyed.
///
/// IVs from `next_iv()` are a random 64-bit prefix followed by a 32-bit big-endian counter: the
/// prefix is drawn on first use, again when the counter wraps, and again after fork(), so one
/// object never repeats an IV and two objects (or processes) only clash if their 64-bit
/// prefixes collide.
///
/// Move-only. Not thread-safe: use one per thread (or strand). A moved-from object fails every
/// operation with errc::invalid_key.
class aes256_gcm {
 public:
  /// Fails with errc::invalid_key unless `key` is exactly 32 bytes.
  static result<aes256_gcm> create(std::span<const std::uint8_t> key) {
    if (key.size() != aes256_key_size)
      return error{errc::invalid_key, "AES-256 key: expected 32 bytes, got " + std::to_string(key.size())};
    detail::cipher_ctx_ptr ctx = detail::new_gcm_context(key.data());
    if (!ctx) return error{errc::crypto_backend, "AES-256-GCM context: " + detail::take_error_string()};
    return aes256_gcm(std::move(ctx));
  }

  aes256_gcm(aes256_gcm&&) noexcept = default;
  aes256_gcm& operator=(aes256_gcm&&) noexcept = default;
  aes256_gcm(const aes256_gcm&) = delete;
  aes256_gcm& operator=(const aes256_gcm&) = delete;
  ~aes256_gcm() = default;

  /// The next IV of this key's sequence (see the class comment).
  errc next_iv(gcm_iv& iv) noexcept {
    const std::uint64_t gen = fork_generation();
    if (TOKENMINT_UNLIKELY(!have_prefix_ || counter_ == 0xFFFFFFFFu || gen != generation_)) {
      if (random_bytes(prefix_) != errc{}) return errc::crypto_backend;
      have_prefix_ = true;
      counter_ = 0;
      generation_ = gen;
    } else {
      ++counter_;
    }
    std::memcpy(iv.data(), prefix_.data(), 8);
    iv[8] = static_cast<std::uint8_t>(counter_ >> 24);
    iv[9] = static_cast<std::uint8_t>(counter_ >> 16);
    iv[10] = static_cast<std::uint8_t>(counter_ >> 8);
    iv[11] = static_cast<std::uint8_t>(counter_);
    return {};
  }

  /// Encrypt the concatenation of `parts` into `out` (room for their total size) and write the
  /// tag. The IV must never have been used with this key before: take it from `next_iv()`
  /// unless reproducing a test vector.
  errc seal(const gcm_iv& iv, std::initializer_list<std::span<const std::uint8_t>> parts, std::uint8_t* out,
            gcm_tag& tag) noexcept {
    return seal(iv, {}, parts, out, tag);
  }

  /// As above, and the tag also authenticates `aad` (additional authenticated data: bound to
  /// the message, not encrypted, not written to `out`). Empty `aad` is the call above.
  errc seal(const gcm_iv& iv, std::span<const std::uint8_t> aad, std::initializer_list<std::span<const std::uint8_t>> parts,
            std::uint8_t* out, gcm_tag& tag) noexcept {
    if (!ctx_) return errc::invalid_key;
    if (!detail::gcm_seal(ctx_.get(), iv.data(), parts, out, tag.data(), aad)) return errc::crypto_backend;
    ++sealed_;
    return {};
  }

  /// Decrypt `ciphertext` into `out` (which may be `ciphertext.data()`) and verify the 16-byte
  /// tag. On errc::authentication_failed nothing is released: `out` is wiped.
  errc open(const gcm_iv& iv, std::span<const std::uint8_t> ciphertext, const gcm_tag& tag, std::uint8_t* out) noexcept {
    return open(iv, {}, ciphertext, tag, out);
  }

  /// As above, for a message sealed with additional authenticated data `aad`: a different
  /// `aad` (one byte flipped, or none) fails with errc::authentication_failed.
  errc open(const gcm_iv& iv, std::span<const std::uint8_t> aad, std::span<const std::uint8_t> ciphertext, const gcm_tag& tag,
            std::uint8_t* out) noexcept {
    if (!ctx_) return errc::invalid_key;
    if (!detail::gcm_open(ctx_.get(), iv.data(), ciphertext, tag.data(), out, aad)) {
      detail::cleanse(out, ciphertext.size());
      return errc::authentication_failed;
    }
    return {};
  }

  /// Messages sealed with this key so far (with any IV).
  std::uint64_t sealed_count() const noexcept { return sealed_; }

 private:
  friend struct aes256_gcm_test_access;
  friend class shared_aes256_key;
  explicit aes256_gcm(detail::cipher_ctx_ptr ctx) noexcept : ctx_(std::move(ctx)) {}

  detail::cipher_ctx_ptr ctx_;
  std::array<std::uint8_t, 8> prefix_{};
  std::uint32_t counter_ = 0;
  bool have_prefix_ = false;
  std::uint64_t generation_ = 0;
  std::uint64_t sealed_ = 0;
};

}  // namespace tokenmint::crypto
