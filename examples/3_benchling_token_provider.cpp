// Example 3: Benchling OAuth2 client-credentials tokens through the cached token provider. An
// app asks the provider for a token before each Benchling call; the provider fetches one, serves
// it until shortly before it expires (refresh margin and jitter), lets one caller refresh while
// the others wait (single flight), and after a 401 fetches a fresh token and retries once.
//
//   BENCHLING_CLIENT_SECRET=... 3_benchling_token_provider BASE_URL CLIENT_ID
//
// BASE_URL is the tenant's API base, `benchling::tenant_url("acme")` =
// https://acme.benchling.com/api/v2, or the `benchling_base_url` that `tokenmint sandbox` prints.
#include <tokenmint/benchling/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace benchling = tokenmint::benchling;

namespace {

asio::awaitable<int> use_tokens(benchling::token_provider<tokenmint::https_transport>& provider, std::string api_base) {
  // Two calls, one request to the token endpoint: the second is served from the cache.
  auto first = co_await provider.async_token();
  auto second = co_await provider.async_token();
  if (!first || !second) {
    std::cerr << "token: " << (first ? second.error() : first.error()) << '\n';  // e.g. unauthorized, invalid_client
    co_return 1;
  }
  std::cout << "token: " << first->token << ", " << provider.refresh_count() << " request to the token endpoint for 2 calls\n";

  // async_call(f) hands f a valid bearer; if f fails with errc::unauthorized (the token was
  // revoked early), it drops that token, fetches a new one and calls f once more.
  auto built = co_await provider.async_call(
      [&](const tokenmint::auth::bearer& b) -> asio::awaitable<tokenmint::result<tokenmint::http::request>> {
        tokenmint::http::request req{tokenmint::http::verb::get, api_base + "/entries?pageSize=1", {}, {}};
        b.apply(req);  // Authorization: Bearer ...
        // Here an app sends `req` with its transport and returns the parsed answer.
        co_return req;
      });
  if (!built) {
    std::cerr << "call: " << built.error() << '\n';
    co_return 1;
  }
  std::cout << "call: GET " << built->url << " with an Authorization header of "
            << built->headers.get("Authorization").value_or("").size() << " characters\n";
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto secret = tokenmint::secret_from_env("BENCHLING_CLIENT_SECRET");
  if (argc != 3 || !secret) {
    std::cerr << "usage: BENCHLING_CLIENT_SECRET=... " << argv[0] << " BASE_URL CLIENT_ID\n";
    return 2;
  }
  benchling::client_options options;
  options.base_url = argv[1];
  options.client_id = argv[2];
  options.client_secret = std::move(*secret);

  asio::io_context io;  // first: it must outlive the transport, the client and the provider
  tokenmint::https_transport transport(io.get_executor());
  tokenmint::auth::token_cache_options cache;  // refresh 60 s (minus up to 10 s of jitter) before expiry
  benchling::token_provider<tokenmint::https_transport> provider(benchling::client(transport, options), cache);
  int status = 1;
  asio::co_spawn(io, use_tokens(provider, options.base_url), [&status](std::exception_ptr e, int rc) { status = e ? 1 : rc; });
  io.run();
  return status;
}
