// An AES-256 key that any number of threads use at once, each with a kept key schedule.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/crypto/detail/openssl.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <span>

namespace tokenmint::crypto {

namespace detail {

inline constexpr std::size_t shared_key_slots = 16;

/// The slot a thread uses in every `shared_aes256_key`: the lowest slot no live thread holds,
/// taken on the thread's first call and given back when it ends, so up to `shared_key_slots`
/// threads never meet, however many threads came and went before. Beyond that, threads share
/// slots (still correct, see `shared_aes256_key`).
class thread_slot_owner {
 public:
  thread_slot_owner() noexcept {
    std::uint32_t used = taken().load(std::memory_order_relaxed);
    for (;;) {
      const std::uint32_t free = ~used & ((1u << shared_key_slots) - 1);
      if (free == 0) {
        static std::atomic<std::size_t> spill{0};
        slot_ = spill.fetch_add(1, std::memory_order_relaxed) % shared_key_slots;
        return;
      }
      const std::uint32_t bit = free & (0u - free);
      if (taken().compare_exchange_weak(used, used | bit, std::memory_order_acq_rel)) {
        slot_ = static_cast<std::size_t>(__builtin_ctz(bit));
        owned_ = true;
        return;
      }
    }
  }
  thread_slot_owner(const thread_slot_owner&) = delete;
  thread_slot_owner& operator=(const thread_slot_owner&) = delete;
  ~thread_slot_owner() {
    if (owned_) taken().fetch_and(~(1u << slot_), std::memory_order_acq_rel);
  }
  std::size_t slot() const noexcept { return slot_; }

 private:
  static std::atomic<std::uint32_t>& taken() noexcept {
    static std::atomic<std::uint32_t> bits{0};
    return bits;
  }
  std::size_t slot_ = 0;
  bool owned_ = false;
};

inline std::size_t thread_slot() noexcept {
  thread_local const thread_slot_owner owner;
  return owner.slot();
}

}  // namespace detail

/// One AES-256 key (a UID2 master or site key) used from many threads: GCM open and seal (with
/// the key's unique IV sequences), and CBC decryption for v2 tokens.
///
/// An EVP context is keyed for one thread at a time, so the key keeps up to 16 keyed contexts
/// per mode, one per thread slot (`detail::thread_slot()`: reused as threads end), created the first time a thread
/// uses the key and kept until the key is destroyed. A call takes its slot's context with one
/// atomic exchange and puts it back with one compare-exchange: no lock, no allocation, no key
/// setup in steady state. Only when two threads share a slot (more than 16 threads) and meet
/// does the second make a context for that one call (allocation and key setup, still correct).
/// Each context is padded to its own cache line, so threads do not contend on one.
///
/// IVs for `seal` come from the context's `aes256_gcm::next_iv` sequence: a random 64-bit
/// prefix per context and a counter, so no two seals under this key share an IV unless two
/// contexts' random prefixes collide.
///
/// Thread-safety: every member is safe to call concurrently; destroy only when no call runs.
/// Not movable (threads hold its address). The 32 key bytes are kept (wiped on destruction)
/// to key contexts for new threads.
class shared_aes256_key {
 public:
  shared_aes256_key() noexcept = default;
  shared_aes256_key(const shared_aes256_key&) = delete;
  shared_aes256_key& operator=(const shared_aes256_key&) = delete;
  ~shared_aes256_key() {
    if (slot* s = slots_.load(std::memory_order_acquire)) {
      for (std::size_t i = 0; i < detail::shared_key_slots; ++i) {
        delete s[i].gcm.load(std::memory_order_relaxed);
        EVP_CIPHER_CTX_free(s[i].cbc.load(std::memory_order_relaxed));
      }
      delete[] s;
    }
    detail::cleanse(key_.data(), key_.size());
  }

  /// Set the key (once, before any other call). errc::invalid_key unless 32 bytes.
  errc assign(std::span<const std::uint8_t> key) noexcept {
    if (key.size() != aes256_key_size) return errc::invalid_key;
    std::memcpy(key_.data(), key.data(), key.size());
    return {};
  }

  /// Open a GCM blob `iv(12) | ciphertext | tag(16)` into `out` (room for the ciphertext).
  /// errc::authentication_failed (out wiped) on a wrong key or tampered bytes.
  errc open_gcm(std::span<const std::uint8_t> blob, std::uint8_t* out) const noexcept {
    if (blob.size() < gcm_iv_size + gcm_tag_size) return errc::authentication_failed;
    gcm_iv iv;
    gcm_tag tag;
    std::memcpy(iv.data(), blob.data(), gcm_iv_size);
    std::memcpy(tag.data(), blob.data() + blob.size() - gcm_tag_size, gcm_tag_size);
    const auto ct = blob.subspan(gcm_iv_size, blob.size() - gcm_iv_size - gcm_tag_size);
    return with_gcm([&](aes256_gcm& g) noexcept { return g.open(iv, ct, tag, out); });
  }

