// result<T>: a value or a tokenmint::error. The normal path never throws.
#pragma once

#include <tokenmint/core/error.hpp>

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace tokenmint {

/// Holds either a `T` or an `error`. `value()` throws `error_with_diagnostics` when it holds an
/// error; `*r` / `r->` are unchecked. Thread-safety: as `std::variant`.
template <class T>
class [[nodiscard]] result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, tokenmint::error>, "result<error> is meaningless");
  static_assert(!std::is_reference_v<T>, "result<T&> is not supported; use result<std::reference_wrapper<T>>");

 public:
  using value_type = T;

  /// An empty result: holds an error whose message says so. Exists because Asio's `co_spawn`
  /// completion signature `void(std::exception_ptr, T)` default-constructs `T` when the
  /// coroutine threw; such a value is never a success.
  result() : v_(std::in_place_index<1>, tokenmint::error{errc::invalid_argument, "empty result (default-constructed)"}) {}

  template <class U = T>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, result> &&
             !std::is_same_v<std::remove_cvref_t<U>, tokenmint::error> && !std::is_same_v<std::remove_cvref_t<U>, errc>)
  result(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}  // NOLINT(google-explicit-constructor)

  template <class... Args>
  explicit result(std::in_place_t, Args&&... args) : v_(std::in_place_index<0>, std::forward<Args>(args)...) {}

  result(tokenmint::error e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT(google-explicit-constructor)
  result(errc c, std::string message = {}) : v_(std::in_place_index<1>, tokenmint::error{c, std::move(message)}) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    check();
    return std::get<0>(v_);
  }
  const T& value() const& {
    check();
    return std::get<0>(v_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(v_));
  }

  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }

  /// Precondition: `!has_value()`.
  const tokenmint::error& error() const& noexcept { return *std::get_if<1>(&v_); }
  tokenmint::error&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }

 private:
  void check() const {
    if (!has_value()) throw error_with_diagnostics(*std::get_if<1>(&v_));
  }
  std::variant<T, tokenmint::error> v_;
};

/// result<void>: success, or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  using value_type = void;

  result() noexcept = default;
  result(tokenmint::error e) : e_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  result(errc c, std::string message = {}) : e_(tokenmint::error{c, std::move(message)}) {}

  bool has_value() const noexcept { return !e_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (e_) throw error_with_diagnostics(*e_);
  }
  const tokenmint::error& error() const& noexcept { return *e_; }
  tokenmint::error&& error() && noexcept { return std::move(*e_); }

 private:
  std::optional<tokenmint::error> e_;
};

}  // namespace tokenmint
