// json::write: a model (or any type json::read accepts) to compact JSON, members in declaration
// order, keys precomputed at compile time.
//
// The output is always valid JSON. Where a value has no JSON form, the lenient entry points
// (`write`, `write_to`) substitute and the strict ones (`try_write`, and `write` into a caller
// buffer) return an error naming the member:
//   - a non-finite double (NaN, infinity)                  -> null
//   - a string that is not valid UTF-8                      -> each bad byte becomes U+FFFD
//   - an enum value missing from meta<E>::enumerators       -> null
//   - a json::raw or json::number whose text is not JSON    -> null (empty raw: null, by design)
#pragma once

#include <tokenmint/codec/utf8.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/json/detail/common.hpp>
#include <tokenmint/json/reflect.hpp>
#include <tokenmint/json/validate.hpp>
#include <tokenmint/json/value.hpp>

#include <charconv>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tokenmint::json {

/// How `json::write` renders what has more than one JSON form.
struct write_options {
  /// Empty std::optional members are omitted; with this set they are written as `null`.
  bool optional_as_null = false;
};

namespace detail {

/// `,"key":` for member I of T, escaped at compile time; the leading comma is dropped for the
/// first member written.
template <class T, std::size_t I>
inline constexpr auto key_prefix = [] {
  constexpr std::string_view k = member_keys<T>[I];
  fixed_name<k.size() * 6 + 4> out;
  auto put = [&](char c) { out.chars[out.size++] = c; };
  put(',');
  put('"');
  for (char c : k) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      put('\\');
      put(c);
    } else if (u < 0x20) {
      constexpr char hex[] = "0123456789abcdef";
      put('\\');
      put('u');
      put('0');
      put('0');
      put(hex[u >> 4]);
      put(hex[u & 15]);
    } else {
      put(c);
    }
  }
  put('"');
  put(':');
  return out;
}();

/// Where the writer puts bytes: appended to a string, or into a fixed buffer (past its end it
/// only counts, so the caller learns the size needed). One type, so the writer is not a template.
class sink {
 public:
  explicit sink(std::string& s) noexcept : str_(&s) {}
  sink(char* p, char* end) noexcept : p_(p), end_(end) {}

  void put(char c) {
    if (str_ != nullptr) {
      str_->push_back(c);
    } else {
      if (p_ != end_) *p_++ = c;
      ++needed_;
    }
  }
  void write(const char* d, std::size_t n) {
    if (str_ != nullptr) {
      str_->append(d, n);
    } else {
      if (static_cast<std::size_t>(end_ - p_) >= n) {
        std::memcpy(p_, d, n);
        p_ += n;
      } else {
        p_ = end_;
      }
      needed_ += n;
    }
  }
  std::size_t needed() const noexcept { return needed_; }

 private:
  std::string* str_ = nullptr;
  char* p_ = nullptr;
  char* end_ = nullptr;
  std::size_t needed_ = 0;
};

class writer;

/// How the shared object loop writes one member: type-erased per member type (see member_reader).
struct member_writer {
  std::string_view prefix;  ///< `,"key":`; empty: skipped through meta<T>::skip
  bool (*write)(writer&, const void*);
  bool (*is_empty_optional)(const void*);  ///< for optional members; null otherwise
};

template <class M>
bool write_erased(writer& w, const void* member);

template <class M>
bool is_empty_optional_erased(const void* member) {
  if constexpr (is_optional_v<M>) return !static_cast<const M*>(member)->has_value();
  else return false;
}

template <class T>
inline constexpr auto member_writers = []<std::size_t... I>(std::index_sequence<I...>) {
  return std::array<member_writer, sizeof...(I)>{
      member_writer{member_keys<T>[I].empty() ? std::string_view{} : key_prefix<T, I>.view(), &write_erased<member_type_t<T, I>>,
                    is_optional_v<member_type_t<T, I>> ? &is_empty_optional_erased<member_type_t<T, I>> : nullptr}...};
}(std::make_index_sequence<member_count<T>>{});

class writer {
 public:
  writer(sink& out, const write_options& opt, bool strict) noexcept : out_(out), opt_(opt), strict_(strict) {}

  error take_error() const { return error{errc::invalid_argument, path_message(path_, what_)}; }