  /// Seal `plain` into `out` as `iv(12) | ciphertext | tag(16)` (`plain.size() + 28` bytes), with
  /// the IV from the context's sequence, or `given_iv` (reproducing vectors only).
  errc seal_gcm(std::span<const std::uint8_t> plain, std::uint8_t* out, const gcm_iv* given_iv = nullptr) const noexcept {
    return with_gcm([&](aes256_gcm& g) noexcept {
      gcm_iv iv;
      if (given_iv != nullptr) iv = *given_iv;
      else if (const errc e = g.next_iv(iv); e != errc{}) return e;
      gcm_tag tag;
      std::memcpy(out, iv.data(), gcm_iv_size);
      if (const errc e = g.seal(iv, {plain}, out + gcm_iv_size, tag); e != errc{}) return e;
      std::memcpy(out + gcm_iv_size + plain.size(), tag.data(), gcm_tag_size);
      return errc{};
    });
  }

  /// CBC-decrypt `ct` with a 16-byte IV and PKCS#7 padding into `out` (room for `ct.size()`);
  /// `out_size` gets the plaintext's length. errc::authentication_failed on bad padding.
  errc decrypt_cbc(const std::uint8_t* iv16, std::span<const std::uint8_t> ct, std::uint8_t* out,
                   std::size_t& out_size) const noexcept {
    const auto make = [this]() noexcept { return detail::new_cbc_decrypt_context(key_.data()).release(); };
    return with_slot(&slot::cbc, make, [&](EVP_CIPHER_CTX* ctx) noexcept {
      if (detail::cbc_decrypt(ctx, iv16, ct, out, out_size)) return errc{};
      detail::cleanse(out, ct.size());
      return errc::authentication_failed;
    });
  }

 private:
  struct alignas(64) slot {
    std::atomic<aes256_gcm*> gcm{nullptr};
    std::atomic<EVP_CIPHER_CTX*> cbc{nullptr};
  };

  static void dispose(aes256_gcm* g) noexcept { delete g; }
  static void dispose(EVP_CIPHER_CTX* c) noexcept { EVP_CIPHER_CTX_free(c); }

  /// The slot array, made by the first call on this key (null only if that allocation failed:
  /// calls then key a context each time).
  slot* slots() const noexcept {
    slot* s = slots_.load(std::memory_order_acquire);
    if (TOKENMINT_LIKELY(s != nullptr)) return s;
    slot* fresh = new (std::nothrow) slot[detail::shared_key_slots];
    if (fresh == nullptr) return nullptr;
    if (slots_.compare_exchange_strong(s, fresh, std::memory_order_acq_rel)) return fresh;
    delete[] fresh;  // another thread won; `s` holds its array
    return s;
  }

  /// Runs `f(T*)` with this thread's slot's context of one mode (`member`): taken with one
  /// exchange, put back with one compare-exchange; made by `make()` when the slot is empty (first
  /// use, or another thread sharing the slot holds it), and freed if the slot was refilled meanwhile.
  template <class T, class Make, class F>
  errc with_slot(std::atomic<T*> slot::*member, Make make, F&& f) const noexcept {
    slot* s = slots();
    std::atomic<T*>* cell = s != nullptr ? &(s[detail::thread_slot() % detail::shared_key_slots].*member) : nullptr;
    T* ctx = cell != nullptr ? cell->exchange(nullptr, std::memory_order_acq_rel) : nullptr;
    if (ctx == nullptr) ctx = make();
    if (ctx == nullptr) return errc::crypto_backend;
    const errc r = f(ctx);
    T* empty = nullptr;
    if (cell == nullptr || !cell->compare_exchange_strong(empty, ctx, std::memory_order_acq_rel)) dispose(ctx);
    return r;
  }

  template <class F>
  errc with_gcm(F&& f) const noexcept {
    const auto make = [this]() noexcept -> aes256_gcm* {
      detail::cipher_ctx_ptr ctx = detail::new_gcm_context(key_.data());
      return ctx ? new (std::nothrow) aes256_gcm(std::move(ctx)) : nullptr;
    };
    return with_slot(&slot::gcm, make, [&](aes256_gcm* g) noexcept { return f(*g); });
  }

  std::array<std::uint8_t, aes256_key_size> key_{};
  mutable std::atomic<slot*> slots_{nullptr};
};

}  // namespace tokenmint::crypto
