// A user's program built against the installed headers only: hashes an email and seals/opens
// an envelope, checking the results against the protocol page's vectors.
#include <tokenmint/tokenmint.hpp>

#include <iostream>

int main() {
  auto hash = tokenmint::uid2::hash_email("   jane.doe+home@gmail.com   ");
  if (!hash || *hash != "1hFzBkhe0OUK+rOshx6Y+BaZFR8wKBUn1j/18jNlbGk=") return 1;
  auto key = tokenmint::uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=");
  if (!key) return 2;
  tokenmint::uid2::request_params p;
  p.timestamp_ms = 1667885597644;
  p.nonce = {0x31, 0x2f, 0xe5, 0xaa, 0x08, 0xb2, 0xa0, 0x49};
  p.iv = tokenmint::crypto::gcm_iv{0xcc, 0x3c, 0xca, 0xca, 0x98, 0x89, 0xea, 0xb3, 0x80, 0x0e, 0x78, 0x7e};
  auto env = tokenmint::uid2::seal_request(*key, p, R"({"email":"test@example.com"})");
  if (!env || *env != "Acw8ysqYieqzgA54fifdV1TB6V+da8p/AFc8Ju/IYrD77pL7JYMJj8YqD9EsrG3d2d2j0H7kZjH41YsNLpFVCH+oce28z9L9ug==")
    return 3;
  std::cout << "consumer ok: tokenmint " << tokenmint::version_string << '\n';
  return 0;
}
