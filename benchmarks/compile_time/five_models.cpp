// Compile-time benchmark: five service models, each read from JSON and written back, built three
// ways by benchmarks/compile_time.py:
//   -DJSON_LIB=0  the baseline: the same models and code, no JSON library, no JSON calls;
//   -DJSON_LIB=1  tokenmint's JSON (reflection plus json::meta for names);
//   -DJSON_LIB=2  nlohmann::json, the library users would otherwise pick, used as its README
//                 shows: to_json/from_json per type, NLOHMANN_JSON_SERIALIZE_ENUM, and an
//                 adl_serializer for std::optional (3.11.2 has none of its own).
// "Added compile time" is a build minus the baseline: the header and the code for these models.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef JSON_LIB
#define JSON_LIB 0
#endif

#if JSON_LIB == 1
#include "../../tests/common/models.hpp"  // the structs and their json::meta, as the JSON tests use them
#elif JSON_LIB == 2
#include <nlohmann/json.hpp>
#define TOKENMINT_TEST_FREE_FORM nlohmann::json
#include "../../tests/common/model_structs.hpp"
#else
#define TOKENMINT_TEST_FREE_FORM std::string
#include "../../tests/common/model_structs.hpp"
#endif

namespace tokenmint::test {
struct benchling_token {
  std::string access_token;
  std::string token_type;
  std::int64_t expires_in = 0;
};
}  // namespace tokenmint::test
namespace models = tokenmint::test;

#if JSON_LIB == 1
// ---- tokenmint: reflection plus the json::meta of tests/common/models.hpp ---------------------
template <class T>
void round_trip(std::string_view text, std::string& out) {
  auto r = tokenmint::json::read<T>(text);
  if (r) out += tokenmint::json::write(*r);
}

#elif JSON_LIB == 2
// ---- nlohmann::json: the functions its README asks for ----------------------------------------
namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T> > {
  static void to_json(json& j, const std::optional<T>& o) {
    if (o) j = *o;
    else j = nullptr;
  }
  static void from_json(const json& j, std::optional<T>& o) {
    if (j.is_null()) o.reset();
    else o = j.get<T>();
  }
};
}  // namespace nlohmann

namespace tokenmint::test {
using nlohmann::json;

// Optional members: absent or null is empty; written only when set.
template <class T>
void get_optional(const json& j, const char* key, std::optional<T>& o) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) o.reset();
  else o = it->template get<T>();
}
template <class T>
void put_optional(json& j, const char* key, const std::optional<T>& o) {
  if (o) j[key] = *o;
}

NLOHMANN_JSON_SERIALIZE_ENUM(uid2_status, {{uid2_status::success, "success"},
                                           {uid2_status::optout, "optout"},
                                           {uid2_status::client_error, "client_error"},
                                           {uid2_status::unauthorized, "unauthorized"}})

