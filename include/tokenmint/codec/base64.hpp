// Strict RFC 4648 base64 (standard and URL-safe alphabets), without heap allocation.
#pragma once

#include <tokenmint/codec/codec_result.hpp>
#include <tokenmint/core/result.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::base64 {

/// RFC 4648 section 4 (`+/`) or section 5 (`-_`).
enum class alphabet : std::uint8_t { standard, url };

/// `required`: output padded with `=` to a multiple of 4, and input must be so padded.
/// `none`: no `=` written, and any `=` in input is rejected.
enum class padding : std::uint8_t { required, none };

/// Characters needed to encode `n` bytes.
constexpr std::size_t encoded_size(std::size_t n, padding p = padding::required) noexcept {
  return p == padding::required ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3;
}

/// An upper bound of the bytes that `chars` characters decode to.
constexpr std::size_t max_decoded_size(std::size_t chars) noexcept { return (chars + 3) / 4 * 3; }

namespace detail {

inline constexpr std::string_view standard_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view url_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
inline constexpr std::uint8_t invalid = 0xFF;

// Two output characters per 12 input bits, stored as they lie in memory (first character in the
// low byte on little-endian machines), so a 3-byte group is two loads and one 4-byte store.
constexpr std::array<std::uint16_t, 4096> make_pair_table(std::string_view chars) {
  std::array<std::uint16_t, 4096> t{};
  for (std::size_t v = 0; v < 4096; ++v) {
    const auto c0 = static_cast<std::uint16_t>(static_cast<unsigned char>(chars[v >> 6]));
    const auto c1 = static_cast<std::uint16_t>(static_cast<unsigned char>(chars[v & 63]));
    t[v] = std::endian::native == std::endian::little ? static_cast<std::uint16_t>(c0 | (c1 << 8))
                                                      : static_cast<std::uint16_t>((c0 << 8) | c1);
  }
  return t;
}

constexpr std::array<std::uint8_t, 256> make_decode_table(std::string_view chars) {
  std::array<std::uint8_t, 256> t{};
  for (auto& x : t) x = invalid;
  for (std::size_t i = 0; i < chars.size(); ++i) t[static_cast<unsigned char>(chars[i])] = static_cast<std::uint8_t>(i);
  return t;
}

// Four tables with each sextet already shifted into place for its position in a group, and
// invalid characters mapped to a bit above the 24 data bits: one OR per group decodes it and
// one test finds any bad character.
inline constexpr std::uint32_t invalid_bit = 0x80000000u;
constexpr std::array<std::uint32_t, 1024> make_shifted_tables(std::string_view chars) {
  const auto base = make_decode_table(chars);
  std::array<std::uint32_t, 1024> t{};
  for (std::size_t pos = 0; pos < 4; ++pos)
    for (std::size_t c = 0; c < 256; ++c)
      t[pos * 256 + c] = base[c] == invalid ? invalid_bit : std::uint32_t{base[c]} << (18 - 6 * pos);
  return t;
}

inline constexpr auto standard_pairs = make_pair_table(standard_chars);
inline constexpr auto url_pairs = make_pair_table(url_chars);
inline constexpr auto standard_decode = make_decode_table(standard_chars);
inline constexpr auto url_decode = make_decode_table(url_chars);
inline constexpr auto standard_shifted = make_shifted_tables(standard_chars);
inline constexpr auto url_shifted = make_shifted_tables(url_chars);

constexpr const std::uint16_t* pairs_for(alphabet a) noexcept {
  return a == alphabet::url ? url_pairs.data() : standard_pairs.data();
}
constexpr const std::uint32_t* shifted_for(alphabet a) noexcept {
  return a == alphabet::url ? url_shifted.data() : standard_shifted.data();
}
constexpr std::string_view chars_for(alphabet a) noexcept { return a == alphabet::url ? url_chars : standard_chars; }
constexpr const std::uint8_t* decode_table_for(alphabet a) noexcept {
  return a == alphabet::url ? url_decode.data() : standard_decode.data();
}

// The exact decoded size of `in`, or the error and its offset.
constexpr codec_result decoded_size(std::string_view in, padding p) noexcept {
  const std::size_t n = in.size();
  if (p == padding::required) {
    if (n % 4 != 0) return {0, errc::invalid_base64, n - n % 4};
    std::size_t pads = 0;
    if (n >= 1 && in[n - 1] == '=') ++pads;
    if (n >= 2 && in[n - 2] == '=') ++pads;
    return {n / 4 * 3 - pads, {}, 0};
  }
  if (n % 4 == 1) return {0, errc::invalid_base64, n - 1};
  return {n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1), {}, 0};
}

}  // namespace detail