  template <class T>
  bool value(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      v ? out_.write("true", 4) : out_.write("false", 5);
      return true;
    } else if constexpr (std::is_integral_v<T>) {
      char buf[24];
      const auto r = std::to_chars(buf, buf + sizeof buf, v);
      out_.write(buf, static_cast<std::size_t>(r.ptr - buf));
      return true;
    } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
      if (v != v || v - v != 0) return substitute("number is not finite (NaN or infinity)");
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, v);
      out_.write(buf, static_cast<std::size_t>(r.ptr - buf));
      return true;
    } else if constexpr (std::is_same_v<T, std::string>) {
      return string(v);
    } else if constexpr (std::is_same_v<T, secret_string>) {
      return string(v.reveal());  // the wire needs the clear value; printing paths stay redacted
    } else if constexpr (is_optional_v<T>) {
      if (!v) {
        out_.write("null", 4);
        return true;
      }
      return value(*v);
    } else if constexpr (is_vector_v<T> || is_std_array_v<T>) {
      out_.put('[');
      std::size_t i = 0;
      for (const auto& e : v) {
        if (i != 0) out_.put(',');
        if (!value(static_cast<const typename T::value_type&>(e))) {
          path_.push_back(detail::index_segment(i));
          return false;
        }
        ++i;
      }
      out_.put(']');
      return true;
    } else if constexpr (is_string_map_v<T>) {
      out_.put('{');
      bool first = true;
      for (const auto& [k, e] : v) {
        if (!first) out_.put(',');
        first = false;
        if (!string(k) || (out_.put(':'), !value(e))) {
          path_.emplace_back(k.size() > 64 ? k.substr(0, 64) + "..." : k);
          return false;
        }
      }
      out_.put('}');
      return true;
    } else if constexpr (std::is_enum_v<T>) {
      static_assert(described_enum<T>,
                    "tokenmint::json: an enum is written by name; give json::meta<E> a member "
                    "`enumerators` (pairs of value and string)");
      for (const auto& [e, s] : meta<T>::enumerators) {
        if (e == v) return string(std::string_view(s));
      }
      return substitute("enum value not in json::meta<E>::enumerators");
    } else if constexpr (std::is_same_v<T, raw>) {
      if (v.text.empty()) {
        out_.write("null", 4);
        return true;
      }
      if (!validate(v.text).has_value()) return substitute("json::raw does not hold valid JSON");
      out_.write(v.text.data(), v.text.size());
      return true;
    } else if constexpr (std::is_same_v<T, json::value>) {
      return dom(v);
    } else if constexpr (model<T>) {
      return object(v);
    } else {
      static_assert(dependent_false_v<T>,
                    "tokenmint::json::write: unsupported member type. Use a model struct, std::string, "
                    "bool, an integer, double, std::optional, std::vector, std::array, "
                    "std::map<std::string, T>, a described enum, json::raw or json::value");
      return false;
    }
  }

 private:
  /// A value with no JSON form: null when lenient, an error when strict.
  TOKENMINT_NOINLINE bool substitute(const char* what) {
    if (strict_) {
      what_ = what;
      return false;
    }
    out_.write("null", 4);
    return true;
  }

  TOKENMINT_NOINLINE bool string(std::string_view s) {
    out_.put('"');
    const char* p = s.data();
    const char* const end = p + s.size();
    const char* run = p;
    while (true) {
      p = skip_plain_string_bytes(p, end);
      if (p == end) break;
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"' || c == '\\') {
        out_.write(run, static_cast<std::size_t>(p - run));
        out_.put('\\');
        out_.put(static_cast<char>(c));
        run = ++p;
      } else if (c < 0x20) {
        out_.write(run, static_cast<std::size_t>(p - run));
        switch (c) {
          case '\b': out_.write("\\b", 2); break;
          case '\f': out_.write("\\f", 2); break;
          case '\n': out_.write("\\n", 2); break;
          case '\r': out_.write("\\r", 2); break;
          case '\t': out_.write("\\t", 2); break;
          default: {
            constexpr char hex[] = "0123456789abcdef";
            const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out_.write(u, 6);
          }
        }
        run = ++p;
      } else {
        const std::size_t n = utf8::sequence_length(s, static_cast<std::size_t>(p - s.data()));
        if (n != 0) {
          p += n;
          continue;
        }
        if (strict_) {
          what_ = "string is not valid UTF-8";
          return false;
        }
        out_.write(run, static_cast<std::size_t>(p - run));
        out_.write("\xEF\xBF\xBD", 3);  // U+FFFD REPLACEMENT CHARACTER
        run = ++p;
      }
    }
    out_.write(run, static_cast<std::size_t>(p - run));
    out_.put('"');
    return true;
  }

  TOKENMINT_NOINLINE bool dom(const json::value& v) {
    switch (v.type()) {
      case json::value::kind::null: out_.write("null", 4); return true;
      case json::value::kind::boolean: return value(*v.if_bool());
      case json::value::kind::number: {
        const std::string& t = v.if_number()->text;
        scanner sc(t);
        if (t.empty() || !sc.number() || !sc.at_end()) return substitute("json::number does not hold a JSON number");
        out_.write(t.data(), t.size());
        return true;
      }
      case json::value::kind::string: return string(*v.if_string());
      case json::value::kind::array: return value(*v.if_array());
      case json::value::kind::object: {
        out_.put('{');
        bool first = true;
        for (const auto& [k, e] : *v.if_object()) {
          if (!first) out_.put(',');
          first = false;
          if (!string(k) || (out_.put(':'), !dom(e))) {
            path_.emplace_back(k.size() > 64 ? k.substr(0, 64) + "..." : k);
            return false;
          }
        }
        out_.put('}');
        return true;
      }
    }
    return false;
  }

  template <class T>
  bool object(const T& v) {
    constexpr const auto& members = member_writers<T>;
    const void* addresses[members.size() + 1];
    json::detail::visit_member_addresses<members.size()>(v, [&](const auto*... p) {
      std::size_t i = 0;
      ((addresses[i++] = p), ...);
    });
    return object(members.data(), members.size(), addresses);
  }

  /// The object loop, shared by every model.
  TOKENMINT_NOINLINE bool object(const member_writer* members, std::size_t n, const void* const* addresses) {
    out_.put('{');
    bool first = true;
    for (std::size_t i = 0; i < n; ++i) {
      const member_writer& m = members[i];
      if (m.prefix.empty()) continue;  // skipped through meta<T>::skip
      if (m.is_empty_optional != nullptr && !opt_.optional_as_null && m.is_empty_optional(addresses[i])) continue;
      const std::size_t skip = first ? 1 : 0;
      out_.write(m.prefix.data() + skip, m.prefix.size() - skip);
      first = false;
      if (!m.write(*this, addresses[i])) {
        // The key as written, without `,"` and `":`.
        path_.emplace_back(m.prefix.substr(2, m.prefix.size() - 4));
        return false;
      }
    }
    out_.put('}');
    return true;
  }

  sink& out_;
  const write_options& opt_;
  bool strict_;
  const char* what_ = "";
  std::vector<std::string> path_;
};

