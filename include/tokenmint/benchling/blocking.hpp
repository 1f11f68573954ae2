// A blocking Benchling client (and cached token) for code without an event loop.
#pragma once

#include <tokenmint/benchling/client.hpp>
#include <tokenmint/service/blocking.hpp>

namespace tokenmint::benchling {

/// `benchling::token_provider` without coroutines: `token()` returns a cached bearer, fetched
/// or refreshed ahead of expiry as the provider does; `generate_token()` always asks the token
/// endpoint. Each call runs on the facade's own io_context on the calling thread. Contract as
/// `uid2::basic_blocking_client`: blocks until the call ends (bounded by `call.retry.deadline`),
/// no cancellation, calls from several threads run one at a time, never from a hook.
class blocking_client : public service::blocking_facade<token_provider<https_transport>> {
  using provider = token_provider<https_transport>;

 public:
  explicit blocking_client(client_options options, https_transport_options transport = {}, auth::token_cache_options cache = {})
      : blocking_facade(std::move(transport),
                        [&](https_transport t) { return provider(client(std::move(t), std::move(options)), std::move(cache)); }) {
  }

  /// A valid bearer: the cached token, or a fresh one.
  result<auth::bearer> token() { return call(&provider::async_token); }
  /// `async_generate_token`, blocking: a new token from the endpoint (the cache is not touched).
  result<auth::oauth2_token> generate_token(service::call_overrides per_call = {}) {
    return loop_.run(client_.source().async_generate_token(std::move(per_call)));
  }
  /// How many requests reached the token endpoint through `token()` (read it between calls).
  std::size_t refresh_count() const noexcept { return client_.refresh_count(); }
};

}  // namespace tokenmint::benchling