void to_json(json& j, const uid2_identity& m) {
  j = json{{"advertising_token", m.advertising_token}, {"refresh_token", m.refresh_token},
           {"identity_expires", m.identity_expires},   {"refresh_expires", m.refresh_expires},
           {"refresh_from", m.refresh_from},           {"refresh_response_key", m.refresh_response_key}};
}
void from_json(const json& j, uid2_identity& m) {
  j.at("advertising_token").get_to(m.advertising_token);
  j.at("refresh_token").get_to(m.refresh_token);
  j.at("identity_expires").get_to(m.identity_expires);
  j.at("refresh_expires").get_to(m.refresh_expires);
  j.at("refresh_from").get_to(m.refresh_from);
  j.at("refresh_response_key").get_to(m.refresh_response_key);
}
void to_json(json& j, const uid2_generate_response& m) {
  j = json{{"status", m.status}};
  put_optional(j, "body", m.body);
  put_optional(j, "message", m.message);
}
void from_json(const json& j, uid2_generate_response& m) {
  get_optional(j, "body", m.body);
  j.at("status").get_to(m.status);
  get_optional(j, "message", m.message);
}
void to_json(json& j, const hubspot_error_detail& m) {
  j = json{{"message", m.message}};
  put_optional(j, "in", m.in);
  put_optional(j, "code", m.code);
  put_optional(j, "subCategory", m.sub_category);
  put_optional(j, "context", m.context);
}
void from_json(const json& j, hubspot_error_detail& m) {
  j.at("message").get_to(m.message);
  get_optional(j, "in", m.in);
  get_optional(j, "code", m.code);
  get_optional(j, "subCategory", m.sub_category);
  get_optional(j, "context", m.context);
}
void to_json(json& j, const hubspot_error& m) {
  j = json{{"category", m.category}, {"correlationId", m.correlation_id}, {"message", m.message}};
  put_optional(j, "subCategory", m.sub_category);
  put_optional(j, "context", m.context);
  put_optional(j, "links", m.links);
  put_optional(j, "errors", m.errors);
  put_optional(j, "policyName", m.policy_name);
}
void from_json(const json& j, hubspot_error& m) {
  j.at("category").get_to(m.category);
  j.at("correlationId").get_to(m.correlation_id);
  j.at("message").get_to(m.message);
  get_optional(j, "subCategory", m.sub_category);
  get_optional(j, "context", m.context);
  get_optional(j, "links", m.links);
  get_optional(j, "errors", m.errors);
  get_optional(j, "policyName", m.policy_name);
}
void to_json(json& j, const alterian_cursor& m) {
  j = json::object();
  put_optional(j, "From", m.from);
  put_optional(j, "To", m.to);
  put_optional(j, "Total", m.total);
  put_optional(j, "SortDescending", m.sort_descending);
  put_optional(j, "SortProperty", m.sort_property);
}
void from_json(const json& j, alterian_cursor& m) {
  get_optional(j, "From", m.from);
  get_optional(j, "To", m.to);
  get_optional(j, "Total", m.total);
  get_optional(j, "SortDescending", m.sort_descending);
  get_optional(j, "SortProperty", m.sort_property);
}
void to_json(json& j, const alterian_token_information& m) {
  j = json{{"ID", m.id}, {"Token", m.token}};
  put_optional(j, "LoginID", m.login_id);
  put_optional(j, "TimezoneID", m.timezone_id);
  put_optional(j, "UserID", m.user_id);
  put_optional(j, "ClientID", m.client_id);
  put_optional(j, "LastActivity", m.last_activity);
  put_optional(j, "Created", m.created);
  put_optional(j, "Culture", m.culture);
  put_optional(j, "IsStatic", m.is_static);
  put_optional(j, "IsSAtoken", m.is_sa_token);
}
void from_json(const json& j, alterian_token_information& m) {
  j.at("ID").get_to(m.id);
  get_optional(j, "LoginID", m.login_id);
  j.at("Token").get_to(m.token);
  get_optional(j, "TimezoneID", m.timezone_id);
  get_optional(j, "UserID", m.user_id);
  get_optional(j, "ClientID", m.client_id);
  get_optional(j, "LastActivity", m.last_activity);
  get_optional(j, "Created", m.created);
  get_optional(j, "Culture", m.culture);
  get_optional(j, "IsStatic", m.is_static);
  get_optional(j, "IsSAtoken", m.is_sa_token);
}
void to_json(json& j, const alterian_get_tokens_response& m) {
  j = json::object();
  put_optional(j, "StatusCode", m.status_code);
  put_optional(j, "DebugMessage", m.debug_message);
  put_optional(j, "Detail", m.detail);
  put_optional(j, "Cursor", m.cursor);
  put_optional(j, "Result", m.result);
}
void from_json(const json& j, alterian_get_tokens_response& m) {
  get_optional(j, "StatusCode", m.status_code);
  get_optional(j, "DebugMessage", m.debug_message);
  get_optional(j, "Detail", m.detail);
  get_optional(j, "Cursor", m.cursor);
  get_optional(j, "Result", m.result);
}
void to_json(json& j, const benchling_token& m) {
  j = json{{"access_token", m.access_token}, {"token_type", m.token_type}, {"expires_in", m.expires_in}};
}
void from_json(const json& j, benchling_token& m) {
  j.at("access_token").get_to(m.access_token);
  j.at("token_type").get_to(m.token_type);
  j.at("expires_in").get_to(m.expires_in);
}
}  // namespace tokenmint::test

template <class T>
void round_trip(std::string_view text, std::string& out) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  try {
    out += nlohmann::json(j.get<T>()).dump();
  } catch (const nlohmann::json::exception&) {
  }
}

#else
// ---- the baseline: the models made and moved, no JSON --------------------------------------------
template <class T>
void round_trip(std::string_view text, std::string& out) {
  T r{};
  T moved = std::move(r);
  (void)moved;
  out += text;
}
#endif

std::string round_trip_all(std::string_view text) {
  std::string out;
  round_trip<models::uid2_generate_response>(text, out);
  round_trip<models::hubspot_error>(text, out);
  round_trip<models::alterian_get_tokens_response>(text, out);
  round_trip<models::alterian_cursor>(text, out);
  round_trip<models::benchling_token>(text, out);
  return out;
}
