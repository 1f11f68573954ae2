// IAB TCF v2 core-string decoding, just enough for the operator's consent rule (sandbox side).
#pragma once

#include <tokenmint/core/result.hpp>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace tokenmint::testing::detail {

/// Bits of a base64url TC string's core segment, read most significant first.
class tcf_bits {
 public:
  static result<tcf_bits> decode(std::string_view tc) {
    tc = tc.substr(0, tc.find('.'));  // the core segment; others (disclosed vendors...) do not matter here
    if (tc.empty()) return error{errc::invalid_argument, "empty TC string"};
    tcf_bits b;
    std::uint32_t acc = 0;
    int n = 0;
    for (char c : tc) {
      int v;
      if (c >= 'A' && c <= 'Z') v = c - 'A';
      else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
      else if (c >= '0' && c <= '9') v = c - '0' + 52;
      else if (c == '-') v = 62;
      else if (c == '_') v = 63;
      else if (c == '=') break;
      else return error{errc::invalid_argument, "TC string is not base64url"};
      acc = (acc << 6) | static_cast<std::uint32_t>(v);
      n += 6;
      if (n >= 8) {
        n -= 8;
        b.bytes_.push_back(static_cast<std::uint8_t>(acc >> n));
        acc &= (1u << n) - 1;
      }
    }
    return b;
  }

  /// The next `n` bits (n <= 36) as an integer; false when the string is too short.
  bool take(int n, std::uint64_t& out) {
    out = 0;
    for (int i = 0; i < n; ++i, ++pos_) {
      if (pos_ / 8 >= bytes_.size()) return false;
      out = (out << 1) | ((bytes_[pos_ / 8] >> (7 - pos_ % 8)) & 1u);
    }
    return true;
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

/// Reads a vendor section (consent or legitimate interest) and says whether `vendor` is in it.
inline bool tcf_vendor_section(tcf_bits& b, std::uint64_t vendor, bool& contains) {
  std::uint64_t max_vendor = 0, is_range = 0;
  if (!b.take(16, max_vendor) || !b.take(1, is_range)) return false;
  contains = false;
  if (is_range == 0) {
    for (std::uint64_t id = 1; id <= max_vendor; ++id) {
      std::uint64_t bit = 0;
      if (!b.take(1, bit)) return false;
      if (id == vendor && bit) contains = true;
    }
    return true;
  }
  std::uint64_t entries = 0;
  if (!b.take(12, entries)) return false;
  for (std::uint64_t e = 0; e < entries; ++e) {
    std::uint64_t range = 0, start = 0, end = 0;
    if (!b.take(1, range) || !b.take(16, start)) return false;
    end = start;
    if (range && !b.take(16, end)) return false;
    if (vendor >= start && vendor <= end) contains = true;
  }
  return true;
}

/// The operator's rule (TransparentConsent.hasConsent): the purposes a vendor may use are the
/// consented purposes if the vendor has consent, plus the legitimate-interest purposes if it has
/// legitimate interest; every required purpose must be among them. An unparsable string is an error
/// (the operator's "User consent is invalid").
inline result<bool> tcf_has_consent(std::string_view tc, std::uint64_t vendor, std::initializer_list<int> purposes) {
  auto decoded = tcf_bits::decode(tc);
  if (!decoded) return std::move(decoded).error();
  tcf_bits b = std::move(*decoded);
  std::uint64_t version = 0, skip = 0, consent = 0, li = 0;
  if (!b.take(6, version) || version != 2) return error{errc::invalid_argument, "not a TCF v2 string"};
  // created, last updated, CMP id, CMP version, consent screen, language, vendor list version,
  // policy version, service-specific, non-standard texts, special feature opt-ins
  for (int width : {36, 36, 12, 12, 6, 12, 12, 6, 1, 1, 12})
    if (!b.take(width, skip)) return error{errc::invalid_argument, "truncated TC string"};
  if (!b.take(24, consent) || !b.take(24, li) || !b.take(1, skip) || !b.take(12, skip))
    return error{errc::invalid_argument, "truncated TC string"};
  bool vendor_consent = false, vendor_li = false;
  if (!tcf_vendor_section(b, vendor, vendor_consent) || !tcf_vendor_section(b, vendor, vendor_li))
    return error{errc::invalid_argument, "truncated vendor section"};
  std::uint64_t allowed = (vendor_consent ? consent : 0) | (vendor_li ? li : 0);
  for (int p : purposes)  // purpose 1 is the most significant of the 24 bits
    if (!((allowed >> (24 - p)) & 1u)) return false;
  return true;
}

}  // namespace tokenmint::testing::detail
