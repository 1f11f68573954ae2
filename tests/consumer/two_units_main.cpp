// The other translation unit: tokenmint first, then Asio. It starts the sandbox and runs calls
// made in both units on one io_context, so that handler memory crosses between them.
#include <tokenmint/testing/testing.hpp>
#include <tokenmint/tokenmint.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <iostream>
#include <string>

asio::awaitable<bool> generate_in_asio_first_unit(std::string base_url, std::string api_key, std::string client_secret);

int main() {
  asio::io_context io;
  tokenmint::testing::sandbox box(io.get_executor());
  if (!box.status()) return 1;
  box.start();
  int ok = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 20; ++i) {
          asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
          co_await t.async_wait(asio::use_awaitable);
          if (co_await generate_in_asio_first_unit(box.base_url(), box.api_key(), box.client_secret())) ++ok;
        }
        box.stop();
      },
      asio::detached);
  io.run();
  if (ok != 20) return 2;
  std::cout << "two units ok\n";
  return 0;
}
