// P-256 (prime256v1) key agreement: ephemeral key pairs, SubjectPublicKeyInfo and PKCS#8 DER
// import and export, and the raw ECDH shared secret, through OpenSSL's EVP.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/crypto/detail/openssl.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenmint::crypto {

/// A P-256 public key as DER SubjectPublicKeyInfo with an uncompressed point: always 91 bytes.
inline constexpr std::size_t p256_spki_der_size = 91;
using p256_spki_der = std::array<std::uint8_t, p256_spki_der_size>;

/// The raw ECDH shared secret of two P-256 keys: the x coordinate of the shared point.
inline constexpr std::size_t ecdh_secret_size = 32;
using ecdh_secret = secret_bytes<ecdh_secret_size>;

namespace detail {

inline error ec_key_error(std::string_view what, ec_key_problem p, EVP_PKEY* key = nullptr) {
  std::string m(what);
  switch (p) {
    case ec_key_problem::bad_der: m += ": not valid DER"; break;
    case ec_key_problem::not_ec: m += ": not an EC key (P-256 expected)"; break;
    case ec_key_problem::wrong_curve: {
      const std::string curve = key ? ec_group_name(key) : std::string();
      m += ": on curve " + (curve.empty() ? std::string("(unnamed)") : curve) + ", P-256 (prime256v1) expected";
      break;
    }
    case ec_key_problem::not_on_curve: m += ": the point is not on the P-256 curve"; break;
    case ec_key_problem::backend: return error{errc::crypto_backend, m + ": " + take_error_string()};
    case ec_key_problem::none: break;
  }
  return error{errc::invalid_key, std::move(m)};
}

/// Decode standard base64 (padded) of at most `max` bytes, naming `what` on failure.
inline result<std::vector<std::uint8_t>> decode_key_base64(std::string_view text, std::string_view what, std::size_t max) {
  std::vector<std::uint8_t> der(base64::max_decoded_size(text.size()));
  if (der.size() > max) return error{errc::invalid_key, std::string(what) + ": longer than any P-256 key"};
  const codec_result r = base64::decode(text, std::span<std::uint8_t>(der));
  if (!r) return error{errc::invalid_key, std::string(what) + ": not base64"};
  der.resize(r.size);
  return der;
}

}  // namespace detail

/// A P-256 public key, checked on import (DER, curve, point on the curve). Cheap to copy (a
/// reference count), immutable, safe to share between threads.
class p256_public_key {
 public:
  /// From DER SubjectPublicKeyInfo (nothing before or after it). `errc::invalid_key` says which
  /// check failed: not DER, not an EC key, another curve, or a point that is not on P-256.
  static result<p256_public_key> from_spki_der(std::span<const std::uint8_t> der) {
    detail::pkey_ptr k;
    if (auto p = detail::p256_from_spki_der(der, k); p != detail::ec_key_problem::none)
      return detail::ec_key_error("P-256 public key", p, k.get());
    return from_checked(std::move(k));
  }

  /// From standard base64 of DER SubjectPublicKeyInfo.
  static result<p256_public_key> from_spki_base64(std::string_view text) {
    auto der = detail::decode_key_base64(text, "P-256 public key", 4096);
    if (!der) return std::move(der).error();
    return from_spki_der(*der);
  }

  p256_public_key(const p256_public_key& o) noexcept : key_(detail::pkey_share(o.key_.get())), der_(o.der_) {}
  p256_public_key& operator=(const p256_public_key& o) noexcept {
    if (this != &o) *this = p256_public_key(o);
    return *this;
  }
  p256_public_key(p256_public_key&&) noexcept = default;
  p256_public_key& operator=(p256_public_key&&) noexcept = default;
  ~p256_public_key() = default;

  /// The key as DER SubjectPublicKeyInfo, uncompressed point (what the operator and the UID2
  /// SDKs exchange).
  const p256_spki_der& spki_der() const noexcept { return der_; }
  std::string spki_base64() const { return base64::encode(std::span<const std::uint8_t>(der_)); }

