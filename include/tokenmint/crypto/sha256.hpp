// SHA-256 through OpenSSL.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/detail/openssl.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace tokenmint::crypto {

using sha256_digest = std::array<std::uint8_t, 32>;

/// Digest `in` into `out`. Fails only if OpenSSL cannot (errc::crypto_backend).
inline errc sha256(std::span<const std::uint8_t> in, sha256_digest& out) noexcept {
  std::uint8_t buf[32];
  if (!detail::sha256(in, buf)) return errc::crypto_backend;
  std::memcpy(out.data(), buf, 32);
  return {};
}

inline result<sha256_digest> sha256(std::string_view in) {
  sha256_digest d{};
  if (const errc e = sha256(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()), d); e != errc{})
    return error{e, "sha256: " + detail::take_error_string()};
  return d;
}

}  // namespace tokenmint::crypto
