// A blocking HubSpot client for code without an event loop.
#pragma once

#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/service/blocking.hpp>

namespace tokenmint::hubspot {

/// `hubspot::client` without coroutines: each call runs on the facade's own io_context on the
/// calling thread and returns what the coroutine call would. Contract as
/// `uid2::basic_blocking_client`: blocks until the call ends (bounded by `call.retry.deadline`),
/// no cancellation, calls from several threads run one at a time, never from a hook.
class blocking_client : public service::blocking_facade<client> {
 public:
  explicit blocking_client(client_options options, https_transport_options transport = {})
      : blocking_facade(std::move(transport), [&](https_transport t) { return client(std::move(t), std::move(options)); }) {}

  /// `async_create_visitor_token`, blocking.
  result<visitor_token> create_visitor_token(visitor_token_request request, service::call_overrides per_call = {}) {
    return call(&client::async_create_visitor_token, std::move(request), std::move(per_call));
  }
};

}  // namespace tokenmint::hubspot
