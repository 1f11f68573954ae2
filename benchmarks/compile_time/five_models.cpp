// Compile-time benchmark: five service models, each read from and written to JSON.
// Built three ways by benchmarks/compile_time.py:
//   -DWITH_TOKENMINT_JSON  tokenmint's JSON reads and writes them;
//   (nothing)              the same models and code, with the JSON calls left out (the baseline);
//   -DSTD_FLOOR            no JSON code at all, only the standard-library operations that any
//                          reader and writer of these models has to instantiate for their member
//                          types (optional emplace/reset, vector emplace_back/clear/iteration, map
//                          try_emplace/clear/iteration, string assign, moving the result out).
//                          It bounds from below what a header-only JSON library can cost here.
#include "../../tests/common/models.hpp"

#include <string>
#include <string_view>

namespace {
struct benchling_token {
  std::string access_token;
  std::string token_type;
  std::int64_t expires_in = 0;
};
}  // namespace

#if defined(WITH_TOKENMINT_JSON)
#define TM_ROUND_TRIP(T)                      \
  {                                           \
    auto r = tokenmint::json::read<T>(text);  \
    if (r) out += tokenmint::json::write(*r); \
  }
#elif defined(STD_FLOOR)
namespace floor_ops {
using namespace tokenmint::test;

template <class T>
void touch(T& x);

template <class T>
void touch_optional(std::optional<T>& o) {
  if (!o) o.emplace();
  touch(*o);
  if (o.has_value()) o.reset();
}

template <class T>
void touch_vector(std::vector<T>& v) {
  v.clear();
  auto& e = v.emplace_back();
  touch(e);
  for (auto& x : v) touch(x);
}

template <class T>
void touch_map(std::map<std::string, T>& m) {
  m.clear();
  auto [it, inserted] = m.try_emplace(std::string("k"));
  if (!inserted) it->second = T{};
  for (auto& [k, v] : m) touch(v);
}

void touch_members(tokenmint::test::uid2_identity& m);
void touch_members(tokenmint::test::hubspot_error_detail& m);
void touch_members(tokenmint::test::alterian_cursor& m);
void touch_members(tokenmint::test::alterian_token_information& m);

template <class T>
void touch(T& x) {
  if constexpr (std::is_same_v<T, std::string>) {
    x.assign("a", 1);
  } else if constexpr (requires {
                         x.has_value();
                         x.emplace();
                       }) {
    touch_optional(x);
  } else if constexpr (requires { x.emplace_back(); }) {
    touch_vector(x);
  } else if constexpr (requires { x.try_emplace(std::string()); }) {
    touch_map(x);
  } else if constexpr (requires { touch_members(x); }) {
    touch_members(x);
  }
}

void touch_members(uid2_identity& m) {
  touch(m.advertising_token);
  touch(m.refresh_token);
  touch(m.refresh_response_key);
}
void touch_members(hubspot_error_detail& m) {
  touch(m.message);
  touch(m.in);
  touch(m.code);
  touch(m.sub_category);
  touch(m.context);
}
void touch_members(alterian_cursor& m) {
  touch(m.from);
  touch(m.to);
  touch(m.total);
  touch(m.sort_descending);
  touch(m.sort_property);
}
void touch_members(alterian_token_information& m) {
  touch(m.login_id);
  touch(m.token);
  touch(m.timezone_id);
  touch(m.user_id);
  touch(m.client_id);
  touch(m.last_activity);
  touch(m.created);
  touch(m.culture);
  touch(m.is_static);
  touch(m.is_sa_token);
}
void touch_members(uid2_generate_response& m) {
  touch(m.body);
  touch(m.message);
}
void touch_members(hubspot_error& m) {
  touch(m.category);
  touch(m.correlation_id);
  touch(m.message);
  touch(m.sub_category);
  touch(m.context);
  touch(m.links);
  touch(m.errors);
  touch(m.policy_name);
}
void touch_members(alterian_get_tokens_response& m) {
  touch(m.status_code);
  touch(m.debug_message);
  touch(m.detail);
  touch(m.cursor);
  touch(m.result);
}
void touch_members(benchling_token& m) {
  touch(m.access_token);
  touch(m.token_type);
}
}  // namespace floor_ops

#define TM_ROUND_TRIP(T)         \
  {                              \
    T r{};                       \
    floor_ops::touch_members(r); \
    T moved = std::move(r);      \
    (void)moved;                 \
    out += text;                 \
  }
#else
#define TM_ROUND_TRIP(T) \
  {                      \
    T r{};               \
    (void)r;             \
    out += text;         \
  }
#endif

std::string round_trip_all(std::string_view text) {
  std::string out;
  TM_ROUND_TRIP(tokenmint::test::uid2_generate_response)
  TM_ROUND_TRIP(tokenmint::test::hubspot_error)
  TM_ROUND_TRIP(tokenmint::test::alterian_get_tokens_response)
  TM_ROUND_TRIP(tokenmint::test::alterian_cursor)
  TM_ROUND_TRIP(benchling_token)
  return out;
}
