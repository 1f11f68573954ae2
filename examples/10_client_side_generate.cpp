// Example 10: client-side token generation, as a native, CTV or desktop app (or a game client)
// does it: no API key, only what the publisher publishes, its subscription id and its server
// public key. The email is normalized and hashed here, sealed under a key agreed with the
// operator (P-256 ECDH), and the identity that comes back refreshes without any credential.
//
//   10_client_side_generate BASE_URL SUBSCRIPTION_ID PUBLIC_KEY
//
// `tokenmint sandbox` prints all three (uid2_base_url, cstg_subscription_id, cstg_public_key);
// the sandbox allows the app name com.example.app.
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/client_side_client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <iostream>
#include <string>

namespace uid2 = tokenmint::uid2;

namespace {

asio::awaitable<int> run(tokenmint::https_transport transport, uid2::client_side_options options) {
  uid2::client_side_client app(transport, options);
  auto generated = co_await app.async_generate_token(uid2::identity_input::from_email("Jane.Doe@example.com").value());
  if (!generated) {
    std::cerr << "client-side generate: " << generated.error() << '\n';  // invalid_app_name, invalid_http_origin, ...
    co_return 1;
  }
  if (generated->status != uid2::token_status::success) {  // opted out: an outcome, not an error
    std::cout << "client-side generate: " << to_string(generated->status) << '\n';
    co_return 0;
  }
  const uid2::identity identity = *generated->identity;
  std::cout << "client-side generate: an advertising token of " << identity.advertising_token.size()
            << " characters, refresh from " << identity.refresh_from << '\n';

  // Refresh needs no API key: a publisher client with only the base URL.
  uid2::client_options refresh_only;
  refresh_only.base_url = options.base_url;
  uid2::client refresher(transport, refresh_only);
  auto refreshed = co_await refresher.async_refresh_token(identity);
  if (!refreshed) {
    std::cerr << "refresh: " << refreshed.error() << '\n';
    co_return 1;
  }
  std::cout << "refresh: " << to_string(refreshed->status) << ", a new refresh token: "
            << (refreshed->identity && refreshed->identity->refresh_token != identity.refresh_token ? "yes" : "no") << '\n';

  // An app name the publisher did not register: a typed error that names it.
  options.app_name = "com.unknown.app";
  uid2::client_side_client stranger(transport, options);
  auto refused = co_await stranger.async_generate_token(uid2::identity_input::from_email("jane.doe@example.com").value());
  if (!refused && refused.error() == tokenmint::errc::invalid_app_name)
    std::cout << "unknown app: refused, " << refused.error().code.message() << '\n';
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: 10_client_side_generate BASE_URL SUBSCRIPTION_ID PUBLIC_KEY\n";
    return 2;
  }
  asio::io_context io;
  tokenmint::https_transport transport(io.get_executor());
  uid2::client_side_options options;
  options.base_url = argv[1];
  options.subscription_id = argv[2];
  options.server_public_key = argv[3];   // UID2-X-<env>-<base64>, as the portal gives it
  options.app_name = "com.example.app";  // an app; a web page sets options.origin instead
  int rc = 1;
  asio::co_spawn(io, run(transport, options), [&](std::exception_ptr e, int r) { rc = e ? 1 : r; });
  io.run();
  return rc;
}
