// Big-endian 64-bit loads and stores for the wire formats (UID2 envelopes and tokens).
#pragma once

#include <cstdint>

namespace tokenmint::detail {

inline void store_be64(std::uint8_t* p, std::int64_t v) noexcept {
  const auto u = static_cast<std::uint64_t>(v);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(u >> (56 - 8 * i));
}

inline std::int64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | p[i];
  return static_cast<std::int64_t>(u);
}

}  // namespace tokenmint::detail
