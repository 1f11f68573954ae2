// Character classes of HTTP/1.1 (RFC 9110, RFC 3986) shared by the URL code, the serializer and
// both parsers: one definition each, constexpr, no dependencies.
#pragma once

#include <string_view>

namespace tokenmint::http::detail {

/// `s` without leading and trailing optional whitespace (RFC 9110 OWS: SP and HTAB).
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
constexpr int hex_value(char c) noexcept { return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10; }
/// RFC 9110 token characters (field names, methods, transfer codings).
constexpr bool is_tchar(char c) noexcept {
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return is_alpha(c) || is_digit(c);
  }
}

/// Field value characters: VCHAR, obs-text, SP and HTAB. Refusing the rest (CR, LF, NUL, other
/// controls) is what stops header injection.
constexpr bool is_field_vchar(char c) noexcept {
  const auto b = static_cast<unsigned char>(c);
  return b == '\t' || (b >= 0x20 && b != 0x7f);
}

inline bool valid_field_name(std::string_view n) noexcept {
  if (n.empty()) return false;
  for (char c : n)
    if (!is_tchar(c)) return false;
  return true;
}

inline bool valid_field_value(std::string_view v) noexcept {
  for (char c : v)
    if (!is_field_vchar(c)) return false;
  return true;
}

}  // namespace tokenmint::http::detail
