// json::read<T>: a JSON text straight into a plain aggregate, in one pass, without a DOM.
//
// Supported member types: aggregates (nested, reflected), std::string, bool, every integer type
// (exact: fractions, exponents and overflow are errors), float/double (correctly rounded),
// std::optional<T> (missing or null), std::vector<T>, std::array<T, N> (exactly N elements),
// std::map<std::string, T>, enums described by json::meta<E>::enumerators, json::raw, json::value.
//
// The whole text is checked against RFC 8259 whatever the target: parts the model skips (unknown
// members) are validated too, so a broken document is an error even when the broken part is unused.
#pragma once

#include <tokenmint/codec/utf8.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/json/reflect.hpp>
#include <tokenmint/json/validate.hpp>
#include <tokenmint/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tokenmint::json {

/// What to do when an object names the same member twice (RFC 8259 leaves it open).
enum class duplicate_keys {
  last_wins,  ///< the last occurrence is kept (what most parsers, and JavaScript, do)
  error,      ///< the document is rejected
};

struct read_options {
  /// Members the model does not have are skipped (services add fields over time); with this set
  /// they are an error naming the member.
  bool reject_unknown_members = false;
  duplicate_keys duplicates = duplicate_keys::last_wins;
  /// Arrays and objects nested deeper than this are an error, never a stack overflow.
  std::size_t max_depth = 128;
};

namespace detail {

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = true;

template <class T>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;

template <class T>
inline constexpr bool is_string_map_v = false;
template <class T, class C, class A>
inline constexpr bool is_string_map_v<std::map<std::string, T, C, A>> = true;

template <class T>
inline constexpr bool dependent_false_v = false;

/// A model type: an aggregate struct that reflection can take apart.
template <class T>
concept model = std::is_class_v<T> && std::is_aggregate_v<T> && !std::is_union_v<T> && !is_std_array_v<T>;

/// Advances over bytes that need no attention in a string: not '"', '\\', a control character or
/// a non-ASCII byte. Eight bytes at a time (SWAR), then byte by byte.
inline const char* skip_plain_string_bytes(const char* p, const char* end) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t q = w ^ (ones * '"');
    const std::uint64_t b = w ^ (ones * '\\');
    const std::uint64_t special =
        ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
    if ((special & highs) != 0) break;
    p += 8;
  }
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    ++p;
  }
  return p;
}

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

class reader;

/// How the shared object loop reads one member of a model: type-erased per member *type*, so
/// that models sharing member types share the code (a large part of keeping compile time low).
struct member_reader {
  std::string_view key;                ///< empty: skipped through meta<T>::skip
  bool (*read)(reader&, void*);        ///< reads a value into the member
  void (*reset_if_absent)(void*);      ///< for optional members; null: the member is required
};

template <class M>
bool read_erased(reader& r, void* member);

template <class M>
void reset_erased_if_optional(void* member) {
  if constexpr (is_optional_v<M>) static_cast<M*>(member)->reset();
}

/// The type of member I of T.
template <class T, std::size_t I>
using member_type_t = std::remove_cvref_t<decltype(*member_pointer<T, member_count<T>, I>())>;

template <class T>
inline constexpr auto member_readers = []<std::size_t... I>(std::index_sequence<I...>) {
  return std::array<member_reader, sizeof...(I)>{member_reader{
      member_keys<T>[I], &read_erased<member_type_t<T, I>>,
      is_optional_v<member_type_t<T, I>> ? &reset_erased_if_optional<member_type_t<T, I>> : nullptr}...};
}(std::make_index_sequence<member_count<T>>{});

