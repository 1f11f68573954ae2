// A user's test built against the installed testing component: the sandbox operator in process,
// and the UID2 client generating a token from it over loopback HTTP.
#include <tokenmint/testing/testing.hpp>
#include <tokenmint/tokenmint.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <iostream>

int main() {
  asio::io_context io;
  tokenmint::testing::sandbox box(io.get_executor());
  if (!box.status()) return 1;
  box.start();
  tokenmint::uid2::client_options o;
  o.base_url = box.base_url();
  o.api_key = tokenmint::secret_string(box.api_key());
  o.client_secret = tokenmint::secret_string(box.client_secret());
  int rc = 2;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        // Await into a named local first: g++ 12 miscompiles a co_await inside a constructor argument.
        const auto ex = co_await asio::this_coro::executor;
        tokenmint::https_transport transport(ex);
        tokenmint::uid2::client c(std::move(transport), o);
        auto input = tokenmint::uid2::identity_input::from_email("user@example.com").value();
        auto r = co_await c.async_generate_token(std::move(input));
        rc = r && r->identity && !r->identity->advertising_token.empty() ? 0 : 3;
        box.stop();
      },
      asio::detached);
  io.run();
  if (rc == 0) std::cout << "consumer-testing ok\n";
  return rc;
}
