// The current key container of a DSP or sharing participant, swapped on refresh while any
// number of threads decrypt and encrypt with it.
#pragma once

#include <tokenmint/detail/snapshot.hpp>
#include <tokenmint/uid2/keys.hpp>
#include <tokenmint/uid2/tokens.hpp>

#include <cstdint>
#include <memory>
#include <string_view>

namespace tokenmint::uid2 {

/// Holds the latest good key container (an immutable snapshot) and decrypts and encrypts with it.
///
/// Thread-safety: every member may be called from any number of threads at once. `decrypt` and
/// `encrypt` never block and never allocate (after a thread's first call, which registers the
/// thread once): they read the snapshot through a hazard pointer, without a lock or a shared
/// reference count, so threads do not contend. `publish` / `refresh_from_json` swap the snapshot
/// without waiting for readers, and a container is freed only when no thread reads it.
/// Destroy the store only when no call on it runs.
class key_store {
 public:
  explicit key_store(identity_scope default_scope = identity_scope::uid2) noexcept : default_scope_(default_scope) {}

  /// Parse a key answer (`key_container::parse`) and, only if it is good, make it current. On
  /// error the previous container stays in use.
  result<void> refresh_from_json(std::string_view answer) {
    auto kc = key_container::parse(answer, default_scope_);
    if (!kc) return std::move(kc).error();
    publish(std::move(*kc));
    return {};
  }

  void publish(std::unique_ptr<const key_container> kc) { cell_.publish(std::move(kc)); }

  /// `uid2::decrypt_token` with the current container.
  decryption_result decrypt(std::string_view token, std::string_view domain_or_app_name, std::int64_t now_ms,
                            const decrypt_options& o = {}) const noexcept {
    decryption_result out;
    const auto g = cell_.acquire();
    decrypt_token(g.get(), token, domain_or_app_name, now_ms, out, o);
    return out;
  }

  /// `uid2::encrypt_raw_uid` with the current container.
  encryption_result encrypt(std::string_view raw_uid, std::int64_t now_ms, const encrypt_options& o = {}) const noexcept {
    encryption_result out;
    const auto g = cell_.acquire();
    encrypt_raw_uid(g.get(), raw_uid, now_ms, out, o);
    return out;
  }

  /// Calls `f(const key_container*)` (null before the first refresh) with the current container,
  /// which stays valid during the call. `f` must not call back into any key store.
  template <class F>
  decltype(auto) with_keys(F&& f) const {
    const auto g = cell_.acquire();
    return static_cast<F&&>(f)(g.get());
  }

  bool initialized() const {
    return with_keys([](const key_container* k) { return k != nullptr; });
  }

 private:
  identity_scope default_scope_;
  tokenmint::detail::snapshot_cell<key_container> cell_;
};

}  // namespace tokenmint::uid2
