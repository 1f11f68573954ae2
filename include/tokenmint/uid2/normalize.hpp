// Email normalization, phone validation and identity hashing, exactly as the UID2/EUID operator
// does them (protocol page, section 3).
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/codec/hex.hpp>
#include <tokenmint/codec/utf8.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/sha256.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace tokenmint::uid2 {

/// Characters of a hashed identity: base64 of a SHA-256 digest.
inline constexpr std::size_t hash_size = 44;

/// Normalize an email address with the operator's algorithm (InputUtil.normalizeEmailString):
/// only ASCII A-Z are lower-cased; every space before the first '@' is dropped; in the domain,
/// spaces are kept only when a non-space follows; for the domain `gmail.com` the local part loses
/// every '.' and everything from the first '+'. Errors (errc::invalid_email) name the reason but
/// never echo the address: a second '@', no '@', an empty domain, an empty local part, or bytes
/// that are not UTF-8 (the operator would see U+FFFD there and hash something else).
inline result<std::string> normalize_email(std::string_view email) {
  if (const std::size_t bad = utf8::find_invalid(email); bad != std::string_view::npos)
    return error{errc::invalid_email, "email: not valid UTF-8 at byte " + std::to_string(bad)};
  std::string local, local_gmail, domain;
  local.reserve(email.size());
  local_gmail.reserve(email.size());
  domain.reserve(email.size());
  std::size_t pending_spaces = 0;
  bool in_domain = false, in_extension = false;
  for (const char given : email) {
    const char c = (given >= 'A' && given <= 'Z') ? static_cast<char>(given + ('a' - 'A')) : given;
    if (!in_domain) {
      if (c == ' ') continue;
      if (c == '@') {
        in_domain = true;
      } else if (c == '.') {
        local += c;
      } else if (c == '+') {
        local += c;
        in_extension = true;
      } else {
        local += c;
        if (!in_extension) local_gmail += c;
      }
      continue;
    }
    if (c == '@') return error{errc::invalid_email, "email: more than one '@'"};
    if (c == ' ') {
      ++pending_spaces;
      continue;
    }
    domain.append(pending_spaces, ' ');
    pending_spaces = 0;
    domain += c;
  }
  if (!in_domain) return error{errc::invalid_email, "email: no '@'"};
  if (domain.empty()) return error{errc::invalid_email, "email: empty domain"};
  std::string& chosen = (domain == "gmail.com") ? local_gmail : local;
  if (chosen.empty()) return error{errc::invalid_email, "email: empty local part"};
  chosen += '@';
  chosen += domain;
  return std::move(chosen);
}

/// E.164 as the operator checks it: '+' then 10 to 15 ASCII digits, nothing else.
inline result<void> validate_phone(std::string_view phone) {
  if (phone.empty() || phone[0] != '+')
    return error{errc::invalid_phone, "phone: must start with '+' (E.164, e.g. +12345678901)"};
  const std::size_t digits = phone.size() - 1;
  for (std::size_t i = 1; i < phone.size(); ++i)
    if (phone[i] < '0' || phone[i] > '9')
      return error{errc::invalid_phone, "phone: only digits may follow '+' (offset " + std::to_string(i) + ")"};
  if (digits < 10 || digits > 15)
    return error{errc::invalid_phone, "phone: expected 10 to 15 digits after '+', got " + std::to_string(digits)};
  return {};
}

/// base64(SHA-256(UTF-8 bytes)) into a fixed buffer: the identity hash the operator expects.
inline errc hash_identity(std::string_view normalized, std::array<char, hash_size>& out) noexcept {
  crypto::sha256_digest d{};
  if (const errc e = crypto::sha256(as_bytes(normalized), d); e != errc{}) return e;
  (void)base64::encode(d, std::span<char>(out));
  return {};
}

inline result<std::string> hash_identity(std::string_view normalized) {
  std::array<char, hash_size> out{};
  if (const errc e = hash_identity(normalized, out); e != errc{}) return error{e, "sha256 failed"};
  return std::string(out.data(), out.size());
}

/// Normalize, then hash: what to send as `email_hash`.
inline result<std::string> hash_email(std::string_view email) {
  auto normalized = normalize_email(email);
  if (!normalized) return std::move(normalized).error();
  return hash_identity(*normalized);
}

/// Validate, then hash: what to send as `phone_hash`.
inline result<std::string> hash_phone(std::string_view phone) {
  if (auto v = validate_phone(phone); !v) return std::move(v).error();
  return hash_identity(phone);
}

/// Accept a precomputed hash as the operator does: 44 base64 characters of 32 bytes are kept;
/// 64 hex digits are converted to base64. Anything else fails with errc::invalid_argument,
/// `field` naming the input ("email_hash" or "phone_hash").
inline result<std::string> normalize_hash(std::string_view hash, std::string_view field) {
  std::array<std::uint8_t, 33> bytes{};
  if (hash.size() == hash_size) {
    const codec_result r = base64::decode(hash, std::span<std::uint8_t>(bytes));
    if (r && r.size == 32) return std::string(hash);
  } else if (hash.size() == 64) {
    const codec_result r = hex::decode(hash, std::span<std::uint8_t>(bytes));
    if (r) return base64::encode(std::span<const std::uint8_t>(bytes.data(), 32));
  }
  return error{errc::invalid_argument,
               std::string(field) + ": expected a SHA-256 digest as 44 base64 characters or 64 hex digits"};
}

}  // namespace tokenmint::uid2