/// One pass over the text, straight into the target. Functions return false on the first error,
/// which is kept (what, where) while the callers add the member path on the way out.
class reader {
 public:
  reader(std::string_view text, const read_options& opt) noexcept
      : text_(text), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), opt_(opt) {}

  template <class T>
  bool document(T& out) {
    if (!value(out)) return false;
    ws();
    if (p_ != end_) return fail("trailing characters after the value");
    return true;
  }

  error take_error() const {
    std::string msg;
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
      if (!it->empty() && it->front() != '[' && !msg.empty()) msg += '.';
      msg += *it;
    }
    if (!msg.empty()) msg += ": ";
    msg += what_;
    msg += " at offset ";
    msg += std::to_string(err_at_);
    return error{errc::invalid_json, std::move(msg)};
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  template <class T>
  bool value(T& out) {
    ws();
    if (p_ == end_) return fail("unexpected end of input");
    if constexpr (std::is_same_v<T, bool>) {
      return boolean(out);
    } else if constexpr (std::is_integral_v<T>) {
      return integer(out);
    } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
      return floating(out);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (*p_ != '"') return fail("expected string");
      return string(out);
    } else if constexpr (is_optional_v<T>) {
      if (*p_ == 'n') {
        if (!literal("null")) return false;
        out.reset();
        return true;
      }
      if (!out) out.emplace();
      return value(*out);
    } else if constexpr (is_vector_v<T>) {
      return vector(out);
    } else if constexpr (is_std_array_v<T>) {
      return fixed_array(out);
    } else if constexpr (is_string_map_v<T>) {
      return map(out);
    } else if constexpr (std::is_enum_v<T>) {
      static_assert(described_enum<T>,
                    "tokenmint::json: an enum is read by name; give json::meta<E> a member "
                    "`enumerators` (pairs of value and string)");
      return enumeration(out);
    } else if constexpr (std::is_same_v<T, raw>) {
      return raw_text(out);
    } else if constexpr (std::is_same_v<T, json::value>) {
      return dom(out);
    } else if constexpr (model<T>) {
      return object(out);
    } else {
      static_assert(dependent_false_v<T>,
                    "tokenmint::json::read: unsupported member type. Use a model struct, std::string, "
                    "bool, an integer, double, std::optional, std::vector, std::array, "
                    "std::map<std::string, T>, a described enum, json::raw or json::value");
      return false;
    }
  }

 private:
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
  TOKENMINT_NOINLINE void in_element(std::size_t i) { path_.push_back("[" + std::to_string(i) + "]"); }

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

  /// Checks the number grammar from p_ and moves past it. `integral` is set when there is no
  /// fraction and no exponent.
  TOKENMINT_NOINLINE bool number_token(bool& integral) {
    const char* const start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !digit(*p_)) return fail_at(start, "expected a number");
    if (*p_ == '0') {
      ++p_;
      if (p_ != end_ && digit(*p_)) return fail("leading zero in number");
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    integral = true;
    if (p_ != end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) return fail("expected digit after decimal point");
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return fail("expected digit in exponent");
      while (p_ != end_ && digit(*p_)) ++p_;
    }
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

  // ---- containers -------------------------------------------------------------------------------

  bool enter(char open, const char* expected) {
    if (*p_ != open) return fail(expected);
    if (depth_ >= opt_.max_depth) return fail("nesting deeper than the limit");
    ++depth_;
    ++p_;
    ws();
    if (p_ == end_) return fail("unexpected end of input");  // callers look at *p_ next
    return true;
  }

  /// After an element: ',' (true, more follows) or the closing bracket (true, done = true).
  bool next(char close, bool& done, const char* expected) {
    ws();
    if (p_ != end_ && *p_ == ',') {
      ++p_;
      ws();
      return true;
    }
    if (p_ != end_ && *p_ == close) {
      ++p_;
      --depth_;
      done = true;
      return true;
    }
    return fail(expected);
  }

  template <class T>
  bool element(T& out, std::size_t index) {
    if (value(out)) return true;
    in_element(index);
    return false;
  }

  template <class V>
  bool vector(V& out) {
    if (!enter('[', "expected array")) return false;
    out.clear();
    if (*p_ == ']') {
      ++p_;
      --depth_;
      return true;
    }
    for (bool done = false; !done;) {
      if constexpr (std::is_same_v<typename V::value_type, bool>) {
        bool b = false;
        if (!element(b, out.size())) return false;
        out.push_back(b);
      } else {
        auto& e = out.emplace_back();
        if (!element(e, out.size() - 1)) return false;
      }
      if (!next(']', done, "expected ',' or ']'")) return false;
    }
    return true;
  }

  template <class A>
  bool fixed_array(A& out) {
    const char* const start = p_;
    if (!enter('[', "expected array")) return false;
    std::size_t n = 0;
    if (*p_ == ']') {
      ++p_;
      --depth_;
    } else {
      for (bool done = false; !done; ++n) {
        if (n == out.size()) return fail_at(start, "array has more elements than expected");
        if (!element(out[n], n)) return false;
        if (!next(']', done, "expected ',' or ']'")) return false;
      }
    }
    if (n != out.size()) return fail_at(start, "array has fewer elements than expected");
    return true;
  }

  template <class M>
  bool map(M& out) {
    if (!enter('{', "expected object")) return false;
    out.clear();
    if (*p_ == '}') {
      ++p_;
      --depth_;
      return true;
    }
    for (bool done = false; !done;) {
      if (p_ == end_ || *p_ != '"') return fail("expected member name");
      const char* const at = p_;
      std::string k;
      if (!string(k)) return false;
      ws();
      if (p_ == end_ || *p_ != ':') return fail("expected ':'");
      ++p_;
      auto [it, inserted] = out.try_emplace(std::move(k));
      if (!inserted) {
        if (opt_.duplicates == duplicate_keys::error) {
          in_member(it->first);
          return fail_at(at, "duplicate member");
        }
        it->second = typename M::mapped_type{};
      }
      if (!value(it->second)) {
        in_member(it->first);
        return false;
      }
      if (!next('}', done, "expected ',' or '}'")) return false;
    }
    return true;
  }

  template <class E>
  bool enumeration(E& out) {
    const char* const at = p_;
    std::string_view name;
    if (*p_ != '"') return fail("expected string");
    if (!key(name)) return false;
    for (const auto& [v, s] : meta<E>::enumerators) {
      if (std::string_view(s) == name) {
        out = v;
        return true;
      }
    }
    return fail_at(at, "unknown enum value");
  }

  TOKENMINT_NOINLINE bool raw_text(raw& out) {
    const char* const start = p_;
    scanner sc(text_, static_cast<std::size_t>(p_ - begin_));
    if (!sc.value(opt_.max_depth - depth_)) return fail_at(begin_ + sc.pos(), sc.failure());
    p_ = begin_ + sc.pos();
    out.text.assign(start, p_);
    return true;
  }

  TOKENMINT_NOINLINE bool skip() {
    scanner sc(text_, static_cast<std::size_t>(p_ - begin_));
    if (!sc.value(opt_.max_depth - depth_)) return fail_at(begin_ + sc.pos(), sc.failure());
    p_ = begin_ + sc.pos();
    return true;
  }

  TOKENMINT_NOINLINE bool dom(json::value& out) {
    switch (*p_) {
      case 'n':
        out = nullptr;
        return literal("null");
      case 't':
      case 'f': {
        bool b = false;
        if (!boolean(b)) return false;
        out = b;
        return true;
      }
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case '[': {
        if (!enter('[', "expected array")) return false;
        json::value::array_type a;
        if (*p_ == ']') {
          ++p_;
          --depth_;
        } else {
          for (bool done = false; !done;) {
            auto& e = a.emplace_back();
            if (!element(e, a.size() - 1)) return false;
            if (!next(']', done, "expected ',' or ']'")) return false;
          }
        }
        out = std::move(a);
        return true;
      }
      case '{': {
        const char* const open = p_;
        if (!enter('{', "expected object")) return false;
        json::value::object_type o;
        if (*p_ == '}') {
          ++p_;
          --depth_;
        } else {
          for (bool done = false; !done;) {
            if (p_ == end_ || *p_ != '"') return fail("expected member name");
            auto& m = o.emplace_back();
            if (!string(m.first)) return false;
            ws();
            if (p_ == end_ || *p_ != ':') return fail("expected ':'");
            ++p_;
            if (!value(m.second)) {
              in_member(m.first);
              return false;
            }
            if (!next('}', done, "expected ',' or '}'")) return false;
          }
        }
        if (opt_.duplicates == duplicate_keys::error && o.size() > 1) {
          std::vector<std::string_view> names;
          names.reserve(o.size());
          for (const auto& m : o) names.emplace_back(m.first);
          std::sort(names.begin(), names.end());
          const auto dup = std::adjacent_find(names.begin(), names.end());
          if (dup != names.end()) {
            in_member(*dup);
            return fail_at(open, "duplicate member");
          }
        }
        out = std::move(o);
        return true;
      }
      default:
        if (*p_ == '-' || digit(*p_)) {
          const char* const start = p_;
          bool integral = false;
          if (!number_token(integral)) return false;
          out = json::number{std::string(start, p_)};
          return true;
        }
        return fail("expected a value");
    }
  }

  template <class T>
  bool object(T& out) {
    constexpr const auto& members = member_readers<T>;
    void* addresses[members.size() + 1];
    json::detail::visit_member_addresses<members.size()>(out, [&](auto*... p) {
      std::size_t i = 0;
      ((addresses[i++] = p), ...);
    });
    return object(members.data(), members.size(), addresses);
  }

  /// The object loop, shared by every model: `members` describes each member (key, how to read
  /// it, whether it may be absent) and `addresses` points at each member of the target.
  TOKENMINT_NOINLINE bool object(const member_reader* members, std::size_t n, void* const* addresses) {
    if (!enter('{', "expected object")) return false;
    std::array<std::uint64_t, (max_members + 63) / 64> seen{};
    if (*p_ == '}') {
      ++p_;
      --depth_;
    } else {
      std::size_t hint = 0;  // documents usually list members in declaration order
      for (bool done = false; !done;) {
        const char* const at = p_;
        std::string_view k;
        if (!key(k)) return false;
        ws();
        if (p_ == end_ || *p_ != ':') return fail("expected ':'");
        ++p_;
        std::size_t idx = n;
        for (std::size_t j = 0; j < n; ++j) {
          const std::size_t i = hint + j < n ? hint + j : hint + j - n;
          if (members[i].key.size() == k.size() && !members[i].key.empty() && members[i].key == k) {
            idx = i;
            break;
          }
        }
        if (idx == n) {
          if (opt_.reject_unknown_members) {
            in_member(k);
            return fail_at(at, "unknown member");
          }
          if (!skip()) {
            in_member(k);
            return false;
          }
        } else {
          hint = idx + 1 == n ? 0 : idx + 1;
          const std::uint64_t bit = std::uint64_t{1} << (idx % 64);
          if ((seen[idx / 64] & bit) != 0 && opt_.duplicates == duplicate_keys::error) {
            in_member(members[idx].key);
            return fail_at(at, "duplicate member");
          }
          seen[idx / 64] |= bit;
          if (!members[idx].read(*this, addresses[idx])) {
            in_member(members[idx].key);
            return false;
          }
        }
        if (!next('}', done, "expected ',' or '}'")) return false;
      }
    }
    // Members the document did not have: optional ones become empty, required ones are an error.
    for (std::size_t i = 0; i < n; ++i) {
      if (members[i].key.empty() || (seen[i / 64] & (std::uint64_t{1} << (i % 64))) != 0) continue;
      if (members[i].reset_if_absent == nullptr) {
        in_member(members[i].key);
        return fail_at(p_ - 1, "missing required member");
      }
      members[i].reset_if_absent(addresses[i]);
    }
    return true;
  }

  std::string_view text_;
  const char* const begin_;
  const char* p_;
  const char* const end_;
  const read_options& opt_;
  std::size_t depth_ = 0;
  std::string scratch_;  // escaped member names only
  const char* what_ = "";
  std::size_t err_at_ = 0;
  std::vector<std::string> path_;  // innermost first; filled only on error
};

template <class M>
bool read_erased(reader& r, void* member) {
  return r.value(*static_cast<M*>(member));
}

}  // namespace detail

/// Reads `text` into a new T. Errors are errc::invalid_json with the member path and byte offset:
/// "body.refresh_from: expected integer at offset 57".
template <class T>
result<T> read(std::string_view text, const read_options& opt = {}) {
  T out{};
  detail::reader r(text, opt);
  if (!r.document(out)) return r.take_error();
  return out;
}

/// Reads `text` into an existing `out`, reusing its strings' and vectors' capacity (no allocation
/// in steady state). On error `out` is left partly assigned.
template <class T>
result<void> read_into(T& out, std::string_view text, const read_options& opt = {}) {
  detail::reader r(text, opt);
  if (!r.document(out)) return r.take_error();
  return {};
}

}  // namespace tokenmint::json
