// Two escape hatches for parts of a document that a model does not describe:
//  - json::raw keeps a value's exact text (validated), e.g. a UID2 identity exactly as received;
//  - json::value is a small DOM for dynamic parts (HubSpot's `context`, Alterian's `Detail`).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace tokenmint::json {

/// A JSON value kept as the exact text it was read from (whitespace inside it included) and written
/// back verbatim. Reading validates it; a default-constructed raw (empty text) is written as `null`.
struct raw {
  std::string text;
  bool operator==(const raw&) const = default;
};

/// A JSON number kept as its text, so that no digit is lost (64-bit ids, big decimals) until the
/// caller decides how to read it.
struct number {
  std::string text;  ///< as in the document, e.g. "-12.5e3"

  /// The nearest double; nullopt when the text is not a number or too large for a double.
  std::optional<double> to_double() const noexcept {
    double d = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
    return d;
  }
  /// The exact integer; nullopt for fractions, exponents or values outside int64.
  std::optional<std::int64_t> to_int64() const noexcept {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
    return v;
  }
  bool operator==(const number&) const = default;
};

/// A JSON document tree. Objects keep their members in document order, duplicates included
/// (`find` returns the last one, so "last wins"); numbers keep their text.
class value {
 public:
  enum class kind : unsigned char { null, boolean, number, string, array, object };
  using array_type = std::vector<value>;
  using member = std::pair<std::string, value>;
  using object_type = std::vector<member>;

  value() noexcept = default;
  value(std::nullptr_t) noexcept {}                               // NOLINT(google-explicit-constructor)
  value(bool b) noexcept : v_(b) {}                               // NOLINT(google-explicit-constructor)
  value(json::number n) : v_(std::move(n)) {}                     // NOLINT(google-explicit-constructor)
  value(std::string s) : v_(std::move(s)) {}                      // NOLINT(google-explicit-constructor)
  value(std::string_view s) : v_(std::string(s)) {}               // NOLINT(google-explicit-constructor)
  value(const char* s) : v_(std::string(s)) {}                    // NOLINT(google-explicit-constructor)
  value(array_type a) : v_(std::move(a)) {}                       // NOLINT(google-explicit-constructor)
  value(object_type o) : v_(std::move(o)) {}                      // NOLINT(google-explicit-constructor)
  /// Integers and doubles become numbers (shortest round-trip text). Non-finite doubles have no
  /// JSON form and become null.
  template <class N>
    requires(std::is_arithmetic_v<N> && !std::is_same_v<N, bool> && !std::is_same_v<N, char>)
  value(N n) {  // NOLINT(google-explicit-constructor)
    if constexpr (std::is_floating_point_v<N>) {
      if (n != n || n - n != 0) return;  // NaN or infinity: stays null
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    v_ = json::number{std::string(buf, r.ptr)};
  }

  kind type() const noexcept { return static_cast<kind>(v_.index()); }
  bool is_null() const noexcept { return type() == kind::null; }

  const bool* if_bool() const noexcept { return std::get_if<bool>(&v_); }
  const json::number* if_number() const noexcept { return std::get_if<json::number>(&v_); }
  const std::string* if_string() const noexcept { return std::get_if<std::string>(&v_); }
  const array_type* if_array() const noexcept { return std::get_if<array_type>(&v_); }
  const object_type* if_object() const noexcept { return std::get_if<object_type>(&v_); }
  bool* if_bool() noexcept { return std::get_if<bool>(&v_); }
  json::number* if_number() noexcept { return std::get_if<json::number>(&v_); }
  std::string* if_string() noexcept { return std::get_if<std::string>(&v_); }
  array_type* if_array() noexcept { return std::get_if<array_type>(&v_); }
  object_type* if_object() noexcept { return std::get_if<object_type>(&v_); }

  /// The member named `key` of an object (the last one when the key repeats); null otherwise.
  const value* find(std::string_view key) const noexcept {
    const auto* o = if_object();
    if (o == nullptr) return nullptr;
    for (auto it = o->rbegin(); it != o->rend(); ++it)
      if (it->first == key) return &it->second;
    return nullptr;
  }

  bool operator==(const value&) const = default;

 private:
  std::variant<std::monostate, bool, json::number, std::string, array_type, object_type> v_;
};

}  // namespace tokenmint::json
