// The outcome of a noexcept encode/decode into a caller buffer.
#pragma once

#include <tokenmint/core/errc.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tokenmint {

/// Like std::from_chars_result: `size` bytes or characters written on success; on failure `ec`
/// says why and `offset` is the index of the first offending input character.
struct codec_result {
  std::size_t size = 0;
  errc ec{};
  std::size_t offset = 0;

  constexpr bool ok() const noexcept { return ec == errc{}; }
  constexpr explicit operator bool() const noexcept { return ok(); }
};

/// View the characters of a string as bytes (no copy).
inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// View bytes as characters (no copy).
inline std::string_view as_chars(std::span<const std::uint8_t> b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace tokenmint
