// Fuzz the operator side of the request envelope: any body opens or fails with an operator
// message; nothing crashes, hangs or reads out of bounds. The key and clock match the seed
// corpus (the shared vectors), so mutations of real envelopes reach the crypto and JSON checks.
#include <tokenmint/json/validate.hpp>
#include <tokenmint/testing/testing.hpp>
#include <tokenmint/uid2/envelope.hpp>

#include <cstdlib>
#include <string_view>
#include <vector>

using namespace tokenmint;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto key = uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=").value();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<std::uint8_t> scratch(uid2::open_scratch_size(size));
  auto r = tokenmint::testing::open_request(key, body, 1667885597644, uid2::flavour::uid2, std::span<std::uint8_t>(scratch));
  if (r) {
    if (!r->json.empty() && !json::is_object(r->json)) std::abort();
  } else if (r.error().message.empty()) {
    std::abort();
  }
  // The same bytes as JSON through seal/open must round-trip exactly.
  uid2::request_params p;
  p.timestamp_ms = 1667885597644;
  auto sealed = uid2::seal_request(key, p, body);
  if (sealed) {
    std::vector<std::uint8_t> s2;
    auto back = tokenmint::testing::open_request(key, *sealed, p.timestamp_ms, uid2::flavour::euid, s2);
    if (json::is_object(body) && (!back || back->json != body)) std::abort();
  }
  return 0;
}
