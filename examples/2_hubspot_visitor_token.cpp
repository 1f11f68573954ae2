// Example 2: a HubSpot visitor identification token for the chat widget. The server that renders
// the page asks HubSpot for a token for the signed-in visitor and hands it to the page as
// `window.hsConversationsSettings.identificationToken`.
//
//   HUBSPOT_ACCESS_TOKEN=... 2_hubspot_visitor_token [BASE_URL]
//
// BASE_URL defaults to https://api.hubapi.com; `tokenmint sandbox` prints a local one.
#include <tokenmint/hubspot/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace hubspot = tokenmint::hubspot;

namespace {

asio::awaitable<int> identify(hubspot::client& client) {
  hubspot::visitor_token_request request;
  request.email = "visitor@example.com";
  request.first_name = "Gob";  // applied only to a new contact, or one without a name
  request.last_name = "Bluth";
  auto token = co_await client.async_create_visitor_token(request);
  if (!token) {
    // Typed: unauthorized (401/403), rate_limited (429; HubSpot's DAILY limit is never retried),
    // service_error; `diag` keeps HubSpot's category, message and correlation id.
    std::cerr << "visitor token: " << token.error() << '\n';
    co_return 1;
  }
  // The token is a credential (a secret_string): printing it shows <redacted>. reveal() gives the
  // text, to be written into the page, and nowhere else.
  const std::string& jwt = token->token.reveal();
  std::cout << "visitor token " << token->token << ": a JWT of " << jwt.size() << " characters in "
            << std::count(jwt.begin(), jwt.end(), '.') + 1 << " parts, valid 12 hours\n";

  hubspot::visitor_token_request over_limit;
  over_limit.email = "daily-limit@example.com";  // the sandbox answers it with HubSpot's DAILY 429
  auto refused = co_await client.async_create_visitor_token(over_limit);
  if (!refused)
    std::cout << "daily limit: " << refused.error().code.message() << " after " << refused.error().diag.attempts << " attempt\n";
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto access_token = tokenmint::secret_from_env("HUBSPOT_ACCESS_TOKEN");
  if (argc > 2 || !access_token) {
    std::cerr << "usage: HUBSPOT_ACCESS_TOKEN=... " << argv[0] << " [BASE_URL]\n";
    return 2;
  }
  hubspot::client_options options;  // base_url https://api.hubapi.com, timeout 30 s, retries on 429/5xx
  if (argc == 2) options.base_url = argv[1];
  options.access_token = std::move(*access_token);

  asio::io_context io;  // first: it must outlive the transport and the client
  tokenmint::https_transport transport(io.get_executor());
  hubspot::client client(transport, options);
  int status = 1;
  asio::co_spawn(io, identify(client), [&status](std::exception_ptr e, int rc) { status = e ? 1 : rc; });
  io.run();
  return status;
}