/// Encode `in` into `out`. Never allocates. Fails with `buffer_too_small` when `out` cannot
/// hold `encoded_size(in.size(), p)` characters. `out` may overlap `in` only when `in` sits at
/// the very end of the encoded span (`in.data() == out.data() + encoded_size(...) - in.size()`):
/// groups are read before they are overwritten, so an envelope can be encoded in place.
inline codec_result encode(std::span<const std::uint8_t> in, std::span<char> out, alphabet a = alphabet::standard,
                           padding p = padding::required) noexcept {
  const std::size_t need = encoded_size(in.size(), p);
  if (out.size() < need) return {0, errc::buffer_too_small, 0};
  const std::uint16_t* pairs = detail::pairs_for(a);
  const std::uint8_t* src = in.data();
  char* dst = out.data();
  std::size_t n = in.size();
  while (n >= 3) {
    const std::uint32_t v = (std::uint32_t{src[0]} << 16) | (std::uint32_t{src[1]} << 8) | src[2];
    const std::uint32_t hi = pairs[v >> 12], lo = pairs[v & 0xFFF];
    const std::uint32_t w = std::endian::native == std::endian::little ? (hi | (lo << 16)) : ((hi << 16) | lo);
    std::memcpy(dst, &w, 4);
    src += 3;
    dst += 4;
    n -= 3;
  }
  const std::string_view chars = detail::chars_for(a);
  if (n == 1) {
    const std::uint32_t v = std::uint32_t{src[0]} << 16;
    dst[0] = chars[v >> 18];
    dst[1] = chars[(v >> 12) & 63];
    dst += 2;
    if (p == padding::required) {
      dst[0] = '=';
      dst[1] = '=';
      dst += 2;
    }
  } else if (n == 2) {
    const std::uint32_t v = (std::uint32_t{src[0]} << 16) | (std::uint32_t{src[1]} << 8);
    dst[0] = chars[v >> 18];
    dst[1] = chars[(v >> 12) & 63];
    dst[2] = chars[(v >> 6) & 63];
    dst += 3;
    if (p == padding::required) *dst++ = '=';
  }
  return {static_cast<std::size_t>(dst - out.data()), {}, 0};
}

/// Exact number of bytes `in` decodes to, or `invalid_base64` when its length or padding
/// cannot be right (the characters themselves are checked by `decode`).
constexpr codec_result decoded_size(std::string_view in, padding p = padding::required) noexcept {
  return detail::decoded_size(in, p);
}

