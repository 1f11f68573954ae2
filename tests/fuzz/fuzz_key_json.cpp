// Fuzz uid2::key_container::parse. Properties: an error or a whole container, never a crash, a
// hang or a leak (ASan, UBSan); in a container every key is found by its id, an active key
// belongs to its keyset and is active, and decrypting and encrypting with it return statuses.
#include <tokenmint/uid2/tokens.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tokenmint;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto kc = uid2::key_container::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!kc) {
    if (kc.error().message.rfind("key answer", 0) != 0) std::abort();  // every error says what it is about
    return 0;
  }
  const uid2::key_container& k = **kc;
  for (const auto& key : k.keys()) {
    const uid2::key* found = k.find(key.id);
    if (found == nullptr || found->id != key.id) std::abort();
  }
  constexpr std::int64_t now = 1672534862000;
  if (k.master_keyset_id) {
    const uid2::key* a = k.active_key(*k.master_keyset_id, now);
    if (a != nullptr && (!a->active_at(now) || a->keyset_id != k.master_keyset_id)) std::abort();
  }
  uid2::encryption_result e;
  uid2::encrypt_raw_uid(&k, "ywsvDNINiZOVSsfkHpLpSJzXzhr6Jx9Z/4Q0+lsEUvM=", now, e);
  uid2::decryption_result r;
  uid2::decrypt_token(&k, e.ok() ? e.token() : std::string_view("A4AAAAAA"), "example.com", now, r);
  if (e.ok() && r.status == uid2::decryption_status::success && r.uid() != "ywsvDNINiZOVSsfkHpLpSJzXzhr6Jx9Z/4Q0+lsEUvM=")
    std::abort();
  return 0;
}
