// Logging and metrics hooks, and the redaction that runs before any hook sees a message:
// credentials in headers, client secrets in forms and tokens in JSON bodies never reach a hook.
#pragma once

#include <tokenmint/core/secret.hpp>
#include <tokenmint/http/message.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace tokenmint::policy {

/// One attempt is about to be sent. `request` is a redacted copy.
struct request_event {
  std::string_view service;    ///< "hubspot", "benchling", "alterian", "uid2", "euid"
  std::string_view operation;  ///< e.g. "create_visitor_token", "/v2/token/generate"
  int attempt = 1;
  const http::request& request;
};

/// One attempt ended. `response` is a redacted copy, null when the transport failed.
struct response_event {
  std::string_view service;
  std::string_view operation;
  int attempt = 1;
  std::chrono::milliseconds duration{0};
  int status = 0;         ///< HTTP status, 0 when no response arrived
  std::error_code error;  ///< the transport's error, empty when a response arrived
  const http::response* response = nullptr;
  std::chrono::milliseconds retry_in{-1};  ///< the wait before the next attempt; -1: none follows
};

/// Hooks a client calls around every attempt (both optional). They run on the client's
/// executor, inline: keep them short and do not throw. Redaction costs nothing when unset.
struct hooks {
  std::function<void(const request_event&)> on_request;
  std::function<void(const response_event&)> on_response;
  explicit operator bool() const noexcept { return on_request || on_response; }
};

namespace detail {

inline bool icontains(std::string_view hay, std::string_view needle) noexcept {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (http::iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

inline bool sensitive_name(std::string_view name, std::span<const std::string_view> extra) noexcept {
  for (auto e : extra)
    if (http::iequals(name, e)) return true;
  // Names that describe a credential rather than hold one (`token_type`, `TokenType`).
  if (name.size() >= 4 && http::iequals(name.substr(name.size() - 4), "type")) return false;
  for (std::string_view w : {"token", "secret", "password", "authorization", "api-key", "api_key", "apikey", "cookie", "key"})
    if (icontains(name, w)) return true;
  return false;
}

inline void redact_json(json::value& v, std::span<const std::string_view> extra) {
  if (auto* obj = v.if_object()) {
    for (auto& [k, child] : *obj) {
      if (sensitive_name(k, extra) && !child.is_null() && !child.if_bool()) child = json::value(std::string(redacted));
      else redact_json(child, extra);
    }
  } else if (auto* arr = v.if_array()) {
    for (auto& child : *arr) redact_json(child, extra);
  }
}

}  // namespace detail

/// Header fields with every credential replaced by `<redacted>`: Authorization,
/// Proxy-Authorization, X-Api-Key, cookies, and any name that mentions a token, secret or key.
inline http::fields redact_headers(const http::fields& in) {
  http::fields out;
  for (const auto& f : in) out.add(f.name, detail::sensitive_name(f.name, {}) ? std::string(redacted) : f.value);
  return out;
}

/// A body safe to log. JSON: string values of members named like a credential (token, secret,
/// key, password, and `extra`; not `..type`) become `<redacted>`. Forms: the same for values. Anything else
/// (UID2's encrypted envelopes, a bare refresh token) becomes `<redacted N bytes>`.
inline std::string redact_body(std::string_view content_type, std::string_view body,
                               std::span<const std::string_view> extra = {}) {
  if (body.empty()) return {};
  const auto opaque = [&] { return "<redacted " + std::to_string(body.size()) + " bytes>"; };
  if (detail::icontains(content_type, "json")) {
    auto doc = json::read<json::value>(body);
    if (!doc) return opaque();
    detail::redact_json(*doc, extra);
    return json::write(*doc);
  }
  if (detail::icontains(content_type, "x-www-form-urlencoded")) {
    auto fields = http::form_decode(body);
    if (!fields) return opaque();
    std::string out;
    for (const auto& f : *fields)
      http::form_append(out, f.name, detail::sensitive_name(f.name, extra) ? std::string(redacted) : f.value);
    return out;
  }
  return opaque();
}

/// A request as hooks see it.
inline http::request redact(const http::request& req, std::span<const std::string_view> extra = {}) {
  http::request out;
  out.method = req.method;
  out.url = req.url;
  out.headers = redact_headers(req.headers);
  out.body = redact_body(req.headers.get("content-type").value_or(""), req.body, extra);
  return out;
}

/// A response as hooks see it.
inline http::response redact(const http::response& res, std::span<const std::string_view> extra = {}) {
  http::response out;
  out.status = res.status;
  out.version_minor = res.version_minor;
  out.reason = res.reason;
  out.headers = redact_headers(res.headers);
  out.body = redact_body(res.headers.get("content-type").value_or(""), res.body, extra);
  out.trailers = redact_headers(res.trailers);
  return out;
}

}  // namespace tokenmint::policy
