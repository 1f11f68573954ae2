// Example 1: a UID2 (or EUID) identity's lifecycle, as a publisher's server sees it. Generate
// tokens for a user's email, refresh them before they expire, validate an advertising token, and
// meet an opt-out.
//
//   UID2_API_KEY=... UID2_CLIENT_SECRET=... 1_uid2_tokens BASE_URL [--euid]
//
// BASE_URL is an operator: `tokenmint::uid2::environments::integration` for UID2's test
// environment, or the `uid2_base_url` / `euid_base_url` that `tokenmint sandbox` prints.
// Credentials come from the environment, not from argv, which `ps` shows to everyone.
#include <tokenmint/uid2/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace uid2 = tokenmint::uid2;

namespace {

// The same code serves `uid2::client` and `euid::client`: one class template, two flavours.
template <class Client>
asio::awaitable<int> lifecycle(Client& client) {
  // Normalized and hashed here: the raw email never leaves the process.
  auto input = uid2::identity_input::from_email(" Jane.Doe@Example.com ");
  if (!input) {
    std::cerr << input.error() << '\n';
    co_return 1;
  }

  auto generated = co_await client.async_generate_token(*input);
  if (!generated) {
    std::cerr << "generate: " << generated.error() << '\n';  // HTTP status, operator's status and message
    co_return 1;
  }
  if (generated->status != uid2::token_status::success) {  // opted out: an outcome, not an error
    std::cout << "generate: " << to_string(generated->status) << '\n';
    co_return 0;
  }
  const uid2::identity& identity = *generated->identity;
  std::cout << "generated: an advertising token of " << identity.advertising_token.size() << " characters, refresh due at "
            << identity.refresh_from << " ms\n";

  // Keep `identity.to_json()` in the user's session; refresh once `is_due_for_refresh(now)`. The
  // refresh needs neither the API key nor the client secret: the identity carries its own key.
  auto refreshed = co_await client.async_refresh_token(identity);
  if (!refreshed || refreshed->status != uid2::token_status::success) {
    std::cerr << "refresh: " << (refreshed ? std::string(to_string(refreshed->status)) : refreshed.error().message) << '\n';
    co_return 1;
  }
  std::cout << "refreshed: a new refresh token, "
            << (refreshed->identity->refresh_token != identity.refresh_token ? "rotated" : "same") << '\n';

  // Validate checks an advertising token against the identifier it was made for.
  auto valid = co_await client.async_validate_token(refreshed->identity->advertising_token, *input);
  auto other = co_await client.async_validate_token(refreshed->identity->advertising_token,
                                                    uid2::identity_input::from_email("someone.else@example.com").value());
  if (!valid || !other) {
    std::cerr << "validate: " << (valid ? other.error() : valid.error()) << '\n';
    co_return 1;
  }
  std::cout << std::boolalpha << "validated: " << *valid << " for the same email, " << *other << " for another\n";

  // optout@example.com is the operators' opted-out test identity.
  auto optout = co_await client.async_generate_token(uid2::identity_input::from_email("optout@example.com").value());
  if (!optout) {
    std::cerr << "generate: " << optout.error() << '\n';
    co_return 1;
  }
  std::cout << "optout@example.com: " << to_string(optout->status) << '\n';
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string_view(argv[2]) != "--euid")) {
    std::cerr << "usage: UID2_API_KEY=... UID2_CLIENT_SECRET=... " << argv[0] << " BASE_URL [--euid]\n";
    return 2;
  }
  // An unset variable is an error naming it, not a crash.
  auto api_key = tokenmint::secret_from_env("UID2_API_KEY");
  auto client_secret = tokenmint::secret_from_env("UID2_CLIENT_SECRET");
  if (!api_key || !client_secret) {
    std::cerr << (api_key ? client_secret : api_key).error().message << '\n';
    return 2;
  }

  uid2::client_options options;
  options.base_url = argv[1];
  options.api_key = std::move(*api_key);
  options.client_secret = std::move(*client_secret);

  // The io_context is declared first so that it outlives the transport and the client.
  asio::io_context io;
  tokenmint::https_transport transport(io.get_executor());
  int status = 1;
  auto done = [&status](std::exception_ptr e, int rc) { status = e ? 1 : rc; };
  if (argc == 3) {
    tokenmint::euid::client client(transport, options);
    asio::co_spawn(io, lifecycle(client), done);
    io.run();
  } else {
    uid2::client client(transport, options);
    asio::co_spawn(io, lifecycle(client), done);
    io.run();
  }
  return status;
}
