// The one place tokenmint talks to OpenSSL's EVP and RAND APIs: RAII wrappers, fetched
// algorithms, and error translation. Everything else calls these functions.
#pragma once

#include <tokenmint/detail/cleanse.hpp>
#include <tokenmint/detail/config.hpp>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "tokenmint needs OpenSSL 3.0 or newer"
#endif

namespace tokenmint::crypto::detail {

struct cipher_ctx_free {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }  // also wipes the key schedule
};
using cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

// Algorithms are fetched once per process: EVP_aes_256_gcm() and friends make OpenSSL 3 look the
// implementation up again on every context initialisation, which is measurable per message.
template <class T, void (*Free)(T*)>
struct fetched {
  T* ptr;
  ~fetched() { Free(ptr); }
};

inline const EVP_CIPHER* aes_256_gcm() noexcept {
  static const fetched<EVP_CIPHER, EVP_CIPHER_free> c{EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)};
  return c.ptr;
}

inline const EVP_CIPHER* aes_256_cbc() noexcept {
  static const fetched<EVP_CIPHER, EVP_CIPHER_free> c{EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr)};
  return c.ptr;
}

inline const EVP_MD* sha256_md() noexcept {
  static const fetched<EVP_MD, EVP_MD_free> m{EVP_MD_fetch(nullptr, "SHA2-256", nullptr)};
  return m.ptr;
}

/// The oldest queued OpenSSL error as text (and the queue cleared), for diagnostics.
inline std::string take_error_string() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no OpenSSL error queued";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

using tokenmint::detail::cleanse;

inline bool rand_bytes(std::uint8_t* out, std::size_t n) noexcept {
  while (n > 0) {
    const int chunk = n > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(n);
    if (RAND_bytes(out, chunk) != 1) {
      ERR_clear_error();
      return false;
    }
    out += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
  return true;
}

inline bool sha256(std::span<const std::uint8_t> in, std::uint8_t (&out)[32]) noexcept {
  unsigned int len = 0;
  const EVP_MD* md = sha256_md();
  if (md == nullptr || EVP_Digest(in.data(), in.size(), out, &len, md, nullptr) != 1 || len != 32) {
    ERR_clear_error();
    return false;
  }
  return true;
}

/// A context keyed for `cipher` (key schedule computed here, once), encrypting or decrypting.
inline cipher_ctx_ptr new_keyed_context(const EVP_CIPHER* cipher, const std::uint8_t* key32, int enc) noexcept {
  if (cipher == nullptr) return nullptr;
  cipher_ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, key32, nullptr, enc, nullptr) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return ctx;
}

/// A context keyed for AES-256-GCM.
inline cipher_ctx_ptr new_gcm_context(const std::uint8_t* key32) noexcept { return new_keyed_context(aes_256_gcm(), key32, 1); }

/// A context keyed for AES-256-CBC decryption with PKCS#7 padding.
inline cipher_ctx_ptr new_cbc_decrypt_context(const std::uint8_t* key32) noexcept {
  return new_keyed_context(aes_256_cbc(), key32, 0);
}

inline bool int_size(std::size_t n, int& out) noexcept {
  if (n > static_cast<std::size_t>(INT_MAX)) return false;
  out = static_cast<int>(n);
  return true;
}

/// Seal the concatenation of `parts` into `out` with a 12-byte IV; only the IV is set, so the
/// key schedule of `ctx` is reused. Writes exactly the plaintext's length plus a 16-byte tag.
inline bool gcm_seal(EVP_CIPHER_CTX* ctx, const std::uint8_t* iv12, std::initializer_list<std::span<const std::uint8_t>> parts,
                     std::uint8_t* out, std::uint8_t* tag16) noexcept {
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv12, 1, nullptr) != 1) return ERR_clear_error(), false;
  std::uint8_t* p = out;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    int inl = 0, outl = 0;
    if (!int_size(part.size(), inl) || EVP_EncryptUpdate(ctx, p, &outl, part.data(), inl) != 1) return ERR_clear_error(), false;
    p += outl;
  }
  int outl = 0;
  if (EVP_EncryptFinal_ex(ctx, p, &outl) != 1) return ERR_clear_error(), false;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag16) != 1) return ERR_clear_error(), false;
  return true;
}

/// Open `ct` into `out` (which may be `ct` itself). Returns false on a tag mismatch or any
/// failure; the caller must then discard (and wipe) whatever was written to `out`.
inline bool gcm_open(EVP_CIPHER_CTX* ctx, const std::uint8_t* iv12, std::span<const std::uint8_t> ct, const std::uint8_t* tag16,
                     std::uint8_t* out) noexcept {
  int inl = 0, outl = 0;
  if (!int_size(ct.size(), inl)) return false;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv12, 0, nullptr) != 1) return ERR_clear_error(), false;
  if (inl > 0 && EVP_DecryptUpdate(ctx, out, &outl, ct.data(), inl) != 1) return ERR_clear_error(), false;
  // The tag length is fixed at 16 here: OpenSSL itself would accept a truncated tag.
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag16)) != 1) return ERR_clear_error(), false;
  int finl = 0;
  if (EVP_DecryptFinal_ex(ctx, out + outl, &finl) != 1) return ERR_clear_error(), false;
  return true;
}

/// CBC-decrypt `ct` (a whole number of 16-byte blocks) into `out` (room for `ct.size()` bytes)
/// with a 16-byte IV, and strip the PKCS#7 padding: `out_size` is the plaintext's length. Only the
/// IV is set, so the key schedule of `ctx` is reused. False on bad padding or any failure.
inline bool cbc_decrypt(EVP_CIPHER_CTX* ctx, const std::uint8_t* iv16, std::span<const std::uint8_t> ct, std::uint8_t* out,
                        std::size_t& out_size) noexcept {
  int inl = 0, outl = 0, finl = 0;
  if (ct.empty() || ct.size() % 16 != 0 || !int_size(ct.size(), inl)) return false;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv16, 0, nullptr) != 1) return ERR_clear_error(), false;
  if (EVP_DecryptUpdate(ctx, out, &outl, ct.data(), inl) != 1) return ERR_clear_error(), false;
  if (EVP_DecryptFinal_ex(ctx, out + outl, &finl) != 1) return ERR_clear_error(), false;
  out_size = static_cast<std::size_t>(outl + finl);
  return true;
}

}  // namespace tokenmint::crypto::detail
