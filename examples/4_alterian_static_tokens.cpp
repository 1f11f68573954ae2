// Example 4: Alterian Journey Analytics static tokens with a service-account (SA) token: create
// one for a user of a client, move it to another user, list the client's static tokens page by
// page, and delete it.
//
//   ALTERIAN_API_KEY=... 4_alterian_static_tokens BASE_URL
//
// BASE_URL is the customer's TokenApi, e.g. https://alterian.example.com/services/api.svc/jsonsdk,
// or the `alterian_base_url` that `tokenmint sandbox` prints.
#include <tokenmint/alterian/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace alterian = tokenmint::alterian;

namespace {

asio::awaitable<int> manage(alterian::client& client) {
  alterian::create_static_token_request create;
  create.client_id = 12;  // required with an SA token
  create.user_id = 34;
  auto created = co_await client.async_create_static_token(create);
  // Alterian reports logical failures inside an HTTP 200 answer: look at status_code and detail.
  if (!created || !created->result) {
    std::cerr << "create: " << (created ? created->status_code.value_or("no token") : created.error().message) << '\n';
    co_return 1;
  }
  const tokenmint::secret_string token = *created->result;  // a credential: prints as <redacted>
  std::cout << "created: static token " << token << " (" << created->status_code.value_or("") << ")\n";

  alterian::update_static_token_request update;
  update.token_to_update = token;
  update.user_id = 35;
  auto updated = co_await client.async_update_static_token(update);
  if (!updated) {
    std::cerr << "update: " << updated.error() << '\n';
    co_return 1;
  }
  std::cout << "updated: " << std::boolalpha << updated->result.value_or(false) << '\n';

  // Every static token of client 12, fetched 10 rows at a time until the cursor's total.
  alterian::get_tokens_request list;
  list.client_id = 12;
  list.include_static = true;
  auto all = co_await client.async_get_all_tokens(list, 10);
  if (!all) {
    std::cerr << "list: " << all.error() << '\n';
    co_return 1;
  }
  for (const auto& t : *all->result)
    std::cout << "listed: token of user " << t.user_id.value_or(-1) << (t.is_static.value_or(false) ? ", static" : "") << '\n';

  alterian::delete_static_token_request remove;
  remove.token_to_delete = token;
  auto deleted = co_await client.async_delete_static_token(remove);
  auto again = co_await client.async_delete_static_token(remove);
  if (!deleted || !again) {
    std::cerr << "delete: " << (deleted ? again.error() : deleted.error()) << '\n';
    co_return 1;
  }
  std::cout << "deleted: " << deleted->result.value_or(false) << ", then again: " << again->result.value_or(false) << '\n';
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto api_key = tokenmint::secret_from_env("ALTERIAN_API_KEY");
  if (argc != 2 || !api_key) {
    std::cerr << "usage: ALTERIAN_API_KEY=... " << argv[0] << " BASE_URL\n";
    return 2;
  }
  alterian::client_options options;
  options.base_url = argv[1];
  options.api_key = std::move(*api_key);

  asio::io_context io;  // first: it must outlive the transport and the client
  tokenmint::https_transport transport(io.get_executor());
  alterian::client client(transport, options);
  int status = 1;
  asio::co_spawn(io, manage(client), [&status](std::exception_ptr e, int rc) { status = e ? 1 : rc; });
  io.run();
  return status;
}