template <class M>
bool write_erased(writer& w, const void* member) {
  return w.value(*static_cast<const M*>(member));
}

}  // namespace detail

/// Appends the JSON of `v` to `out` (lenient: see the top of this header). Reusing `out` across
/// calls makes this allocation-free in steady state.
template <class T>
void write_to(std::string& out, const T& v, const write_options& opt = {}) {
  detail::sink sink(out);
  detail::writer w(sink, opt, false);
  (void)w.value(v);
}

/// The JSON of `v` (lenient: see the top of this header).
template <class T>
std::string write(const T& v, const write_options& opt = {}) {
  std::string out;
  write_to(out, v, opt);
  return out;
}

/// The JSON of `v`, or errc::invalid_argument naming the member that has no JSON form.
template <class T>
result<std::string> try_write(const T& v, const write_options& opt = {}) {
  std::string out;
  detail::sink sink(out);
  detail::writer w(sink, opt, true);
  if (!w.value(v)) return w.take_error();
  return out;
}

/// Writes the JSON of `v` into `buffer` (strict) and returns its length. errc::buffer_too_small
/// says how many bytes are needed; the buffer's contents are then unspecified.
template <class T>
result<std::size_t> write(const T& v, std::span<char> buffer, const write_options& opt = {}) {
  detail::sink sink(buffer.data(), buffer.data() + buffer.size());
  detail::writer w(sink, opt, true);
  if (!w.value(v)) return w.take_error();
  if (sink.needed() > buffer.size())
    return error{errc::buffer_too_small,
                 "JSON output needs " + std::to_string(sink.needed()) + " bytes, buffer has " + std::to_string(buffer.size())};
  return sink.needed();
}

}  // namespace tokenmint::json
