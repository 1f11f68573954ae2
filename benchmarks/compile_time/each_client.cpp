// Compile-time benchmark: the user's view. One translation unit that makes one call of each
// client (UID2, HubSpot, Benchling through its token provider, Alterian) through the default
// HTTPS transport, as an application's source file would. Built header-only and with
// -DTOKENMINT_SEPARATE_COMPILATION (the engines then come from tokenmint's one .cpp).
#include <tokenmint/alterian/client.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/uid2/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <iostream>

namespace tkm = tokenmint;

asio::awaitable<void> each_call(asio::io_context& io) {
  const tkm::https_transport transport(io.get_executor());

  tkm::uid2::client_options uo;
  uo.base_url = "https://operator-integ.uidapi.com";
  tkm::uid2::client u(transport, uo);
  auto g = co_await u.async_generate_token(tkm::uid2::identity_input::from_email("user@example.com").value());
  std::cout << (g ? to_string(g->status) : g.error().message) << '\n';

  tkm::hubspot::client_options ho;
  ho.base_url = "https://api.hubapi.com";
  tkm::hubspot::client h(transport, ho);
  tkm::hubspot::visitor_token_request vr;
  vr.email = "visitor@example.com";
  auto v = co_await h.async_create_visitor_token(vr);
  std::cout << (v ? "visitor token" : v.error().message) << '\n';

  tkm::benchling::client_options bo;
  bo.base_url = "https://tenant.benchling.com";
  tkm::benchling::token_provider<tkm::https_transport> p(tkm::benchling::client(transport, bo));
  auto t = co_await p.async_token();
  std::cout << (t ? "bearer" : t.error().message) << '\n';

  tkm::alterian::client_options ao;
  ao.base_url = "https://alterian.example.com/services/api.svc/jsonsdk";
  tkm::alterian::client a(transport, ao);
  auto s = co_await a.async_create_static_token({});
  std::cout << (s ? s->status_code.value_or("") : s.error().message) << '\n';
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, each_call(io), asio::detached);
  io.run();
}
