// A blocking Alterian client for code without an event loop.
#pragma once

#include <tokenmint/alterian/client.hpp>
#include <tokenmint/service/blocking.hpp>

namespace tokenmint::alterian {

/// `alterian::client` without coroutines: each call runs on the facade's own io_context on the
/// calling thread and returns what the coroutine call would. Contract as
/// `uid2::basic_blocking_client`: blocks until the call ends (bounded by `call.retry.deadline`),
/// no cancellation, calls from several threads run one at a time, never from a hook.
class blocking_client : public service::blocking_facade<client> {
 public:
  explicit blocking_client(client_options options, https_transport_options transport = {})
      : blocking_facade(std::move(transport), [&](https_transport t) { return client(std::move(t), std::move(options)); }) {}

  result<token_result> create_impersonation_token(create_impersonation_token_request r, service::call_overrides per_call = {}) {
    return call(&client::async_create_impersonation_token, std::move(r), std::move(per_call));
  }
  result<token_result> create_static_token(create_static_token_request r, service::call_overrides per_call = {}) {
    return call(&client::async_create_static_token, std::move(r), std::move(per_call));
  }
  result<change_result> delete_static_token(delete_static_token_request r, service::call_overrides per_call = {}) {
    return call(&client::async_delete_static_token, std::move(r), std::move(per_call));
  }
  result<change_result> update_static_token(update_static_token_request r, service::call_overrides per_call = {}) {
    return call(&client::async_update_static_token, std::move(r), std::move(per_call));
  }
  result<token_list_result> get_tokens(get_tokens_request r, service::call_overrides per_call = {}) {
    return call(&client::async_get_tokens, std::move(r), std::move(per_call));
  }
  /// Every page, as `async_get_all_tokens`.
  result<token_list_result> get_all_tokens(get_tokens_request r, std::int32_t page_size = 100,
                                           service::call_overrides per_call = {}) {
    return call(&client::async_get_all_tokens, std::move(r), page_size, std::move(per_call));
  }
};

}  // namespace tokenmint::alterian
