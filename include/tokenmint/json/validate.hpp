// Strict RFC 8259 validation of a JSON text, without building anything.
#pragma once

#include <tokenmint/codec/utf8.hpp>
#include <tokenmint/core/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace tokenmint::json {

/// Limits of `json::validate` (RFC 8259 grammar check without building anything).
struct validate_options {
  std::size_t max_depth = 128;  ///< nesting deeper than this is an error, never a stack overflow
};

namespace detail {

/// A cursor over a JSON text that checks the grammar. `error` holds the first failure.
class scanner {
 public:
  explicit scanner(std::string_view s, std::size_t pos = 0) noexcept : s_(s), i_(pos) {}

  std::size_t pos() const noexcept { return i_; }
  bool at_end() const noexcept { return i_ >= s_.size(); }
  char peek() const noexcept { return i_ < s_.size() ? s_[i_] : '\0'; }
  const char* failure() const noexcept { return what_; }

  void skip_ws() noexcept {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  bool fail(const char* what) noexcept {
    what_ = what;
    return false;
  }

  bool literal(std::string_view word) noexcept {
    if (s_.substr(i_, word.size()) != word) return fail("invalid literal");
    i_ += word.size();
    return true;
  }

  // string = quotation-mark *char quotation-mark; raw control characters are not allowed,
  // escapes are the eight of RFC 8259 plus \uXXXX with surrogates paired.
  bool string() noexcept {
    if (peek() != '"') return fail("expected string");
    ++i_;
    while (true) {
      if (at_end()) return fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        ++i_;
        if (at_end()) return fail("unterminated escape");
        const char e = s_[i_];
        if (e == 'u') {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") return fail("unpaired surrogate in \\u escape");
            ++i_;
            unsigned lo = 0;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("unpaired surrogate in \\u escape");
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate in \\u escape");
          }
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
          return fail("invalid escape");
        ++i_;
        continue;
      }
      if (c < 0x80) {
        ++i_;
        continue;
      }
      const std::size_t n = utf8::sequence_length(s_, i_);
      if (n == 0) return fail("invalid UTF-8 in string");
      i_ += n;
    }
  }

  // number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
  bool number() noexcept {
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
      if (is_digit(peek())) return fail("leading zero in number");
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++i_;
    } else {
      return fail("invalid number");
    }
    if (peek() == '.') {
      ++i_;
      if (!is_digit(peek())) return fail("expected digit after decimal point");
      while (is_digit(peek())) ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!is_digit(peek())) return fail("expected digit in exponent");
      while (is_digit(peek())) ++i_;
    }
    return true;
  }

  /// One complete value, iteratively, so that depth is bounded by `max_depth` and not the stack.
  bool value(std::size_t max_depth) {
    std::string stack;  // '{' or '[' per open container; small strings do not allocate
    while (true) {
      skip_ws();
      // A value.
      switch (peek()) {
        case '{':
        case '[': {
          if (stack.size() >= max_depth) return fail("nesting deeper than the limit");
          const char open = s_[i_++];
          stack.push_back(open);
          skip_ws();
          if (peek() == (open == '{' ? '}' : ']')) {
            ++i_;
            stack.pop_back();
            break;
          }
          if (open == '{' && !member_key()) return false;
          continue;  // parse the first element / member value
        }
        case '"':
          if (!string()) return false;
          break;
        case 't':
          if (!literal("true")) return false;
          break;
        case 'f':
          if (!literal("false")) return false;
          break;
        case 'n':
          if (!literal("null")) return false;
          break;
        default:
          if (peek() == '-' || is_digit(peek())) {
            if (!number()) return false;
            break;
          }
          return fail(at_end() ? "unexpected end of input" : "expected a value");
      }
      // After a value: close containers or move to the next element.
      while (true) {
        if (stack.empty()) return true;
        skip_ws();
        const char open = stack.back();
        const char close = open == '{' ? '}' : ']';
        if (peek() == close) {
          ++i_;
          stack.pop_back();
          continue;
        }
        if (peek() != ',') return fail(open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        ++i_;
        if (open == '{') {
          skip_ws();
          if (!member_key()) return false;
        }
        break;
      }
    }
  }

 private:
  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  bool member_key() noexcept {
    if (peek() != '"') return fail("expected member name string");
    if (!string()) return false;
    skip_ws();
    if (peek() != ':') return fail("expected ':'");
    ++i_;
    return true;
  }

  bool hex4(unsigned& cp) noexcept {
    ++i_;  // the 'u'
    if (s_.size() - i_ < 4) return fail("truncated \\u escape");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= static_cast<unsigned>(h - 'A' + 10);
      else return fail("invalid hex digit in \\u escape");
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  const char* what_ = "";
};

}  // namespace detail

/// Check that `text` is exactly one JSON value (surrounded by optional whitespace) per RFC 8259,
/// with strings in valid UTF-8. The error (errc::invalid_json) gives what and where:
/// "expected ',' or '}' at offset 12".
inline result<void> validate(std::string_view text, validate_options opt = {}) {
  detail::scanner sc(text);
  if (!sc.value(opt.max_depth))
    return error{errc::invalid_json, std::string(sc.failure()) + " at offset " + std::to_string(sc.pos())};
  sc.skip_ws();
  if (!sc.at_end()) return error{errc::invalid_json, "trailing characters after the value at offset " + std::to_string(sc.pos())};
  return {};
}

/// True when `text` is valid JSON whose top-level value is an object.
inline bool is_object(std::string_view text, validate_options opt = {}) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  return i < text.size() && text[i] == '{' && validate(text, opt).has_value();
}

}  // namespace tokenmint::json
