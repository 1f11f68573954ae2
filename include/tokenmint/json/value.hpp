// Two escape hatches for parts of a document that a model does not describe:
//  - json::raw keeps a value's exact text (validated), e.g. a UID2 identity exactly as received;
//  - json::value is a small DOM for dynamic parts (HubSpot's `context`, Alterian's `Detail`).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
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
///
/// Stored as a tagged union written out by hand rather than a std::variant: the variant's
/// machinery would be instantiated in every translation unit that reads or writes a model holding
/// a json::value (see docs/benchmarks.md, compile time).
class value {
 public:
  /// The JSON type a value holds.
  enum class kind : unsigned char { null, boolean, number, string, array, object };
  using array_type = std::vector<value>;
  using member = std::pair<std::string, value>;
  using object_type = std::vector<member>;
  /// An empty object with room for a dozen members, for objects built member by member (request
  /// bodies, answers): it saves the regrowths, and keeps g++ 12 at -O2/-O3 from a false
  /// -Warray-bounds on the first `emplace_back` into an empty vector of members.
  static object_type reserved_object() {
    object_type o;
    o.reserve(12);
    return o;
  }

  value() noexcept {}
  value(std::nullptr_t) noexcept {}                                     // NOLINT(google-explicit-constructor)
  value(bool b) noexcept : kind_(kind::boolean) { u_.b = b; }           // NOLINT(google-explicit-constructor)
  value(json::number n) { emplace(kind::number, u_.n, std::move(n)); }  // NOLINT(google-explicit-constructor)
  value(std::string s) { emplace(kind::string, u_.s, std::move(s)); }   // NOLINT(google-explicit-constructor)
  value(std::string_view s) { emplace(kind::string, u_.s, s); }         // NOLINT(google-explicit-constructor)
  value(const char* s) { emplace(kind::string, u_.s, s); }              // NOLINT(google-explicit-constructor)
  value(array_type a) { emplace(kind::array, u_.a, std::move(a)); }     // NOLINT(google-explicit-constructor)
  value(object_type o) { emplace(kind::object, u_.o, std::move(o)); }   // NOLINT(google-explicit-constructor)
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
    emplace(kind::number, u_.n, json::number{std::string(buf, r.ptr)});
  }

  value(const value& other) { copy_from(other); }
  value(value&& other) noexcept { move_from(other); }
  value& operator=(const value& other) {
    if (this != &other) {
      value copy(other);  // strong guarantee: *this is untouched if the copy throws
      reset();
      move_from(copy);
    }
    return *this;
  }
  value& operator=(value&& other) noexcept {
    if (this != &other) {
      reset();
      move_from(other);
    }
    return *this;
  }
  ~value() { reset(); }

  kind type() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == kind::null; }

  const bool* if_bool() const noexcept { return kind_ == kind::boolean ? &u_.b : nullptr; }
  const json::number* if_number() const noexcept { return kind_ == kind::number ? &u_.n : nullptr; }
  const std::string* if_string() const noexcept { return kind_ == kind::string ? &u_.s : nullptr; }
  const array_type* if_array() const noexcept { return kind_ == kind::array ? &u_.a : nullptr; }
  const object_type* if_object() const noexcept { return kind_ == kind::object ? &u_.o : nullptr; }
  bool* if_bool() noexcept { return kind_ == kind::boolean ? &u_.b : nullptr; }
  json::number* if_number() noexcept { return kind_ == kind::number ? &u_.n : nullptr; }
  std::string* if_string() noexcept { return kind_ == kind::string ? &u_.s : nullptr; }
  array_type* if_array() noexcept { return kind_ == kind::array ? &u_.a : nullptr; }
  object_type* if_object() noexcept { return kind_ == kind::object ? &u_.o : nullptr; }

  /// The member named `key` of an object (the last one when the key repeats); null otherwise.
  const value* find(std::string_view key) const noexcept {
    const auto* o = if_object();
    if (o == nullptr) return nullptr;
    for (auto it = o->rbegin(); it != o->rend(); ++it)
      if (it->first == key) return &it->second;
    return nullptr;
  }

  /// Same kind and equal contents; objects compare member by member, in order.
  friend bool operator==(const value& a, const value& b) noexcept {
    if (a.kind_ != b.kind_) return false;
    switch (a.kind_) {
      case kind::null: return true;
      case kind::boolean: return a.u_.b == b.u_.b;
      case kind::number: return a.u_.n == b.u_.n;
      case kind::string: return a.u_.s == b.u_.s;
      case kind::array: return a.u_.a == b.u_.a;
      case kind::object: return a.u_.o == b.u_.o;
    }
    return false;
  }

 private:
  template <class M, class... Args>
  void emplace(kind k, M& member, Args&&... args) {
    ::new (static_cast<void*>(&member)) M(std::forward<Args>(args)...);
    kind_ = k;  // only once constructed: a throwing constructor leaves a null value behind
  }

  void copy_from(const value& o) {
    switch (o.kind_) {
      case kind::null: break;
      case kind::boolean:
        u_.b = o.u_.b;
        kind_ = kind::boolean;
        break;
      case kind::number: emplace(kind::number, u_.n, o.u_.n); break;
      case kind::string: emplace(kind::string, u_.s, o.u_.s); break;
      case kind::array: emplace(kind::array, u_.a, o.u_.a); break;
      case kind::object: emplace(kind::object, u_.o, o.u_.o); break;
    }
  }

  /// Precondition: *this is null. Leaves `o` null.
  void move_from(value& o) noexcept {
    switch (o.kind_) {
      case kind::null: break;
      case kind::boolean:
        u_.b = o.u_.b;
        kind_ = kind::boolean;
        break;
      case kind::number: emplace(kind::number, u_.n, std::move(o.u_.n)); break;
      case kind::string: emplace(kind::string, u_.s, std::move(o.u_.s)); break;
      case kind::array: emplace(kind::array, u_.a, std::move(o.u_.a)); break;
      case kind::object: emplace(kind::object, u_.o, std::move(o.u_.o)); break;
    }
    o.reset();
  }

  void reset() noexcept {
    switch (kind_) {
      case kind::null:
      case kind::boolean: break;
      case kind::number: u_.n.~number(); break;
      case kind::string: u_.s.~basic_string(); break;
      case kind::array: u_.a.~array_type(); break;
      case kind::object: u_.o.~object_type(); break;
    }
    kind_ = kind::null;
  }

  union storage {
    storage() noexcept {}
    ~storage() {}
    bool b;
    json::number n;
    std::string s;
    array_type a;
    object_type o;
  } u_;
  kind kind_ = kind::null;
};

}  // namespace tokenmint::json
