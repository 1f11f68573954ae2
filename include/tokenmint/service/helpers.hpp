// What the HubSpot, Benchling and Alterian clients share: building a request, keeping the
// headers that explain an error, reading an answer into a model.
#pragma once

#include <tokenmint/core/error.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/detail/cleanse.hpp>
#include <tokenmint/http/message.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/service/send.hpp>
#include <tokenmint/version.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tokenmint::service {

inline std::string default_user_agent() { return "tokenmint-cpp/" + std::string(version_string); }

/// `base` without trailing slashes; an empty base is refused with a message naming the option.
inline result<std::string> trimmed_base_url(std::string base, std::string_view service) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return error{errc::invalid_url, std::string(service) + ": base_url is not set"};
  return base;
}

/// A POST with the given body and content type, `Accept: application/json` and a User-Agent.
inline http::request make_post(std::string url, std::string content_type, std::string body, const std::string& user_agent) {
  http::request req;
  req.method = http::verb::post;
  req.url = std::move(url);
  req.headers.add("Content-Type", std::move(content_type));
  req.headers.add("Accept", "application/json");
  req.headers.add("User-Agent", user_agent.empty() ? default_user_agent() : user_agent);
  req.body = std::move(body);
  return req;
}

/// Response headers whose names start with one of `prefixes` (case-insensitive), plus
/// `Retry-After`: what a caller needs to act on an error (correlation ids, rate-limit counters).
inline std::vector<std::pair<std::string, std::string>> keep_headers(const http::response& res,
                                                                     std::initializer_list<std::string_view> prefixes) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : res.headers) {
    bool keep = http::iequals(f.name, "retry-after");
    for (auto p : prefixes)
      keep = keep || (f.name.size() >= p.size() && http::iequals(std::string_view(f.name).substr(0, p.size()), p));
    if (keep) out.emplace_back(f.name, f.value);
  }
  return out;
}

/// The errc of a refused answer: 401/403 unauthorized, 429 rate_limited, anything else
/// service_error.
inline errc status_errc(int status) noexcept {
  if (status == 401 || status == 403) return errc::unauthorized;
  if (status == 429) return errc::rate_limited;
  return errc::service_error;
}

/// The error for a final answer outside 2xx, one wording for every service:
/// "<what>: HTTP <status>[ <service status>][: <service message>]" (the reason phrase when the
/// service said neither), coded by `status_errc`, with the diagnostics the service's own parser
/// filled in `d` and the HTTP status.
inline tokenmint::error http_status_error(std::string_view what, const http::response& res, diagnostics d) {
  d.http_status = res.status;
  std::string msg = std::string(what) + ": HTTP " + std::to_string(res.status);
  if (!d.service_status.empty()) msg += ' ' + d.service_status;
  if (!d.service_message.empty()) msg += ": " + d.service_message;
  else if (d.service_status.empty() && !res.reason.empty()) msg += ' ' + res.reason;
  return tokenmint::error{status_errc(res.status), std::move(msg), std::move(d)};
}

/// A 2xx body read into `T`; anything else is `errc::invalid_response` naming the call. The body
/// is not kept: a success answer may hold a token.
template <class T>
result<T> read_answer(std::string_view what, const http::response& res) {
  auto v = json::read<T>(res.body);
  if (!v) {
    diagnostics d;
    d.http_status = res.status;
    return error{errc::invalid_response, std::string(what) + ": answer not in the documented shape: " + v.error().message,
                 std::move(d)};
  }
  return v;
}

/// As `read_answer`, for an answer that carries a credential: the body is wiped once read, so
/// the clear text lives on only in the model's `secret_string` members.
template <class T>
result<T> read_secret_answer(std::string_view what, http::response& res) {
  auto v = read_answer<T>(what, res);
  tokenmint::detail::cleanse(res.body.data(), res.body.size());
  return v;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// `service::send`, then: a transport error, or a final answer outside 2xx turned into the
/// service's error by `to_error(response)`, comes back with the number of attempts in
/// `diag.attempts`; a 2xx answer comes back as is. Same contract as `service::send`: `transport`
/// and `o` are references that must outlive the call (a temporary `call_options` would dangle).
template <class Transport, class Make, class ToError>
asio::awaitable<result<http::response>> send_checked(Transport& transport, Make make, const call_options& o, call_info info,
                                                     ToError to_error) {
  int attempts = 0;
  auto res = co_await service::send(transport, std::move(make), o, info, &attempts);
  if (res && res->status >= 200 && res->status <= 299) co_return res;
  tokenmint::error e = res ? to_error(*res) : std::move(res).error();
  e.diag.attempts = attempts;
  co_return e;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::service
