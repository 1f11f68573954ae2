// The lexical half of json::read: a cursor over the text that reads tokens (strings with every
// escape decoded and UTF-8 checked, exact integers, correctly rounded doubles, literals) and keeps
// the first error with its offset and the member path the callers add while unwinding.
#pragma once

#include <tokenmint/codec/utf8.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/json/detail/common.hpp>
#include <tokenmint/json/validate.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace tokenmint::json::detail {

inline void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Functions return false on the first error, which is kept (what, where).
class lexer {
 public:
  explicit lexer(std::string_view text) noexcept
      : text_(text), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  error take_error() const {
    return error{errc::invalid_json, path_message(path_, what_) + " at offset " + std::to_string(err_at_)};
  }

 protected:
  // ---- errors -----------------------------------------------------------------------------------

  bool fail(const char* what) { return fail_at(p_, what); }
  TOKENMINT_NOINLINE bool fail_at(const char* at, const char* what) {
    what_ = what;
    err_at_ = static_cast<std::size_t>(at - begin_);
    return false;
  }
  TOKENMINT_NOINLINE void in_member(std::string_view key) {
    constexpr std::size_t max_shown = 64;  // keys come from the input; keep messages bounded
    if (key.size() > max_shown) {
      path_.emplace_back(std::string(key.substr(0, max_shown)) + "...");
    } else {
      path_.emplace_back(key);
    }
  }
  TOKENMINT_NOINLINE void in_element(std::size_t i) { path_.push_back(index_segment(i)); }

  // ---- lexical ----------------------------------------------------------------------------------

  void ws() noexcept {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  static bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
      return fail("invalid literal");
    p_ += word.size();
    return true;
  }

  bool boolean(bool& out) {
    if (*p_ == 't') {
      out = true;
      return literal("true");
    }
    if (*p_ == 'f') {
      out = false;
      return literal("false");
    }
    return fail("expected true or false");
  }

  /// Checks the number grammar from p_ (json::validate's scanner: one grammar, one set of
  /// messages) and moves past it. `integral` is set when there is no fraction and no exponent.
  TOKENMINT_NOINLINE bool number_token(bool& integral) {
    const char* const start = p_;
    scanner sc(text_, static_cast<std::size_t>(p_ - begin_));
    if (!sc.number()) return fail_at(begin_ + sc.pos(), sc.failure());
    p_ = begin_ + sc.pos();
    integral = std::none_of(start, p_, [](char c) { return c == '.' || c == 'e' || c == 'E'; });
    return true;
  }

