// The definitions of Alterian's `basic_client` (client.hpp declares it). Included by client.hpp
// in header-only mode; with -DTOKENMINT_SEPARATE_COMPILATION, by the one .cpp that includes
// <tokenmint/separate_compilation.hpp>, and by any file that uses a client over its own transport.
// Templates and `inline` functions only, so any number of files may include it.
#pragma once

#include <tokenmint/alterian/client.hpp>

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/service/helpers.hpp>

namespace tokenmint::alterian {

namespace detail {

inline tokenmint::error http_error(std::string_view operation, const http::response& res) {
  diagnostics d;
  d.raw_body = res.body;
  d.headers = service::keep_headers(res, {"x-request-id", "x-correlation-id"});
  if (auto b = json::read<operation_result<json::value>>(res.body)) {
    d.service_status = b->status_code.value_or("");
    d.service_message = b->debug_text();
    if (b->detail)
      for (const auto& row : *b->detail) {
        std::string line;
        for (const auto& cell : row) line += (line.empty() ? "" : "; ") + cell;
        d.details.push_back(std::move(line));
      }
  }
  return service::http_status_error("alterian " + std::string(operation), res, std::move(d));
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

template <class Transport>
asio::awaitable<result<token_result>> basic_client<Transport>::async_create_impersonation_token(
    create_impersonation_token_request r, service::call_overrides per_call) {
  static constexpr std::string_view sensitive[] = {"Result"};
  co_return co_await call<token_result>("CreateImpersonationToken", json::write(r), false, sensitive, per_call);
}

template <class Transport>
asio::awaitable<result<token_result>> basic_client<Transport>::async_create_static_token(create_static_token_request r,
                                                                                         service::call_overrides per_call) {
  static constexpr std::string_view sensitive[] = {"Result"};
  co_return co_await call<token_result>("CreateStaticToken", json::write(r), false, sensitive, per_call);
}

template <class Transport>
asio::awaitable<result<change_result>> basic_client<Transport>::async_delete_static_token(delete_static_token_request r,
                                                                                          service::call_overrides per_call) {
  if (!is_uuid(r.token_to_delete.reveal()))
    co_return tokenmint::error{errc::invalid_argument, "token_to_delete: not a GUID (8-4-4-4-12 hex digits)"};
  co_return co_await call<change_result>("DeleteStaticToken", json::write(r), false, std::span<const std::string_view>(),
                                         per_call);
}

template <class Transport>
asio::awaitable<result<change_result>> basic_client<Transport>::async_update_static_token(update_static_token_request r,
                                                                                          service::call_overrides per_call) {
  if (!is_uuid(r.token_to_update.reveal()))
    co_return tokenmint::error{errc::invalid_argument, "token_to_update: not a GUID (8-4-4-4-12 hex digits)"};
  co_return co_await call<change_result>("UpdateStaticToken", json::write(r), true, std::span<const std::string_view>(),
                                         per_call);
}

template <class Transport>
asio::awaitable<result<token_list_result>> basic_client<Transport>::async_get_tokens(get_tokens_request r,
                                                                                     service::call_overrides per_call) {
  if (r.cursor && r.cursor->from && r.cursor->to && *r.cursor->to < *r.cursor->from)
    co_return tokenmint::error{errc::invalid_argument, "cursor: to is before from"};
  if (r.cursor && r.cursor->from && *r.cursor->from < 0)
    co_return tokenmint::error{errc::invalid_argument, "cursor: from is negative"};
  co_return co_await call<token_list_result>("GetTokens", json::write(r), true, std::span<const std::string_view>(), per_call);
}

template <class Transport>
asio::awaitable<result<token_list_result>> basic_client<Transport>::async_get_all_tokens(get_tokens_request r,
                                                                                         std::int32_t page_size,
                                                                                         service::call_overrides per_call) {
  if (page_size <= 0) co_return tokenmint::error{errc::invalid_argument, "page_size: must be positive"};
  token_list_result all;
  all.result.emplace();
  std::int32_t from = r.cursor && r.cursor->from ? *r.cursor->from : 0;
  for (;;) {
    get_tokens_request page = r;
    if (!page.cursor) page.cursor.emplace();
    page.cursor->from = from;
    page.cursor->to = from + page_size - 1;
    auto got = co_await async_get_tokens(std::move(page), per_call);
    if (!got) co_return std::move(got).error();
    const std::size_t rows = got->result ? got->result->size() : 0;
    if (got->result)
      for (auto& t : *got->result) all.result->push_back(std::move(t));
    all.status_code = std::move(got->status_code);
    all.debug_message = std::move(got->debug_message);
    all.detail = std::move(got->detail);
    all.cursor = std::move(got->cursor);
    const std::int64_t total = all.cursor && all.cursor->total ? *all.cursor->total : -1;
    if (rows < static_cast<std::size_t>(page_size) || (total >= 0 && static_cast<std::int64_t>(all.result->size()) >= total))
      break;
    if (from > INT32_MAX - page_size) break;
    from += page_size;
  }
  co_return all;
}

template <class Transport>
template <class R>
asio::awaitable<result<R>> basic_client<Transport>::call(std::string_view operation, std::string body, bool replay_safe,
                                                         std::span<const std::string_view> sensitive,
                                                         service::call_overrides per_call) {
  auto base = service::trimmed_base_url(options_.base_url, "alterian");
  if (!base) co_return std::move(base).error();
  const auth::api_key_header credential{"X-Api-Key", options_.api_key, {}};
  if (auto ok = credential.check(); !ok) co_return std::move(ok).error();
  const std::string url = *base + '/' + std::string(operation);
  auto make = [&]() -> result<http::request> {
    http::request req = service::make_post(url, "application/json", body, options_.user_agent);
    credential.apply(req);
    return req;
  };
  service::call_info info{"alterian", operation, replay_safe, sensitive, nullptr};
  auto to_error = [operation](const http::response& r) { return detail::http_error(operation, r); };
  const service::effective_call effective(options_.call, per_call);
  auto res = co_await service::send_checked(transport_, make, effective.get(), info, to_error);
  if (!res) co_return std::move(res).error();
  co_return service::read_secret_answer<R>("alterian " + std::string(operation), *res);  // tokens are credentials
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::alterian
