// One of two translation units of a user's program: this one includes <asio.hpp> before any
// tokenmint header (the other includes tokenmint first). Both must configure Asio alike, or Asio's
// recycled handler memory is allocated by one unit's code and freed by the other's with another
// function (ASan: alloc-dealloc-mismatch). The build interface makes them agree.
#include <asio.hpp>

#include <tokenmint/uid2/client.hpp>

#include <string>

// Generates a token in this unit's code: its coroutine frames, timers and handlers are
// allocated here and recycled by the other unit's.
asio::awaitable<bool> generate_in_asio_first_unit(std::string base_url, std::string api_key, std::string client_secret) {
  tokenmint::uid2::client_options o;
  o.base_url = std::move(base_url);
  o.api_key = tokenmint::secret_string(std::move(api_key));
  o.client_secret = tokenmint::secret_string(std::move(client_secret));
  const auto ex = co_await asio::this_coro::executor;
  tokenmint::https_transport transport(ex);
  tokenmint::uid2::client c(std::move(transport), o);
  asio::steady_timer t(ex, std::chrono::milliseconds(1));
  co_await t.async_wait(asio::use_awaitable);
  auto r = co_await c.async_generate_token(tokenmint::uid2::identity_input::from_email("user@example.com").value());
  co_return r && r->identity.has_value();
}
