// The one way tokenmint wipes secrets: at the floor of the library, with no OpenSSL include, so
// `core/secret.hpp` and everything above it stay free of OpenSSL headers.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <cstddef>
#include <cstring>

namespace tokenmint::detail {

/// Overwrites [data, data + size) with zeros in a way the optimizer cannot elide: the compiler
/// barrier tells it the zeroed memory is read afterwards (the technique of OPENSSL_cleanse and
/// BoringSSL). Null or empty ranges are fine.
inline void cleanse(void* data, std::size_t size) noexcept {
  if (data == nullptr || size == 0) return;
#if defined(__GNUC__) || defined(__clang__)
  std::memset(data, 0, size);
  __asm__ __volatile__("" : : "r"(data) : "memory");
#else
  volatile unsigned char* p = static_cast<volatile unsigned char*>(data);
  while (size--) *p++ = 0;
#endif
}

}  // namespace tokenmint::detail
