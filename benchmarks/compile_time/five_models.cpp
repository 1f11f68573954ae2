// Compile-time benchmark: five service models, each read from and written to JSON.
// Built twice by benchmarks/compile_time.py: with -DWITH_TOKENMINT_JSON (tokenmint's JSON reads and
// writes them) and without (the same models and code, with the JSON calls left out).
#include "../../tests/common/models.hpp"

#include <string>
#include <string_view>

#ifdef WITH_TOKENMINT_JSON
#define TM_ROUND_TRIP(T)                                                        \
  {                                                                             \
    auto r = tokenmint::json::read<T>(text);                                    \
    if (r) out += tokenmint::json::write(*r);                                   \
  }
#else
#define TM_ROUND_TRIP(T) \
  {                      \
    T r{};               \
    (void)r;             \
    out += text;         \
  }
#endif

namespace {
struct benchling_token {
  std::string access_token;
  std::string token_type;
  std::int64_t expires_in = 0;
};
}  // namespace

std::string round_trip_all(std::string_view text) {
  std::string out;
  TM_ROUND_TRIP(tokenmint::test::uid2_generate_response)
  TM_ROUND_TRIP(tokenmint::test::hubspot_error)
  TM_ROUND_TRIP(tokenmint::test::alterian_get_tokens_response)
  TM_ROUND_TRIP(tokenmint::test::alterian_cursor)
  TM_ROUND_TRIP(benchling_token)
  return out;
}
