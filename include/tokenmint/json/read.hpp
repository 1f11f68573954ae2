// json::read<T>: a JSON text straight into a plain aggregate, in one pass, without a DOM.
//
// Supported member types: aggregates (nested, reflected), std::string, secret_string (for
// credentials: the reader's scratch copy is wiped), bool, every integer type (exact: fractions,
// exponents and overflow are errors), float/double (correctly rounded), std::optional<T> (missing
// or null), std::vector<T>, std::array<T, N> (exactly N elements), std::map<std::string, T>,
// enums described by json::meta<E>::enumerators, json::raw, json::value.
//
// The whole text is checked against RFC 8259 whatever the target: parts the model skips (unknown
// members) are validated too, so a broken document is an error even when the broken part is unused.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/json/detail/common.hpp>
#include <tokenmint/json/detail/lexer.hpp>
#include <tokenmint/json/reflect.hpp>
#include <tokenmint/json/validate.hpp>
#include <tokenmint/json/value.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
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

/// How `json::read` treats what a model does not describe. The defaults are lenient where
/// services are known to evolve (unknown members) and strict where input can hurt (depth).
struct read_options {
  /// Members the model does not have are skipped (services add fields over time); with this set
  /// they are an error naming the member.
  bool reject_unknown_members = false;
  /// What a member named twice in one object means (RFC 8259 leaves it open).
  duplicate_keys duplicates = duplicate_keys::last_wins;
  /// Arrays and objects nested deeper than this are an error, never a stack overflow.
  std::size_t max_depth = 128;
};

namespace detail {

class reader;

/// How the shared object loop reads one member of a model: type-erased per member *type*, so
/// that models sharing member types share the code (a large part of keeping compile time low).
struct member_reader {
  std::string_view key;            ///< empty: skipped through meta<T>::skip
  bool (*read)(reader&, void*);    ///< reads a value into the member
  void (*reset_if_absent)(void*);  ///< for optional members; null: the member is required
};

template <class M>
bool read_erased(reader& r, void* member);

template <class M>
void reset_erased_if_optional(void* member) {
  if constexpr (is_optional_v<M>) static_cast<M*>(member)->reset();
}

template <class T>
inline constexpr auto member_readers = []<std::size_t... I>(std::index_sequence<I...>) {
  return std::array<member_reader, sizeof...(I)>{
      member_reader{member_keys<T>[I], &read_erased<member_type_t<T, I>>,
                    is_optional_v<member_type_t<T, I>> ? &reset_erased_if_optional<member_type_t<T, I>> : nullptr}...};
}(std::make_index_sequence<member_count<T>>{});

/// One pass over the text, straight into the target: the lexer's tokens, driven by the target's type.
class reader : public lexer {
 public:
  reader(std::string_view text, const read_options& opt) noexcept : lexer(text), opt_(opt) {}

  template <class T>
  bool document(T& out) {
    if (!value(out)) return false;
    ws();
    if (p_ != end_) return fail("trailing characters after the value");
    return true;
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
    } else if constexpr (std::is_same_v<T, secret_string>) {
      return secret_text(out);
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
                    "secret_string, bool, an integer, double, std::optional, std::vector, std::array, "
                    "std::map<std::string, T>, a described enum, json::raw or json::value");
      return false;
    }
  }

 private:
  /// A string into a `secret_string`: the decoded text passes through one scratch string, which
  /// is wiped before it is freed.
  bool secret_text(secret_string& out) {
    if (*p_ != '"') return fail("expected string");
    std::string clear;
    const bool ok = string(clear);
    if (ok) out = secret_string(clear);
    tokenmint::detail::cleanse(clear.data(), clear.capacity());
    return ok;
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
      case 'n': out = nullptr; return literal("null");
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

  const read_options& opt_;
  std::size_t depth_ = 0;
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
