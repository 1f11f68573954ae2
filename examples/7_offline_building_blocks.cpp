// Example 7: the sans-io building blocks under the clients, usable without a network: errors as
// values, UID2 normalization and hashing, JSON for plain structs, and the UID2 request envelope.
//
//   UID2_CLIENT_SECRET=... 7_offline_building_blocks
//
// It prints a sealed request envelope; `tokenmint uid2 decrypt-request --secret ...` opens it as
// the operator would.
#include <tokenmint/core/clock.hpp>
#include <tokenmint/json/json.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/normalize.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

namespace json = tokenmint::json;
namespace uid2 = tokenmint::uid2;

// A plain aggregate: reflected at compile time, no macro, no registration.
struct cursor {
  std::optional<std::int32_t> from, to;
  std::optional<std::string> sort_property;
};
// Only what differs from the defaults (snake_case names) is declared.
template <>
struct tokenmint::json::meta<cursor> {
  static constexpr auto naming = json::naming::pascal_case;  // {"From":0,"To":6,"SortProperty":"Created"}
};

int main() {
  // Errors are values: result<T> holds the value or a tokenmint::error naming what is wrong.
  auto bad = uid2::hash_email("jane.doe.example.com");
  if (!bad) std::cout << "bad email: " << bad.error().message << '\n';  // "email: no '@'"
  auto hash = uid2::hash_email("  Jane.Doe+home@GMAIL.com ");           // Gmail: dots and +tag dropped
  if (!hash) return 1;
  std::cout << "email hash: " << *hash << '\n';

  // JSON straight into the struct and back, errors naming the member and the byte offset.
  auto c = json::read<cursor>(R"({"From":0,"To":6,"SortProperty":"Created","Total":7})");  // unknown members skipped
  if (!c) return 1;
  std::cout << "json: " << json::write(*c) << '\n';
  auto wrong = json::read<cursor>(R"({"From":"zero"})");
  if (!wrong) std::cout << "json error: " << wrong.error().message << '\n';

  // The request envelope: the key schedule is computed once per key, each request gets a fresh
  // timestamp, nonce and IV. Keep `params.nonce`: the response must echo it.
  auto secret = tokenmint::secret_from_env("UID2_CLIENT_SECRET");
  if (!secret) {
    std::cerr << secret.error().message << "; usage: UID2_CLIENT_SECRET=... 7_offline_building_blocks\n";
    return 2;
  }
  auto key = uid2::make_key(*secret);  // invalid_key unless base64 of 32 bytes
  auto params = uid2::make_request_params(tokenmint::default_clock().now_ms());
  if (!key || !params) return 1;
  const std::string request = R"({"email_hash":")" + *hash + R"("})";
  auto body = uid2::seal_request(*key, *params, request);  // the POST body, base64
  if (!body) return 1;
  std::cout << "envelope: " << *body << '\n';
  return 0;
}
