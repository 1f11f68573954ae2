// The one place tokenmint talks to OpenSSL's EVP and RAND APIs: RAII wrappers, fetched
// algorithms, P-256 keys and ECDH, and error translation. Everything else calls these functions.
#pragma once

#include <tokenmint/detail/cleanse.hpp>
#include <tokenmint/detail/config.hpp>

#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
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

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

/// SHA-256 of `in` with a digest context kept per thread: EVP_Digest would allocate and free
/// one per call (and take and drop a reference on the digest), a quarter of a short hash's time.
inline bool sha256(std::span<const std::uint8_t> in, std::uint8_t (&out)[32]) noexcept {
  thread_local const std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  const EVP_MD* md = sha256_md();
  if (md == nullptr || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), in.data(), in.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), out, &len) != 1 || len != 32) {
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

/// Feed additional authenticated data to a GCM context between IV and data (none: no call).
inline bool gcm_aad(EVP_CIPHER_CTX* ctx, std::span<const std::uint8_t> aad) noexcept {
  if (aad.empty()) return true;
  int inl = 0, outl = 0;
  if (!int_size(aad.size(), inl) || EVP_CipherUpdate(ctx, nullptr, &outl, aad.data(), inl) != 1) return ERR_clear_error(), false;
  return true;
}

/// Seal the concatenation of `parts` into `out` with a 12-byte IV, authenticating `aad` too;
/// only the IV is set, so the key schedule of `ctx` is reused. Writes exactly the plaintext's
/// length plus a 16-byte tag.
inline bool gcm_seal(EVP_CIPHER_CTX* ctx, const std::uint8_t* iv12, std::initializer_list<std::span<const std::uint8_t>> parts,
                     std::uint8_t* out, std::uint8_t* tag16, std::span<const std::uint8_t> aad = {}) noexcept {
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv12, 1, nullptr) != 1) return ERR_clear_error(), false;
  if (!gcm_aad(ctx, aad)) return false;
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

/// Open `ct` into `out` (which may be `ct` itself), authenticating `aad` too. Returns false on a
/// tag mismatch or any failure; the caller must then discard (and wipe) whatever was written to
/// `out`.
inline bool gcm_open(EVP_CIPHER_CTX* ctx, const std::uint8_t* iv12, std::span<const std::uint8_t> ct, const std::uint8_t* tag16,
                     std::uint8_t* out, std::span<const std::uint8_t> aad = {}) noexcept {
  int inl = 0, outl = 0;
  if (!int_size(ct.size(), inl)) return false;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv12, 0, nullptr) != 1) return ERR_clear_error(), false;
  if (!gcm_aad(ctx, aad)) return false;
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

// ---------------------------------------------------------------------------------------------
// P-256 (prime256v1) keys and ECDH.

struct pkey_free {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }  // private scalars are cleared by OpenSSL
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
struct pkey_ctx_free {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free>;

/// Another owner of `k` (a reference count; EVP_PKEY is immutable once built); null for null.
inline pkey_ptr pkey_share(EVP_PKEY* k) noexcept {
  if (k == nullptr || EVP_PKEY_up_ref(k) != 1) return ERR_clear_error(), pkey_ptr();
  return pkey_ptr(k);
}

/// Why a key was refused, for the caller to word.
enum class ec_key_problem : unsigned char { none, bad_der, not_ec, wrong_curve, not_on_curve, backend };

/// Whether `der` is shaped as a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1, a
/// 65-byte uncompressed or 33-byte compressed point): when OpenSSL then refuses it, the point is
/// what is wrong. (OpenSSL's decoder reports every failure as "decode error".)
inline bool shaped_as_p256_spki(std::span<const std::uint8_t> der) noexcept {
  static constexpr std::uint8_t algorithm[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                               0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  const bool uncompressed = der.size() == 91 && der[1] == 0x59 && der[24] == 0x42 && der[26] == 0x04;
  const bool compressed = der.size() == 59 && der[1] == 0x39 && der[24] == 0x22 && (der[26] == 0x02 || der[26] == 0x03);
  return (uncompressed || compressed) && der[0] == 0x30 && der[23] == 0x03 && der[25] == 0x00 &&
         std::equal(std::begin(algorithm), std::end(algorithm), der.begin() + 2);
}

/// What kind of key `k` is, as far as P-256 goes: none when it is an EC key on prime256v1.
inline ec_key_problem p256_kind(EVP_PKEY* k) noexcept {
  if (EVP_PKEY_is_a(k, "EC") != 1) return ERR_clear_error(), ec_key_problem::not_ec;
  char name[80];
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(k, name, sizeof name, &len) != 1) return ERR_clear_error(), ec_key_problem::wrong_curve;
  return std::string_view(name, len) == "prime256v1" ? ec_key_problem::none : ec_key_problem::wrong_curve;
}

/// The group name of an EC key (for messages), or "" when it has none.
inline std::string ec_group_name(EVP_PKEY* k) {
  char name[80];
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(k, name, sizeof name, &len) != 1) return ERR_clear_error(), std::string();
  return std::string(name, len);
}