 private:
  friend class p256_private_key;
  p256_public_key() = default;

  static result<p256_public_key> from_checked(detail::pkey_ptr k) {
    p256_public_key out;
    if (detail::spki_der(k.get(), out.der_.data(), out.der_.size()) != p256_spki_der_size)
      return error{errc::crypto_backend, "P-256 public key: re-encoding as uncompressed SubjectPublicKeyInfo failed"};
    out.key_ = std::move(k);
    return out;
  }

  detail::pkey_ptr key_;
  p256_spki_der der_{};
};

/// A P-256 private key: generated fresh (`generate`, an ephemeral key per use) or imported from
/// PKCS#8 DER. OpenSSL clears the private scalar when the key is destroyed. Move-only;
/// `derive` may be called from several threads at once (each call has its own context).
class p256_private_key {
 public:
  /// A new key pair from OpenSSL's CSPRNG.
  static result<p256_private_key> generate() {
    detail::pkey_ptr k = detail::p256_generate();
    if (!k) return error{errc::crypto_backend, "P-256 key generation failed"};
    return from_checked(std::move(k));
  }

  /// From an unencrypted PKCS#8 PrivateKeyInfo (DER): `errc::invalid_key` for bad DER, another
  /// curve or a key that does not match its public point. The bytes of `der` are the caller's
  /// to wipe.
  static result<p256_private_key> from_pkcs8_der(std::span<const std::uint8_t> der) {
    detail::pkey_ptr k;
    if (auto p = detail::p256_from_pkcs8_der(der, k); p != detail::ec_key_problem::none)
      return detail::ec_key_error("P-256 private key", p, k.get());
    return from_checked(std::move(k));
  }

  /// From standard base64 of PKCS#8 DER (the decoded bytes are wiped).
  static result<p256_private_key> from_pkcs8_base64(std::string_view text) {
    auto der = detail::decode_key_base64(text, "P-256 private key", 4096);
    if (!der) return std::move(der).error();
    auto k = from_pkcs8_der(*der);
    tokenmint::detail::cleanse(der->data(), der->size());
    return k;
  }

  p256_private_key(p256_private_key&&) noexcept = default;
  p256_private_key& operator=(p256_private_key&&) noexcept = default;
  p256_private_key(const p256_private_key&) = delete;
  p256_private_key& operator=(const p256_private_key&) = delete;
  ~p256_private_key() = default;

  /// The public half as DER SubjectPublicKeyInfo (what a request carries).
  const p256_spki_der& public_key_der() const noexcept { return public_der_; }
  std::string public_key_base64() const { return base64::encode(std::span<const std::uint8_t>(public_der_)); }

  /// The public half as a key of its own (decoded afresh: it holds no private scalar).
  result<p256_public_key> public_key() const { return p256_public_key::from_spki_der(public_der_); }

  /// The raw ECDH shared secret with `peer` (no KDF: the caller decides what it keys). Fails
  /// only if OpenSSL does (errc::crypto_backend).
  result<ecdh_secret> derive(const p256_public_key& peer) const {
    std::array<std::uint8_t, ecdh_secret_size> raw{};
    if (!key_ || !peer.key_) return error{errc::invalid_key, "ECDH: a key is empty (moved from)"};
    if (!detail::ecdh_derive(key_.get(), peer.key_.get(), raw.data()))
      return error{errc::crypto_backend, "ECDH: shared secret derivation failed"};
    ecdh_secret out(raw);
    tokenmint::detail::cleanse(raw.data(), raw.size());
    return out;
  }

 private:
  p256_private_key() = default;

  static result<p256_private_key> from_checked(detail::pkey_ptr k) {
    p256_private_key out;
    if (detail::spki_der(k.get(), out.public_der_.data(), out.public_der_.size()) != p256_spki_der_size)
      return error{errc::crypto_backend, "P-256 key: encoding its public half failed"};
    out.key_ = std::move(k);
    return out;
  }

  detail::pkey_ptr key_;
  p256_spki_der public_der_{};
};

}  // namespace tokenmint::crypto
