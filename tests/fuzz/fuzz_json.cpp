// Fuzz json::read into json::value and into three service models. Properties:
//  - read<value> accepts exactly what json::validate accepts (two independent code paths);
//  - a value that was read writes to JSON that reads back to an equal value and writes the same
//    bytes again (the writer's output is canonical and valid);
//  - a model that was read survives write -> read unchanged;
//  - nothing crashes, hangs, leaks or reads out of bounds (ASan, UBSan).
#include <tokenmint/json/json.hpp>

#include "../common/models.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tokenmint;

namespace {

template <class T>
void model_round_trip(std::string_view in) {
  auto r = json::read<T>(in);
  if (!r) return;
  const std::string w = json::write(*r);
  auto back = json::read<T>(w);
  if (!back || !(*back == *r)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  auto v = json::read<json::value>(in);
  if (v.has_value() != json::validate(in).has_value()) std::abort();
  if (v) {
    const std::string w = json::write(*v);
    auto again = json::read<json::value>(w);
    if (!again || json::write(*again) != w) std::abort();
  }

  json::read_options strict;
  strict.reject_unknown_members = true;
  strict.duplicates = json::duplicate_keys::error;
  (void)json::read<test::uid2_generate_response>(in, strict);

  model_round_trip<test::uid2_generate_response>(in);
  model_round_trip<test::hubspot_error>(in);
  model_round_trip<test::alterian_get_tokens_response>(in);
  return 0;
}
