// Models shaped like the services' real ones, shared by the JSON tests, the fuzz target and the
// benchmark. Plain aggregates: the JSON shape comes from reflection and json::meta.
#pragma once

#include <tokenmint/json/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#define TOKENMINT_TEST_FREE_FORM ::tokenmint::json::value
#include "model_structs.hpp"

template <>
struct tokenmint::json::meta<tokenmint::test::uid2_status> {
  using S = tokenmint::test::uid2_status;
  static constexpr std::pair<S, std::string_view> enumerators[] = {
      {S::success, "success"}, {S::optout, "optout"}, {S::client_error, "client_error"}, {S::unauthorized, "unauthorized"}};
};

template <>
struct tokenmint::json::meta<tokenmint::test::hubspot_error_detail> {
  static constexpr auto naming = json::naming::camel_case;
};
template <>
struct tokenmint::json::meta<tokenmint::test::hubspot_error> {
  static constexpr auto naming = json::naming::camel_case;
};

template <>
struct tokenmint::json::meta<tokenmint::test::alterian_cursor> {
  static constexpr auto naming = json::naming::pascal_case;
};
template <>
struct tokenmint::json::meta<tokenmint::test::alterian_token_information> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {
      {"id", "ID"},          {"login_id", "LoginID"},   {"timezone_id", "TimezoneID"},
      {"user_id", "UserID"}, {"client_id", "ClientID"}, {"is_sa_token", "IsSAtoken"}};
};
template <>
struct tokenmint::json::meta<tokenmint::test::alterian_get_tokens_response> {
  static constexpr auto naming = json::naming::pascal_case;
};
