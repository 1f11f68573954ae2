// Compile-time benchmark: a translation unit that makes one UID2 call through the default
// client (`uid2::client`, the HTTPS transport), as an application's source file would.
#include <tokenmint/uid2/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

int main() {
  asio::io_context io;
  tokenmint::uid2::client_options o;
  o.base_url = "https://operator-integ.uidapi.com";
  tokenmint::uid2::client c(tokenmint::https_transport(io.get_executor()), o);
  asio::co_spawn(io, c.async_generate_token(tokenmint::uid2::identity_input::from_email("user@example.com").value()),
                 asio::detached);
  io.run();
}
