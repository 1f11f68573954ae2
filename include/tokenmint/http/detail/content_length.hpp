// Content-Length (RFC 9110 section 8.6), parsed one way for responses and requests alike.
#pragma once

#include <tokenmint/http/detail/chars.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace tokenmint::http::detail {

/// Folds every Content-Length field of a message into one length. A field may itself be a list
/// ("42, 42", as some intermediaries send); every element of every field must agree. Returns
/// null and sets `length` (0 when there is no field), or the reason to refuse the message.
constexpr const char* fold_content_length(std::span<const std::string_view> fields, std::uint64_t& length) noexcept {
  length = 0;
  bool have = false;
  for (std::string_view rest : fields) {
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view tok = trim_ows(rest.substr(0, comma));
      if (tok.empty()) return "empty Content-Length";
      std::uint64_t n = 0;
      for (char c : tok) {
        if (!is_digit(c)) return "Content-Length is not a number";
        if (n > (UINT64_MAX - 9) / 10) return "Content-Length overflows";
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (have && n != length) return "conflicting Content-Length values";
      length = n;
      have = true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return nullptr;
}

}  // namespace tokenmint::http::detail
