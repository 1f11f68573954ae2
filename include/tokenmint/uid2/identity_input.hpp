// An identifier as the UID2/EUID calls take it (email, phone or their hashes), normalized,
// validated and hashed on construction, so that a raw address never leaves the caller.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/uid2/normalize.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace tokenmint::uid2 {

/// The four identifier keys of the protocol.
enum class identity_kind : unsigned char { email, email_hash, phone, phone_hash };

constexpr std::string_view wire_name(identity_kind k) noexcept {
  switch (k) {
    case identity_kind::email: return "email";
    case identity_kind::email_hash: return "email_hash";
    case identity_kind::phone: return "phone";
    case identity_kind::phone_hash: return "phone_hash";
  }
  return "email_hash";
}

/// One identifier, checked before any network call. By default an email is normalized with the
/// operator's algorithm and hashed, a phone is validated (E.164) and hashed; the `_unhashed`
/// factories send the (normalized or validated) value itself; precomputed hashes are accepted
/// as 44 base64 characters or 64 hex digits. Errors never echo the address or number.
class identity_input {
 public:
  static result<identity_input> from_email(std::string_view email) {
    auto h = hash_email(email);
    if (!h) return std::move(h).error();
    return identity_input(identity_kind::email_hash, std::move(*h));
  }
  static result<identity_input> from_email_unhashed(std::string_view email) {
    auto n = normalize_email(email);
    if (!n) return std::move(n).error();
    return identity_input(identity_kind::email, std::move(*n));
  }
  static result<identity_input> from_phone(std::string_view phone) {
    auto h = hash_phone(phone);
    if (!h) return std::move(h).error();
    return identity_input(identity_kind::phone_hash, std::move(*h));
  }
  static result<identity_input> from_phone_unhashed(std::string_view phone) {
    if (auto ok = validate_phone(phone); !ok) return std::move(ok).error();
    return identity_input(identity_kind::phone, std::string(phone));
  }
  static result<identity_input> from_email_hash(std::string_view hash) {
    auto h = normalize_hash(hash, "email_hash");
    if (!h) return std::move(h).error();
    return identity_input(identity_kind::email_hash, std::move(*h));
  }
  static result<identity_input> from_phone_hash(std::string_view hash) {
    auto h = normalize_hash(hash, "phone_hash");
    if (!h) return std::move(h).error();
    return identity_input(identity_kind::phone_hash, std::move(*h));
  }

  identity_kind kind() const noexcept { return kind_; }
  const std::string& value() const noexcept { return value_; }

 private:
  identity_input(identity_kind k, std::string v) : kind_(k), value_(std::move(v)) {}
  identity_kind kind_;
  std::string value_;
};

}  // namespace tokenmint::uid2
