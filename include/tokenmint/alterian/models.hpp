// Alterian Journey Analytics TokenApi: request and response models (PascalCase on the wire, with
// the service's own spellings such as `IsSAtoken` renamed) and client options.
#pragma once

#include <tokenmint/core/secret.hpp>
#include <tokenmint/json/json.hpp>
#include <tokenmint/service/call_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tokenmint::alterian {

/// `APICursor`: paging of list calls. `total` is filled in by the service on the way back.
struct cursor {
  std::optional<std::int32_t> from;  ///< first row, 0-based
  std::optional<std::int32_t> to;    ///< last row (inclusive)
  std::optional<std::int64_t> total;
  std::optional<bool> sort_descending;
  std::optional<std::string> sort_property;
};

/// `CMTokenInformation`. The schema marks nothing required, so every member is optional.
struct token_information {
  std::optional<std::int32_t> id;
  std::optional<std::string> login_id;
  std::optional<secret_string> token;  ///< the GUID passed to API methods: a credential
  std::optional<std::int32_t> timezone_id;
  std::optional<std::int32_t> user_id;
  std::optional<std::int32_t> client_id;
  std::optional<std::string> last_activity;  ///< date-time
  std::optional<std::string> created;        ///< date-time
  std::optional<std::string> culture;
  std::optional<bool> is_static;
  std::optional<bool> is_sa_token;
};

/// `CreateImpersonationToken` (needs an SA token).
struct create_impersonation_token_request {
  std::int32_t client_id = 0;
  std::optional<std::int32_t> user_id;
};

/// `CreateStaticToken`: `client_id` is required with an SA token, ignored otherwise.
struct create_static_token_request {
  std::optional<std::int32_t> client_id;
  std::int32_t user_id = 0;
};

/// `DeleteStaticToken`.
struct delete_static_token_request {
  secret_string token_to_delete;  ///< the static token (a GUID), a credential
};

/// `UpdateStaticToken`: maps the static token to another user.
struct update_static_token_request {
  secret_string token_to_update;  ///< the static token (a GUID), a credential
  std::int32_t user_id = 0;
};

/// `GetTokens`. Without a cursor the service returns every match; with one, the rows asked for
/// and a cursor with `total`.
struct get_tokens_request {
  std::optional<std::int32_t> client_id;
  std::optional<alterian::cursor> cursor;
  bool include_non_user = false;
  bool include_sa = false;
  bool include_standard = false;
  bool include_static = false;
};

/// `OperationResult` plus `Result`: what every TokenApi call returns. `status_code` is the
/// service's success/failure constant (Alterian does not publish the table, so the client does
/// not judge it: look at it, and at `detail`, on every result). `debug_message` is documented as
/// a string that defaults to `[]`, so it is kept as JSON; `debug_text()` reads it.
template <class R>
struct operation_result {
  std::optional<std::string> status_code;
  std::optional<json::value> debug_message;
  std::optional<std::vector<std::vector<std::string>>> detail;
  std::optional<alterian::cursor> cursor;
  std::optional<R> result;

  std::string debug_text() const {
    if (!debug_message) return {};
    if (const auto* s = debug_message->if_string()) return *s;
    if (debug_message->is_null()) return {};
    if (const auto* a = debug_message->if_array(); a && a->empty()) return {};
    return json::write(*debug_message);
  }
};

using token_result = operation_result<secret_string>;                        ///< Create*: the new token (uuid), a credential
using change_result = operation_result<bool>;                                ///< Delete/Update: done or not
using token_list_result = operation_result<std::vector<token_information>>;  ///< GetTokens

/// Client settings, an aggregate.
struct client_options {
  /// The customer's server, e.g. `https://alterian.example.com/services/api.svc/jsonsdk`; the
  /// client appends the operation name (`/CreateStaticToken`, ...).
  std::string base_url;
  secret_string api_key;       ///< a CM token GUID, sent as `X-Api-Key`
  std::string user_agent;      ///< empty: "tokenmint-cpp/<version>"
  service::call_options call;  ///< timeout, retries, hooks
};

}  // namespace tokenmint::alterian

template <>
struct tokenmint::json::meta<tokenmint::alterian::cursor> {
  static constexpr auto naming = json::naming::pascal_case;
};
template <>
struct tokenmint::json::meta<tokenmint::alterian::token_information> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {
      {"id", "ID"},          {"login_id", "LoginID"},   {"timezone_id", "TimezoneID"},
      {"user_id", "UserID"}, {"client_id", "ClientID"}, {"is_sa_token", "IsSAtoken"}};
};
template <>
struct tokenmint::json::meta<tokenmint::alterian::create_impersonation_token_request> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {{"client_id", "ClientID"}, {"user_id", "UserID"}};
};
template <>
struct tokenmint::json::meta<tokenmint::alterian::create_static_token_request> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {{"client_id", "ClientID"}, {"user_id", "UserID"}};
};
template <>
struct tokenmint::json::meta<tokenmint::alterian::delete_static_token_request> {
  static constexpr auto naming = json::naming::pascal_case;
};
template <>
struct tokenmint::json::meta<tokenmint::alterian::update_static_token_request> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {{"user_id", "UserID"}};
};
template <>
struct tokenmint::json::meta<tokenmint::alterian::get_tokens_request> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {{"client_id", "ClientID"},
                                                                             {"include_sa", "IncludeSA"}};
};
template <class R>
struct tokenmint::json::meta<tokenmint::alterian::operation_result<R>> {
  static constexpr auto naming = json::naming::pascal_case;
};
