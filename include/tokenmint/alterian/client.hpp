// Alterian Journey Analytics TokenApi over any transport: create/delete/update static tokens,
// impersonation tokens, list tokens (with cursor paging).
#pragma once

#include <tokenmint/alterian/models.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace tokenmint::alterian {

/// Whether `s` is a GUID in the 8-4-4-4-12 hex form the service's `format: uuid` asks for.
constexpr bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// The TokenApi over `Transport`; `alterian::client` uses `https_transport`. Every call returns
/// the service's `OperationResult` (`status_code`, `detail`, `debug_message`, `cursor`) with its
/// `result`: the service reports logical failures there, with HTTP 200. A non-2xx answer is an
/// error (`unauthorized` for 401/403, `rate_limited` for 429, else `service_error`) with the
/// same fields in `diag`.
/// Contract, for every `async_*` operation:
/// - Lifetime: the client must outlive every call it started; arguments are taken by value.
/// - Cancellation: Asio per-operation cancellation (terminal, partial, total) through the
///   transport and the retry waits; a cancelled call returns `errc::cancelled`, the client stays usable.
/// - Deadline: each attempt is bounded by `call.timeout` (30 s), the whole call, retries and waits
///   included, by `call.retry.deadline`; a trailing `service::call_overrides` changes either for one call.
/// - Thread-safety: not thread-safe; use one client from one strand. Calls may overlap there.
/// g++ 12: do not `co_await` inside a constructor argument of the client or its transport
/// (`client c(https_transport(co_await this_coro::executor), o)` frees a wild pointer); await into
/// a named local first.
template <class Transport>
class basic_client {
  static_assert(check_http_transport<Transport>());

 public:
  using transport_type = Transport;

  basic_client(Transport transport, client_options options) : transport_(std::move(transport)), options_(std::move(options)) {}

  const client_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// POST /CreateImpersonationToken (SA token): a token acting as `client_id` (and `user_id`).
  asio::awaitable<result<token_result>> async_create_impersonation_token(create_impersonation_token_request r,
                                                                         service::call_overrides per_call = {});

  /// POST /CreateStaticToken: a token that is never purged, mapped to `user_id`.
  asio::awaitable<result<token_result>> async_create_static_token(create_static_token_request r,
                                                                  service::call_overrides per_call = {});

  /// POST /DeleteStaticToken. `result` says whether a token was removed.
  asio::awaitable<result<change_result>> async_delete_static_token(delete_static_token_request r,
                                                                   service::call_overrides per_call = {});

  /// POST /UpdateStaticToken: maps the static token to `user_id`.
  asio::awaitable<result<change_result>> async_update_static_token(update_static_token_request r,
                                                                   service::call_overrides per_call = {});

  /// POST /GetTokens: one call, one page when `r.cursor` is set (rows `from`..`to`).
  asio::awaitable<result<token_list_result>> async_get_tokens(get_tokens_request r, service::call_overrides per_call = {});

  /// Every matching token, fetched in pages of `page_size` rows with the cursor until the
  /// service's `total` is reached (or a page comes back short). The last page's result fields
  /// (status code, detail) are returned with all rows.
  asio::awaitable<result<token_list_result>> async_get_all_tokens(get_tokens_request r, std::int32_t page_size = 100,
                                                                  service::call_overrides per_call = {});

 private:
  template <class R>
  asio::awaitable<result<R>> call(std::string_view operation, std::string body, bool replay_safe,
                                  std::span<const std::string_view> sensitive, service::call_overrides per_call);

  Transport transport_;
  client_options options_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

using client = basic_client<https_transport>;

}  // namespace tokenmint::alterian

#if defined(TOKENMINT_SEPARATE_COMPILATION)
// Compiled once, by the .cpp that includes <tokenmint/separate_compilation.hpp>; a client over
// another transport needs <tokenmint/alterian/client_impl.hpp> where it is used.
namespace tokenmint::alterian {
extern template class basic_client<https_transport>;
}  // namespace tokenmint::alterian
#else
#include <tokenmint/alterian/client_impl.hpp>
#endif