  template <class I>
  bool integer(I& out) {
    const char* const start = p_;
    if (*p_ != '-' && !digit(*p_)) return fail("expected integer");
    bool integral = false;
    if (!number_token(integral)) return false;
    if (!integral) return fail_at(start, "expected integer, got a fraction or exponent");
    const bool negative = *start == '-';
    std::uint64_t magnitude = 0;
    bool overflow = false;
    for (const char* q = start + (negative ? 1 : 0); q != p_; ++q) {
      overflow |= __builtin_mul_overflow(magnitude, 10u, &magnitude);
      overflow |= __builtin_add_overflow(magnitude, static_cast<unsigned>(*q - '0'), &magnitude);
    }
    using U = std::make_unsigned_t<I>;
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<I>::max());
    if constexpr (std::is_unsigned_v<I>) {
      if (overflow || magnitude > max || (negative && magnitude != 0)) return fail_at(start, "integer out of range");
      out = static_cast<I>(magnitude);
    } else {
      if (overflow || magnitude > max + (negative ? 1u : 0u)) return fail_at(start, "integer out of range");
      out = negative ? static_cast<I>(static_cast<U>(0u - static_cast<U>(magnitude))) : static_cast<I>(magnitude);
    }
    return true;
  }

  template <class F>
  bool floating(F& out) {
    const char* const start = p_;
    if (*p_ != '-' && !digit(*p_)) return fail("expected number");
    bool integral = false;
    if (!number_token(integral)) return false;
    const auto [ptr, ec] = std::from_chars(start, p_, out);
    if (ec == std::errc::result_out_of_range) {
      if (decimal_magnitude(start, p_) < 0) {  // underflow: the nearest value is zero
        out = *start == '-' ? -F(0) : F(0);
        return true;
      }
      return fail_at(start, "number out of range");
    }
    if (ec != std::errc{} || ptr != p_) return fail_at(start, "invalid number");
    return true;
  }

  /// log10 of a number's magnitude, roughly (the power of ten of its first significant digit).
  static long decimal_magnitude(const char* p, const char* end) noexcept {
    long first = 0;  // position of the first significant digit relative to the point
    long int_digits = 0;
    bool seen_point = false, significant = false;
    long position = 0;
    for (; p != end && *p != 'e' && *p != 'E'; ++p) {
      if (*p == '-') continue;
      if (*p == '.') {
        seen_point = true;
        continue;
      }
      if (!seen_point) ++int_digits;
      if (!significant && *p != '0') {
        significant = true;
        first = position;
      }
      ++position;
    }
    long exp = 0;
    if (p != end) {
      ++p;
      const bool neg = *p == '-';
      if (*p == '+' || *p == '-') ++p;
      for (; p != end; ++p) exp = std::min(exp * 10 + (*p - '0'), 100000L);
      if (neg) exp = -exp;
    }
    return int_digits - 1 - first + exp;
  }

  /// A string token into `out` (escapes decoded, UTF-8 checked). Precondition: *p_ == '"'.
  TOKENMINT_NOINLINE bool string(std::string& out) {
    ++p_;
    const char* run = p_;
    out.clear();
    while (true) {
      p_ = skip_plain_string_bytes(p_, end_);
      if (p_ == end_) return fail("unterminated string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.append(run, p_);
        ++p_;
        return true;
      }
      if (c == '\\') {
        out.append(run, p_);
        if (!escape(out)) return false;
        run = p_;
        continue;
      }
      if (c < 0x20) return fail("control character in string");
      const std::size_t n = utf8::sequence_length(text_, static_cast<std::size_t>(p_ - begin_));
      if (n == 0) return fail("invalid UTF-8 in string");
      p_ += n;
    }
  }

  /// A member name: a view of the text when it has no escapes, else decoded into scratch_.
  TOKENMINT_NOINLINE bool key(std::string_view& out) {
    if (p_ == end_ || *p_ != '"') return fail("expected member name");
    const char* const start = ++p_;
    while (true) {
      p_ = skip_plain_string_bytes(p_, end_);
      if (p_ == end_) return fail("unterminated string");
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\') {
        p_ = start - 1;
        if (!string(scratch_)) return false;
        out = scratch_;
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      const std::size_t n = utf8::sequence_length(text_, static_cast<std::size_t>(p_ - begin_));
      if (n == 0) return fail("invalid UTF-8 in string");
      p_ += n;
    }
  }

  bool hex4(std::uint32_t& cp) {
    if (end_ - p_ < 4) return fail("truncated \\u escape");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = *p_++;
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
      else return fail_at(p_ - 1, "invalid hex digit in \\u escape");
    }
    return true;
  }

  /// Precondition: *p_ == '\\'.
  TOKENMINT_NOINLINE bool escape(std::string& out) {
    const char* const at = p_;
    ++p_;
    if (p_ == end_) return fail("unterminated escape");
    const char e = *p_++;
    switch (e) {
      case '"': out.push_back('"'); return true;
      case '\\': out.push_back('\\'); return true;
      case '/': out.push_back('/'); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': break;
      default: return fail_at(at, "invalid escape");
    }
    std::uint32_t cp = 0;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail_at(at, "unpaired surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail_at(at, "unpaired surrogate in \\u escape");
      p_ += 2;
      std::uint32_t lo = 0;
      if (!hex4(lo)) return false;
      if (lo < 0xDC00 || lo > 0xDFFF) return fail_at(at, "unpaired surrogate in \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    append_utf8(out, cp);
    return true;
  }

  std::string_view text_;
  const char* const begin_;
  const char* p_;
  const char* const end_;
  std::string scratch_;  // escaped member names only
  const char* what_ = "";
  std::size_t err_at_ = 0;
  std::vector<std::string> path_;  // innermost first; filled only on error
};

}  // namespace tokenmint::json::detail
