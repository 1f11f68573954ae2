// Fuzz uid2::decrypt_token. The first input byte picks the mode:
//  - even: the rest is token text, decrypted in both contexts, with and without a domain;
//  - odd: the rest is XORed over the bytes of a valid v3 or v4 token (the published vector's
//    keys), which reaches the second layer and the field checks, not only the base64 and the
//    first tag.
// Properties: a status, never a crash, an out-of-bounds read or a leak (ASan, UBSan); a success
// carries a raw UID2 of 44 characters (v3/v4) and a version of 2, 3 or 4; decrypting is
// deterministic.
#include <tokenmint/uid2/tokens.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace tokenmint;

namespace {

const uid2::key_container& keys() {
  static const auto kc = uid2::key_container::parse(
                             R"({"status":"success","body":{"identity_scope":"UID2","caller_site_id":9000,"master_keyset_id":1,)"
                             R"("default_keyset_id":2,"max_bidstream_lifetime_seconds":100000000,)"
                             R"("site_data":[{"id":9000,"domain_names":["example.com"]}],"keys":[)"
                             R"({"id":164,"keyset_id":1,"created":1609459200,"activates":1609459200,"expires":2524608000,)"
                             R"("secret":"iyXxrRJcJOilqBcSJsN7XKCIuShbraXdqBCppCaLCJs="},)"
                             R"({"id":165,"keyset_id":2,"created":1609459200,"activates":1609459200,"expires":2524608000,)"
                             R"("secret":"IPsHwoSa+lbKdGgdg8CL1zCkC0HibqcObDP+fUEYF4U="}]}})")
                             .value();
  return *kc;
}

constexpr std::int64_t now = 1672534862000;

void check(std::string_view token) {
  for (auto ctx : {uid2::token_context::bidstream, uid2::token_context::sharing}) {
    for (std::string_view domain : {std::string_view{}, std::string_view{"Example.com"}}) {
      uid2::decryption_result a, b;
      uid2::decrypt_options o;
      o.context = ctx;
      o.check_optout = !domain.empty();
      uid2::decrypt_token(&keys(), token, domain, now, a, o);
      uid2::decrypt_token(&keys(), token, domain, now, b, o);
      if (a.status != b.status || a.uid() != b.uid()) std::abort();
      if (a.ok() && (a.version < 2 || a.version > 4 || a.uid().empty() || (a.version != 2 && a.uid().size() != 44))) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  if ((data[0] & 1) == 0) {
    check(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    return 0;
  }
  static const std::string valid = [] {
    uid2::encryption_result e;
    uid2::encrypt_raw_uid(&keys(), "ywsvDNINiZOVSsfkHpLpSJzXzhr6Jx9Z/4Q0+lsEUvM=", now, e);
    return std::string(e.token());
  }();
  std::array<std::uint8_t, 256> raw{};
  const codec_result d = base64::decode(valid, raw, base64::alphabet::url, base64::padding::none);
  if (!d) std::abort();
  for (std::size_t i = 1; i < size && i - 1 < d.size; ++i) raw[i - 1] ^= data[i];
  const bool v3 = (data[0] & 2) != 0;
  if (v3) raw[1] = 112;
  const std::string text =
      base64::encode(std::span<const std::uint8_t>(raw.data(), d.size), v3 ? base64::alphabet::standard : base64::alphabet::url,
                     v3 ? base64::padding::required : base64::padding::none);
  check(text);
  return 0;
}
