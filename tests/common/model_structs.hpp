// The structs of the shared test models, without any JSON library: the includer defines
// TOKENMINT_TEST_FREE_FORM, the type of HubSpot's free-form `context` (tokenmint::json::value in
// tests/common/models.hpp; nlohmann::json or std::string in the compile-time benchmark).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#ifndef TOKENMINT_TEST_FREE_FORM
#error "define TOKENMINT_TEST_FREE_FORM (the type of a free-form JSON member) before including model_structs.hpp"
#endif

namespace tokenmint::test {

// UID2 /v2/token/generate decrypted response (snake_case: member names as they are).
struct uid2_identity {
  std::string advertising_token;
  std::string refresh_token;
  std::int64_t identity_expires = 0;
  std::int64_t refresh_expires = 0;
  std::int64_t refresh_from = 0;
  std::string refresh_response_key;
  bool operator==(const uid2_identity&) const = default;
};

enum class uid2_status { success, optout, client_error, unauthorized };

struct uid2_generate_response {
  std::optional<uid2_identity> body;
  uid2_status status = uid2_status::success;
  std::optional<std::string> message;
  bool operator==(const uid2_generate_response&) const = default;
};

// HubSpot's Error (camelCase).
struct hubspot_error_detail {
  std::string message;
  std::optional<std::string> in;
  std::optional<std::string> code;
  std::optional<std::string> sub_category;
  std::optional<std::map<std::string, std::vector<std::string>>> context;
  bool operator==(const hubspot_error_detail&) const = default;
};

struct hubspot_error {
  std::string category;
  std::string correlation_id;
  std::string message;
  std::optional<std::string> sub_category;
  std::optional<TOKENMINT_TEST_FREE_FORM> context;  // free-form
  std::optional<std::map<std::string, std::string>> links;
  std::optional<std::vector<hubspot_error_detail>> errors;
  std::optional<std::string> policy_name;
  bool operator==(const hubspot_error&) const = default;
};

// Alterian GetTokens default response (PascalCase, with the service's own spellings renamed).
struct alterian_cursor {
  std::optional<std::int32_t> from;
  std::optional<std::int32_t> to;
  std::optional<std::int64_t> total;
  std::optional<bool> sort_descending;
  std::optional<std::string> sort_property;
  bool operator==(const alterian_cursor&) const = default;
};

struct alterian_token_information {
  std::int32_t id = 0;
  std::optional<std::string> login_id;
  std::string token;
  std::optional<std::int32_t> timezone_id;
  std::optional<std::int32_t> user_id;
  std::optional<std::int32_t> client_id;
  std::optional<std::string> last_activity;
  std::optional<std::string> created;
  std::optional<std::string> culture;
  std::optional<bool> is_static;
  std::optional<bool> is_sa_token;
  bool operator==(const alterian_token_information&) const = default;
};

struct alterian_get_tokens_response {
  std::optional<std::string> status_code;
  std::optional<std::string> debug_message;
  std::optional<std::vector<std::vector<std::string>>> detail;
  std::optional<alterian_cursor> cursor;
  std::optional<std::vector<alterian_token_information>> result;
  bool operator==(const alterian_get_tokens_response&) const = default;
};

}  // namespace tokenmint::test