/// Decode canonical base64 into `out`. Never allocates, never reads or writes out of bounds.
/// Rejects, with the offset of the first offending character: characters outside the alphabet
/// (including whitespace and line breaks), a length that is not a multiple of 4 (padded) or is
/// 1 mod 4 (unpadded), `=` anywhere but the last one or two positions, and non-zero pad bits
/// (non-canonical encodings). `out` may be the same memory as `in` (decoding in place).
inline codec_result decode(std::string_view in, std::span<std::uint8_t> out, alphabet a = alphabet::standard,
                           padding p = padding::required) noexcept {
  const std::uint8_t* table = detail::decode_table_for(a);
  const codec_result sz = detail::decoded_size(in, p);
  if (!sz) {
    // Point at a bad character before the length problem, if there is one: it is the likelier mistake.
    for (std::size_t k = 0; k < sz.offset; ++k)
      if (table[static_cast<unsigned char>(in[k])] == detail::invalid && in[k] != '=') return {0, errc::invalid_base64, k};
    return sz;
  }
  if (out.size() < sz.size) return {0, errc::buffer_too_small, 0};
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  std::uint8_t* dst = out.data();
  const std::size_t n = in.size();
  // Full groups, except the last group when it may carry padding or a partial tail.
  const std::size_t tail = (p == padding::required) ? (n == 0 ? 0 : 4) : n % 4;
  const std::size_t full_end = n - tail;
  const std::uint32_t* sh = detail::shifted_for(a);
  const auto bad_group = [&](std::size_t at) -> codec_result {
    for (std::size_t k = 0; k < 4; ++k)
      if (table[src[at + k]] == detail::invalid) return {0, errc::invalid_base64, at + k};
    return {0, errc::invalid_base64, at};  // not reached
  };
  const auto group = [&](std::size_t at) {
    return sh[src[at]] | sh[256 + src[at + 1]] | sh[512 + src[at + 2]] | sh[768 + src[at + 3]];
  };
  std::size_t i = 0;
  // While another full group follows, store 4 bytes at once; the 4th is overwritten next. When
  // decoding in place this byte lies in the group just read, so nothing unread is clobbered.
  for (; i + 4 < full_end; i += 4) {
    const std::uint32_t v = group(i);
    if (TOKENMINT_UNLIKELY((v & detail::invalid_bit) != 0)) return bad_group(i);
    std::uint32_t w = v << 8;
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap32(w);
    std::memcpy(dst, &w, 4);
    dst += 3;
  }
  for (; i < full_end; i += 4) {
    const std::uint32_t v = group(i);
    if (TOKENMINT_UNLIKELY((v & detail::invalid_bit) != 0)) return bad_group(i);
    dst[0] = static_cast<std::uint8_t>(v >> 16);
    dst[1] = static_cast<std::uint8_t>(v >> 8);
    dst[2] = static_cast<std::uint8_t>(v);
    dst += 3;
  }
  // The last group: 2, 3 or 4 significant characters, the rest padding (or absent).
  if (i < n) {
    std::size_t sig = n - i;
    if (p == padding::required) {
      sig = 4;
      if (src[n - 1] == '=') sig = (src[n - 2] == '=') ? 2 : 3;
    }
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < sig; ++k) {
      const std::uint32_t c = table[src[i + k]];
      if (c == detail::invalid) return {0, errc::invalid_base64, i + k};
      v |= c << (18 - 6 * k);
    }
    // Canonical form: the bits below the last whole byte must be zero.
    if (sig == 2 && (v & 0xFFFF) != 0) return {0, errc::invalid_base64, i + 1};
    if (sig == 3 && (v & 0xFF) != 0) return {0, errc::invalid_base64, i + 2};
    dst[0] = static_cast<std::uint8_t>(v >> 16);
    if (sig >= 3) dst[1] = static_cast<std::uint8_t>(v >> 8);
    if (sig == 4) dst[2] = static_cast<std::uint8_t>(v);
    dst += sig - 1;
  }
  return {static_cast<std::size_t>(dst - out.data()), {}, 0};
}

/// Encode to a new string (allocates once).
inline std::string encode(std::span<const std::uint8_t> in, alphabet a = alphabet::standard, padding p = padding::required) {
  std::string out(encoded_size(in.size(), p), '\0');
  (void)encode(in, std::span<char>(out.data(), out.size()), a, p);
  return out;
}

inline std::string encode(std::string_view in, alphabet a = alphabet::standard, padding p = padding::required) {
  return encode(as_bytes(in), a, p);
}

/// Decode to a new vector; the error message gives the offset of the first bad character.
inline result<std::vector<std::uint8_t>> decode(std::string_view in, alphabet a = alphabet::standard,
                                                padding p = padding::required) {
  std::vector<std::uint8_t> out(max_decoded_size(in.size()));
  const codec_result r = decode(in, std::span<std::uint8_t>(out), a, p);
  if (!r) return error{r.ec, "invalid base64 at offset " + std::to_string(r.offset)};
  out.resize(r.size);
  return out;
}

}  // namespace tokenmint::base64
