// The definitions of `uid2::basic_client_side_client` (client_side_client.hpp declares it).
// Included by client_side_client.hpp in header-only mode; with -DTOKENMINT_SEPARATE_COMPILATION,
// by the one .cpp that includes <tokenmint/separate_compilation.hpp>. Templates and `inline`
// functions only.
#pragma once

#include <tokenmint/uid2/client_side_client.hpp>

#include <tokenmint/http/url.hpp>
#include <tokenmint/service/helpers.hpp>
#include <tokenmint/uid2/client_impl.hpp>
#include <tokenmint/uid2/client_side.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tokenmint::uid2 {

namespace detail {

inline constexpr std::string_view client_generate_path = "/v2/token/client-generate";

/// An `Origin` header value: `http(s)://host[:port]`, nothing after it (no path, no trailing '/').
inline result<void> check_origin(std::string_view origin) {
  auto bad = [&](std::string why) {
    return tokenmint::error{errc::invalid_argument, "origin: \"" + std::string(origin) + "\" " + why};
  };
  auto u = http::parse_url(origin);
  if (!u) return bad("is not an http(s) origin: " + u.error().message);
  if (origin.ends_with('/') || u->path != "/" || !u->query.empty())
    return bad("is not an origin: scheme://host[:port], with no path (e.g. https://www.example.com)");
  return {};
}

/// The error for a final answer outside 2xx, as every UID2 call words it; the operator's 403s
/// become `invalid_http_origin` / `invalid_app_name`, naming what was refused.
inline tokenmint::error client_side_http_error(flavour f, const http::response& res, const client_side_options& o) {
  auto e = http_error(f, client_generate_path, res);
  if (res.status != 403) return e;
  if (e.diag.service_status == "invalid_http_origin") {
    e.code = make_error_code(errc::invalid_http_origin);
    e.message = "origin " + (o.origin ? *o.origin : std::string("(none sent)")) + " is not allowed for subscription " +
                o.subscription_id + " (" + e.message + ")";
  } else if (e.diag.service_status == "invalid_app_name") {
    e.code = make_error_code(errc::invalid_app_name);
    e.message = "app name " + o.app_name.value_or("(none sent)") + " is not allowed for subscription " + o.subscription_id +
                " (" + e.message + ")";
  }
  return e;
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

template <class Transport, flavour F>
basic_client_side_client<Transport, F>::basic_client_side_client(Transport transport, client_side_options options)
    : transport_(std::move(transport)), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  auto key = parse_server_public_key(options_.server_public_key, F);
  if (key) server_key_.emplace(std::move(*key));
  else options_error_ = std::move(key).error();
}

template <class Transport, flavour F>
result<void> basic_client_side_client<Transport, F>::check_options() const {
  if (options_error_) return *options_error_;
  if (options_.base_url.empty()) return tokenmint::error{errc::invalid_url, "base_url: not set"};
  if (options_.subscription_id.empty() || !detail::printable_ascii(options_.subscription_id))
    return tokenmint::error{errc::invalid_argument, "subscription_id: empty, or holds spaces or control characters"};
  if (options_.origin.has_value() == options_.app_name.has_value())
    return tokenmint::error{errc::invalid_argument,
                            "origin, app_name: give exactly one (origin for a web page, app_name for an app)"};
  if (options_.origin) return detail::check_origin(*options_.origin);
  if (options_.app_name->empty() || !detail::printable_ascii(*options_.app_name))
    return tokenmint::error{errc::invalid_argument, "app_name: empty, or holds spaces or control characters"};
  return {};
}

template <class Transport, flavour F>
asio::awaitable<result<token_response>> basic_client_side_client<Transport, F>::async_generate_token(
    identity_input input, service::call_overrides per_call) {
  constexpr std::string_view path = detail::client_generate_path;
  if (auto ok = check_options(); !ok) co_return std::move(ok).error();
  // Each attempt seals anew (key pair, IV, timestamp); the answer opens under the last one's key.
  std::optional<crypto::aes256_gcm> answer_key;
  auto make = [&]() -> result<http::request> {
    auto client_key = crypto::p256_private_key::generate();
    if (!client_key) return std::move(client_key).error();
    client_side_request_params params;
    params.client_key = &*client_key;
    params.timestamp_ms = clock().now_ms();
    auto sealed = seal_client_side_request(*server_key_, input, options_.subscription_id, options_.app_name, params);
    if (!sealed) return std::move(sealed).error();
    answer_key.emplace(std::move(sealed->key));
    http::request req = service::make_post(options_.base_url + std::string(path), "application/json", std::move(sealed->body),
                                           options_.user_agent);
    if (options_.origin) req.headers.add("Origin", *options_.origin);
    req.headers.add("X-UID2-Client-Version", options_.client_version);
    return req;
  };
  const service::effective_call call(options_.call, per_call);
  const service::call_info info{service_id(F), path, false, {}, nullptr};
  auto to_error = [this](const http::response& r) { return detail::client_side_http_error(F, r, options_); };
  auto res = co_await service::send_checked(transport_, make, call.get(), info, to_error);
  if (!res) co_return std::move(res).error();
  std::vector<std::uint8_t> scratch;
  auto opened = open_client_side_response(*answer_key, res->body, scratch);
  if (!opened) co_return std::move(opened).error();
  auto a = detail::parse_answer(F, path, *opened);
  tokenmint::detail::cleanse(scratch.data(), scratch.size());
  if (!a) co_return std::move(a).error();
  co_return detail::token_outcome(F, path, std::move(*a));
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::uid2
