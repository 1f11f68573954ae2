// Fuzz the operator side of client-side generate (testing::open_client_side_request), what the
// sandbox runs on every request. The first byte picks how the rest is used, so that the fuzzer
// gets past the GCM tag: 0, the whole body as sent; 1, the plaintext payload, sealed under the
// fixture keys with the right AAD (the payload's JSON reading); 2, bytes XORed over a valid body
// (every field, the tag included). Properties: an opened request or a refusal with a status of
// 400, 403 or 500 and a message, never a crash, a hang or a leak (ASan, UBSan); an opened
// request names email_hash or phone_hash.
#include <tokenmint/testing/uid2_client_side.hpp>
#include <tokenmint/uid2/client_side.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace tokenmint;

namespace {
// The operator's fixture pairs (tests/data/uid2_tokens.json, cstg_ecdh).
constexpr const char* server_private =
    "MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCBop1Dw/IwDcstgicr/3tDoyR3OIpgAWgw8mD6oTO+1ug==";
constexpr const char* client_private =
    "MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCDsqxZicsGytVqN2HZqNDHtV422Lxio8m1vlflq4Jb47Q==";

struct keys {
  crypto::p256_private_key server = crypto::p256_private_key::from_pkcs8_base64(server_private).value();
  crypto::p256_private_key client = crypto::p256_private_key::from_pkcs8_base64(client_private).value();
  crypto::p256_public_key server_public = server.public_key().value();
  std::vector<std::string> domains{"example.com"}, apps{"com.example.app"};
  std::string valid = sealed("{\"email_hash\":\"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=\"}");

  // A request whose payload is `plain`, sealed as a client would (the AAD covers the timestamp).
  std::string sealed(std::string_view plain) const {
    auto secret = client.derive(server_public).value();
    auto key = crypto::aes256_gcm::create(secret.reveal()).value();
    const crypto::gcm_iv iv{1, 2, 3};
    std::vector<std::uint8_t> out(plain.size() + crypto::gcm_tag_size);
    crypto::gcm_tag tag{};
    if (key.seal(iv, as_bytes(uid2::client_side_aad(42, std::nullopt)), {as_bytes(plain)}, out.data(), tag) != errc{})
      std::abort();
    std::copy(tag.begin(), tag.end(), out.end() - crypto::gcm_tag_size);
    return "{\"payload\":\"" + base64::encode(std::span<const std::uint8_t>(out)) + "\",\"iv\":\"" +
           base64::encode(std::span<const std::uint8_t>(iv)) + "\",\"public_key\":\"" + client.public_key_base64() +
           "\",\"timestamp\":42,\"subscription_id\":\"sub\"}";
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const keys k;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string body;
  switch (data[0] % 3) {
    case 0: body.assign(rest); break;
    case 1: body = k.sealed(rest); break;
    default:
      body = k.valid;
      for (std::size_t i = 0; i < rest.size(); ++i) body[i % body.size()] ^= rest[i];
  }
  const testing::client_side_site site{&k.server, "sub", &k.domains, &k.apps};
  auto r = testing::open_client_side_request(site, body, "https://example.com");
  if (auto* opened = std::get_if<testing::opened_client_side_request>(&r)) {
    if (opened->kind != "email_hash" && opened->kind != "phone_hash") std::abort();
  } else {
    const auto& no = std::get<testing::client_side_refusal>(r);
    if ((no.http_status != 400 && no.http_status != 403 && no.http_status != 500) || no.message.empty()) std::abort();
  }
  return 0;
}
