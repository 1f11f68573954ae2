// Fuzz base64 decoding: any input decodes or fails cleanly, a successful decode re-encodes to the
// exact input (canonical form), and any bytes round-trip through encode/decode.
#include <tokenmint/codec/base64.hpp>

#include <cstdlib>
#include <string_view>
#include <vector>

using namespace tokenmint;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (auto a : {base64::alphabet::standard, base64::alphabet::url}) {
    for (auto p : {base64::padding::required, base64::padding::none}) {
      std::vector<std::uint8_t> out(base64::max_decoded_size(size));
      const codec_result r = base64::decode(in, std::span<std::uint8_t>(out), a, p);
      if (r) {
        if (base64::encode(std::span<const std::uint8_t>(out.data(), r.size), a, p) != in) std::abort();
      } else if (r.offset > size || r.ec == errc{}) {
        std::abort();
      }
    }
  }
  const std::string enc = base64::encode(std::span<const std::uint8_t>(data, size));
  auto back = base64::decode(enc);
  if (!back || back->size() != size || !std::equal(back->begin(), back->end(), data)) std::abort();
  return 0;
}
