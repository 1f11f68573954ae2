// Hexadecimal encoding (lower case out, either case in), without heap allocation.
#pragma once

#include <tokenmint/codec/codec_result.hpp>
#include <tokenmint/core/result.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::hex {

namespace detail {
constexpr int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace detail

/// Encode into `out` (needs 2 * in.size() characters).
inline codec_result encode(std::span<const std::uint8_t> in, std::span<char> out) noexcept {
  constexpr std::string_view digits = "0123456789abcdef";
  if (out.size() < in.size() * 2) return {0, errc::buffer_too_small, 0};
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  return {in.size() * 2, {}, 0};
}

inline std::string encode(std::span<const std::uint8_t> in) {
  std::string out(in.size() * 2, '\0');
  (void)encode(in, std::span<char>(out.data(), out.size()));
  return out;
}

/// Decode into `out` (needs in.size() / 2 bytes). Rejects an odd length and non-hex digits.
inline codec_result decode(std::string_view in, std::span<std::uint8_t> out) noexcept {
  if (in.size() % 2 != 0) return {0, errc::invalid_hex, in.size()};
  if (out.size() < in.size() / 2) return {0, errc::buffer_too_small, 0};
  for (std::size_t i = 0; i < in.size(); i += 2) {
    const int hi = detail::digit_value(in[i]);
    if (hi < 0) return {0, errc::invalid_hex, i};
    const int lo = detail::digit_value(in[i + 1]);
    if (lo < 0) return {0, errc::invalid_hex, i + 1};
    out[i / 2] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return {in.size() / 2, {}, 0};
}

inline result<std::vector<std::uint8_t>> decode(std::string_view in) {
  std::vector<std::uint8_t> out(in.size() / 2);
  const codec_result r = decode(in, std::span<std::uint8_t>(out));
  if (!r)
    return error{r.ec, in.size() % 2 ? "odd number of hex digits" : "invalid hex digit at offset " + std::to_string(r.offset)};
  return out;
}

/// Decode exactly N bytes (2N digits); `field` names the input in the error message.
template <std::size_t N>
result<std::array<std::uint8_t, N>> decode_array(std::string_view in, std::string_view field) {
  std::array<std::uint8_t, N> out{};
  if (in.size() != 2 * N)
    return error{errc::invalid_hex, std::string(field) + ": expected " + std::to_string(2 * N) + " hex digits (" +
                                        std::to_string(N) + " bytes), got " + std::to_string(in.size())};
  const codec_result r = decode(in, std::span<std::uint8_t>(out));
  if (!r) return error{r.ec, std::string(field) + ": invalid hex digit at offset " + std::to_string(r.offset)};
  return out;
}

}  // namespace tokenmint::hex
