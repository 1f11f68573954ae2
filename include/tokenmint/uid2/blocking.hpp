// A blocking UID2/EUID client for code without an event loop: each call runs the coroutine
// client to completion on a private io_context.
#pragma once

#include <tokenmint/service/blocking.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/client_side_client.hpp>

namespace tokenmint::uid2 {

/// The UID2 (or EUID) publisher client without coroutines: `generate_token(input)` returns what
/// `co_await async_generate_token(input)` would, with the same outcomes and errors, after
/// running it on the facade's own io_context on the calling thread.
///
/// Contract: each call blocks until the operation ends, bounded by `call.retry.deadline` (60 s
/// by default) like the coroutine call; there is no cancellation (use the coroutine client for
/// that). Thread-safe: calls from several threads run one at a time. Not from a hook of the same
/// facade (it would wait for itself). Arguments are taken by value. Teardown: the facade owns its
/// io_context, transport and client.
template <flavour F = flavour::uid2>
class basic_blocking_client : public service::blocking_facade<basic_client<https_transport, F>> {
  using base = service::blocking_facade<basic_client<https_transport, F>>;
  using async_type = basic_client<https_transport, F>;

 public:
  /// The same options as the coroutine client; `transport` configures its `https_transport`.
  explicit basic_blocking_client(client_options options, https_transport_options transport = {})
      : base(std::move(transport), [&](https_transport t) { return async_type(std::move(t), std::move(options)); }) {}

  /// `async_generate_token`, blocking.
  result<token_response> generate_token(identity_input input, generate_options opts = {}, service::call_overrides per_call = {}) {
    return this->call(&async_type::async_generate_token, std::move(input), std::move(opts), std::move(per_call));
  }
  /// `async_refresh_token`, blocking.
  result<token_response> refresh_token(identity id, service::call_overrides per_call = {}) {
    return this->call(&async_type::async_refresh_token, std::move(id), std::move(per_call));
  }
  /// `async_validate_token`, blocking.
  result<bool> validate_token(std::string advertising_token, identity_input input, service::call_overrides per_call = {}) {
    return this->call(&async_type::async_validate_token, std::move(advertising_token), std::move(input), std::move(per_call));
  }
  /// `async_map_identities`, blocking.
  result<std::vector<mapped_identity>> map_identities(std::vector<identity_input> inputs, service::call_overrides per_call = {}) {
    return this->call(&async_type::async_map_identities, std::move(inputs), std::move(per_call));
  }
};

/// The blocking UID2 client.
using blocking_client = basic_blocking_client<>;

/// Client-side generate without coroutines, for an app with no event loop (a desktop program, a
/// game client): `generate_token(input)` returns what `co_await async_generate_token(input)`
/// would. Same contract as `basic_blocking_client` (blocks until done, bounded by
/// `call.retry.deadline`; calls from several threads run one at a time; no cancellation).
template <flavour F = flavour::uid2>
class basic_blocking_client_side_client : public service::blocking_facade<basic_client_side_client<https_transport, F>> {
  using base = service::blocking_facade<basic_client_side_client<https_transport, F>>;
  using async_type = basic_client_side_client<https_transport, F>;

 public:
  explicit basic_blocking_client_side_client(client_side_options options, https_transport_options transport = {})
      : base(std::move(transport), [&](https_transport t) { return async_type(std::move(t), std::move(options)); }) {}

  /// `async_generate_token`, blocking.
  result<token_response> generate_token(identity_input input, service::call_overrides per_call = {}) {
    return this->call(&async_type::async_generate_token, std::move(input), std::move(per_call));
  }
};

/// The blocking UID2 client-side generate client.
using blocking_client_side_client = basic_blocking_client_side_client<>;

}  // namespace tokenmint::uid2

namespace tokenmint::euid {

/// The blocking EUID client.
using blocking_client = uid2::basic_blocking_client<uid2::flavour::euid>;
/// The blocking EUID client-side generate client.
using blocking_client_side_client = uid2::basic_blocking_client_side_client<uid2::flavour::euid>;

}  // namespace tokenmint::euid
