// The definitions of Benchling's `basic_client` (client.hpp declares it). Included by client.hpp
// in header-only mode; with -DTOKENMINT_SEPARATE_COMPILATION, by the one .cpp that includes
// <tokenmint/separate_compilation.hpp>, and by any file that uses a client over its own transport.
// Templates and `inline` functions only, so any number of files may include it.
#pragma once

#include <tokenmint/benchling/client.hpp>

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/service/helpers.hpp>

namespace tokenmint::benchling {

namespace detail {

inline tokenmint::error http_error(const http::response& res) {
  diagnostics d;
  d.raw_body = res.body;
  d.headers = service::keep_headers(res, {"x-rate-limit-", "x-request-id"});
  if (auto b = json::read<error_body>(res.body); b && b->error) {
    d.service_status = b->error->type.value_or("");
    d.service_message = b->error->message.value_or("");
    if (b->error->user_message && *b->error->user_message != d.service_message)
      d.details.push_back("userMessage: " + *b->error->user_message);
  }
  return service::http_status_error("benchling generate_token", res, std::move(d));
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

template <class Transport>
asio::awaitable<result<auth::oauth2_token>> basic_client<Transport>::async_generate_token(service::call_overrides per_call) {
  auto base = service::trimmed_base_url(options_.base_url, "benchling");
  if (!base) co_return std::move(base).error();
  const auth::basic credential{options_.client_id, options_.client_secret};
  if (auto ok = credential.check(); !ok)
    co_return tokenmint::error{errc::invalid_argument, "client_id/client_secret: " + ok.error().message};
  const std::string url = *base + "/token";
  auto make = [&]() -> result<http::request> {
    std::string form = http::form_encode({{"grant_type", "client_credentials"}});
    if (options_.credentials_in_body) {
      http::form_append(form, "client_id", options_.client_id);
      http::form_append(form, "client_secret", options_.client_secret.reveal());
    }
    http::request req = service::make_post(url, "application/x-www-form-urlencoded", std::move(form), options_.user_agent);
    if (!options_.credentials_in_body) credential.apply(req);
    return req;
  };
  static constexpr std::string_view sensitive[] = {"access_token", "client_secret"};
  service::call_info info{"benchling", "generate_token", true, sensitive, nullptr};
  const service::effective_call call(options_.call, per_call);
  auto res = co_await service::send_checked(transport_, make, call.get(), info, &detail::http_error);
  if (!res) co_return std::move(res).error();
  auto body = service::read_secret_answer<token_response>("benchling generate_token", *res);
  if (!body) co_return std::move(body).error();
  if (!body->access_token || body->access_token->empty())
    co_return tokenmint::error{errc::invalid_response, "benchling generate_token: no access_token in the answer"};
  if (body->token_type && !http::iequals(*body->token_type, "bearer"))
    co_return tokenmint::error{errc::invalid_response,
                               "benchling generate_token: token_type \"" + *body->token_type + "\", expected Bearer"};
  if (body->expires_in && *body->expires_in < 0)
    co_return tokenmint::error{errc::invalid_response, "benchling generate_token: negative expires_in"};
  auth::oauth2_token t;
  t.access_token = std::move(*body->access_token);
  t.token_type = body->token_type.value_or("Bearer");
  t.expires_in = std::chrono::seconds(body->expires_in.value_or(0));
  co_return t;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::benchling
