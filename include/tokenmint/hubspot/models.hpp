// HubSpot visitor identification: request, response and error models (camelCase on the wire),
// and client options.
#pragma once

#include <tokenmint/core/secret.hpp>
#include <tokenmint/json/json.hpp>
#include <tokenmint/service/call_options.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenmint::hubspot {

/// `IdentificationTokenGenerationRequest`. `email` is required; HubSpot applies the names only
/// to new contacts or contacts without one. `hs_customer_agent_context` is required by the
/// newer `/visitor-identification/v3/...` path in some API versions; leave it empty otherwise.
struct visitor_token_request {
  std::string email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::map<std::string, std::string>> hs_customer_agent_context;
};

/// `IdentificationTokenResponse`: a new token on every call, valid 12 hours, to hand to the chat
/// widget (`window.hsConversationsSettings.identificationToken`).
struct visitor_token {
  secret_string token;  ///< a credential: wiped when dropped, `<redacted>` when printed
};

/// One item of `Error.errors`.
struct error_detail {
  std::optional<std::string> message;
  std::optional<std::string> in;
  std::optional<std::string> code;
  std::optional<std::string> sub_category;
  std::optional<json::value> context;
};

/// HubSpot's `Error`, read leniently: every member optional (HubSpot's own advice), the fields
/// real answers add beyond the schema (`status`, `errorType`, `policyName`, `requestId`) kept.
struct error_body {
  std::optional<std::string> status;
  std::optional<std::string> message;
  std::optional<std::string> correlation_id;
  std::optional<std::string> category;
  std::optional<std::string> sub_category;
  std::optional<std::string> error_type;
  std::optional<std::string> policy_name;  ///< on 429: "DAILY" or "TEN_SECONDLY_ROLLING"
  std::optional<std::string> request_id;
  std::optional<json::value> context;
  std::optional<json::value> links;
  std::optional<std::vector<error_detail>> errors;
  std::optional<std::string> error;              ///< RFC 6749 style OAuth answers: "invalid_grant", ...
  std::optional<std::string> error_description;  ///< ... and their text
};

/// The two paths of the operation: the documented one, and the one HubSpot's SDKs use since 2024-09.
namespace paths {
inline constexpr std::string_view conversations_v3 = "/conversations/v3/visitor-identification/tokens/create";
inline constexpr std::string_view visitor_identification_v3 = "/visitor-identification/v3/tokens/create";
}  // namespace paths

/// Client settings, an aggregate.
struct client_options {
  std::string base_url = "https://api.hubapi.com";
  secret_string access_token;  ///< a private app's (or any fixed) access token, sent as `Authorization: Bearer`
                               ///< (a public app passes a token provider to the client instead)
  std::string path = std::string(paths::conversations_v3);
  std::string user_agent;      ///< empty: "tokenmint-cpp/<version>"
  service::call_options call;  ///< timeout, retries, limiter (`rate_limiter::hubspot_default()`), hooks
};

}  // namespace tokenmint::hubspot

template <>
struct tokenmint::json::meta<tokenmint::hubspot::visitor_token_request> {
  static constexpr auto naming = json::naming::camel_case;
};
template <>
struct tokenmint::json::meta<tokenmint::hubspot::error_detail> {
  static constexpr auto naming = json::naming::camel_case;
};
template <>
struct tokenmint::json::meta<tokenmint::hubspot::error_body> {
  static constexpr auto naming = json::naming::camel_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {{"error_description", "error_description"}};
};
