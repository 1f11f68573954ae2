// secret<T>: key material and tokens that are wiped on destruction and never printed.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <tokenmint/core/result.hpp>
#include <tokenmint/detail/cleanse.hpp>

#include <array>
#include <cstdlib>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tokenmint {

namespace detail {

template <class T>
concept contiguous_bytes = requires(T& t) {
  { t.data() };
  { t.size() } -> std::convertible_to<std::size_t>;
} && std::is_trivially_copyable_v<std::remove_pointer_t<decltype(std::declval<T&>().data())>>;

}  // namespace detail

/// The redacted form every printing path shows instead of a secret's value.
inline constexpr std::string_view redacted = "<redacted>";

/// Owns a secret value (API key, client secret, token, key bytes). Contract:
/// - the value's bytes are overwritten with `detail::cleanse` when the secret is destroyed,
///   assigned over, or moved from (a moved-from secret is empty);
/// - no streaming or formatting path prints it: `operator<<` and `to_string` give `<redacted>`;
///   the only way to the clear value is the explicit `reveal()`;
/// - construct it with its final value: growing the held container may leave copies behind.
/// Thread-safety: as the held type.
template <detail::contiguous_bytes T>
class secret {
 public:
  using value_type = T;

  secret() = default;
  explicit secret(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : value_(std::move(value)) {}

  // Copies on move on purpose: moving a short std::string copies its inline buffer and leaves
  // the bytes in the source, so the source is wiped explicitly instead of relying on the move.
  secret(const secret& other) : value_(other.value_) {}
  secret(secret&& other) noexcept(std::is_nothrow_copy_constructible_v<T>) : value_(other.value_) { other.wipe(); }
  secret& operator=(const secret& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  secret& operator=(secret&& other) noexcept(std::is_nothrow_copy_assignable_v<T>) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
      other.wipe();
    }
    return *this;
  }
  ~secret() { wipe(); }

  /// The value in clear. Every use of it is a place where the secret can leak: keep it short.
  const T& reveal() const noexcept { return value_; }

  bool empty() const noexcept { return value_.size() == 0; }
  std::size_t size() const noexcept { return value_.size(); }

  /// Overwrite the value now; a resizable container is left empty.
  void wipe() noexcept {
    detail::cleanse(value_.data(), value_.size() * sizeof(*value_.data()));
    if constexpr (requires { value_.clear(); }) value_.clear();
  }

  friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << redacted; }
  friend std::string to_string(const secret&) { return std::string(redacted); }

 private:
  T value_{};
};

/// A secret key of N bytes (e.g. `secret_bytes<32>` for AES-256).
template <std::size_t N>
using secret_bytes = secret<std::array<std::uint8_t, N>>;

/// A secret string (API key, base64 client secret, token).
using secret_string = secret<std::string>;

/// A credential from the environment variable `name` (keeps it out of argv, which `ps` shows):
/// `errc::invalid_argument` naming the variable when it is unset or empty, never a crash
/// (`std::string(std::getenv(name))` is undefined behaviour when the variable is unset).
/// Reads the environment: not safe against a concurrent `setenv`, like `std::getenv` itself.
inline result<secret_string> secret_from_env(const char* name) {
  const char* value = name ? std::getenv(name) : nullptr;
  if (value == nullptr || *value == '\0')
    return error{errc::invalid_argument, std::string("environment variable ") + (name ? name : "(null)") + " is not set"};
  return secret_string(std::string(value));
}

}  // namespace tokenmint
