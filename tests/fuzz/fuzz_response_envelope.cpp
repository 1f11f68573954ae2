// Fuzz the client side: opening generate/validate responses (nonce check) and refresh responses.
#include <tokenmint/uid2/envelope.hpp>

#include <cstdlib>
#include <string_view>
#include <vector>

using namespace tokenmint;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto key = uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=").value();
  static auto refresh_key = uid2::make_key("P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU=").value();
  static const uid2::nonce_bytes nonce{0x31, 0x2f, 0xe5, 0xaa, 0x08, 0xb2, 0xa0, 0x49};
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::vector<std::uint8_t> scratch(uid2::open_scratch_size(size));
  auto r = uid2::open_response(key, body, nonce, std::span<std::uint8_t>(scratch));
  if (!r && r.error().message.empty()) std::abort();
  if (r && r->json.size() + uid2::response_overhead > scratch.size()) std::abort();
  auto f = uid2::open_refresh_response(refresh_key, body, std::span<std::uint8_t>(scratch));
  if (!f && f.error().message.empty()) std::abort();
  // Too-small scratch must be refused, not overrun.
  std::vector<std::uint8_t> tiny(size / 2);
  auto t = uid2::open_response(key, body, nonce, std::span<std::uint8_t>(tiny));
  if (t && size > 0 && tiny.size() < uid2::response_overhead) std::abort();
  return 0;
}