/// A P-256 public key from its uncompressed point (65 bytes, 0x04 | x | y), built from
/// parameters rather than through OpenSSL's DER decoder (which costs several scalar
/// multiplications' worth); null when OpenSSL refuses the point.
inline pkey_ptr p256_from_point(const std::uint8_t* point65) noexcept {
  thread_local const pkey_ctx_ptr ctx = []() noexcept {
    pkey_ctx_ptr c(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!c || EVP_PKEY_fromdata_init(c.get()) != 1) return ERR_clear_error(), pkey_ctx_ptr();
    return c;
  }();
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                         OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(point65), 65),
                         OSSL_PARAM_construct_end()};
  EVP_PKEY* k = nullptr;
  if (!ctx || EVP_PKEY_fromdata(ctx.get(), &k, EVP_PKEY_PUBLIC_KEY, params) != 1) return ERR_clear_error(), pkey_ptr();
  return pkey_ptr(k);
}

/// A P-256 public key from a DER SubjectPublicKeyInfo (all of `der`, nothing after it); the
/// point is checked to lie on the curve. On `wrong_curve`, `out` holds the key (to name its curve).
inline ec_key_problem p256_from_spki_der(std::span<const std::uint8_t> der, pkey_ptr& out) noexcept {
  if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return ec_key_problem::bad_der;
  pkey_ptr k;
  if (der.size() == 91 && shaped_as_p256_spki(der)) {  // the usual form: the point, straight from its place
    k = p256_from_point(der.data() + 26);
    if (!k) return ec_key_problem::not_on_curve;
  } else {
    const unsigned char* p = der.data();
    k.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (!k) return ERR_clear_error(), shaped_as_p256_spki(der) ? ec_key_problem::not_on_curve : ec_key_problem::bad_der;
    if (p != der.data() + der.size()) return ec_key_problem::bad_der;
  }
  if (const auto kind = p256_kind(k.get()); kind != ec_key_problem::none) {
    if (kind == ec_key_problem::wrong_curve) out = std::move(k);  // for the caller to name its curve
    return kind;
  }
  pkey_ctx_ptr c(EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr));
  if (!c) return ERR_clear_error(), ec_key_problem::backend;
  if (EVP_PKEY_public_check(c.get()) != 1) return ERR_clear_error(), ec_key_problem::not_on_curve;
  // A compressed point is accepted; the key is re-encoded uncompressed, as the operator sends it.
  if (EVP_PKEY_set_utf8_string_param(k.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed") != 1)
    return ERR_clear_error(), ec_key_problem::backend;
  out = std::move(k);
  return ec_key_problem::none;
}

/// A P-256 private key from an unencrypted PKCS#8 PrivateKeyInfo (DER, all of `der`); the
/// public point is computed when the encoding leaves it out, and the pair is checked. On
/// `wrong_curve`, `out` holds the key (to name its curve).
inline ec_key_problem p256_from_pkcs8_der(std::span<const std::uint8_t> der, pkey_ptr& out) noexcept {
  if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) return ec_key_problem::bad_der;
  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* p8 = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  if (p8 == nullptr) return ERR_clear_error(), ec_key_problem::bad_der;
  const bool whole = p == der.data() + der.size();
  pkey_ptr k(whole ? EVP_PKCS82PKEY(p8) : nullptr);
  PKCS8_PRIV_KEY_INFO_free(p8);  // wipes its copy of the private key
  if (!whole) return ec_key_problem::bad_der;
  if (!k) return ERR_clear_error(), ec_key_problem::bad_der;
  if (const auto kind = p256_kind(k.get()); kind != ec_key_problem::none) {
    if (kind == ec_key_problem::wrong_curve) out = std::move(k);  // for the caller to name its curve
    return kind;
  }
  pkey_ctx_ptr c(EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr));
  if (!c) return ERR_clear_error(), ec_key_problem::backend;
  if (EVP_PKEY_pairwise_check(c.get()) != 1) return ERR_clear_error(), ec_key_problem::not_on_curve;
  out = std::move(k);
  return ec_key_problem::none;
}

/// A fresh P-256 key pair from OpenSSL's CSPRNG; null on failure. The keygen context (its
/// fetched algorithm and group) is kept per thread, so a key costs its scalar multiplication only.
inline pkey_ptr p256_generate() noexcept {
  thread_local const pkey_ctx_ptr ctx = []() noexcept {
    pkey_ctx_ptr c(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!c || EVP_PKEY_keygen_init(c.get()) != 1 || EVP_PKEY_CTX_set_group_name(c.get(), "P-256") != 1) {
      ERR_clear_error();
      c.reset();
    }
    return c;
  }();
  EVP_PKEY* k = nullptr;
  if (!ctx || EVP_PKEY_generate(ctx.get(), &k) != 1) return ERR_clear_error(), pkey_ptr();
  return pkey_ptr(k);
}

/// The public half of a P-256 key `k` as DER SubjectPublicKeyInfo (uncompressed point) into
/// `out`, which has room for `cap` bytes; the length written, 0 on failure. The 26 bytes before
/// the point are fixed for P-256, so only the point is asked of OpenSSL (its DER encoder costs
/// more than the key generation).
inline std::size_t spki_der(EVP_PKEY* k, std::uint8_t* out, std::size_t cap) noexcept {
  static constexpr std::uint8_t header[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                            0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
  std::size_t point = 0;
  if (cap >= sizeof header + 65 &&
      EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out + sizeof header, 65, &point) == 1 &&
      point == 65 && out[sizeof header] == 0x04) {
    std::memcpy(out, header, sizeof header);
    return sizeof header + 65;
  }
  ERR_clear_error();
  const int n = i2d_PUBKEY(k, nullptr);
  if (n <= 0 || static_cast<std::size_t>(n) > cap) return ERR_clear_error(), 0;
  unsigned char* p = out;
  if (i2d_PUBKEY(k, &p) != n) return ERR_clear_error(), 0;
  return static_cast<std::size_t>(n);
}

/// ECDH: the raw shared secret (the x coordinate, 32 bytes for P-256) of `priv` and `peer`,
/// both P-256 keys already checked on import. No KDF.
inline bool ecdh_derive(EVP_PKEY* priv, EVP_PKEY* peer, std::uint8_t* out32) noexcept {
  pkey_ctx_ptr c(EVP_PKEY_CTX_new_from_pkey(nullptr, priv, nullptr));
  std::size_t len = 32;
  if (!c || EVP_PKEY_derive_init(c.get()) != 1 || EVP_PKEY_derive_set_peer_ex(c.get(), peer, 0) != 1 ||
      EVP_PKEY_derive(c.get(), out32, &len) != 1 || len != 32) {
    ERR_clear_error();
    cleanse(out32, 32);
    return false;
  }
  return true;
}

}  // namespace tokenmint::crypto::detail
