// UID2 and EUID publisher clients: generate, refresh, validate, identity map, over any transport.
#pragma once

#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/service/helpers.hpp>
#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/identity_input.hpp>
#include <tokenmint/uid2/models.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tokenmint::uid2 {

namespace detail {

/// The documented limit of `/v3/identity/map`: identifiers per request.
inline constexpr std::size_t max_map_batch = 5000;

/// An error for a non-200 answer: the service's `status` and `message` when the body is its
/// JSON, the raw body otherwise, the HTTP status always.
inline tokenmint::error http_error(flavour f, std::string_view path, const http::response& res) {
  diagnostics d;
  d.http_status = res.status;
  auto doc = json::read<json::value>(res.body);
  if (doc && doc->if_object()) {
    if (const auto* s = doc->find("status"); s && s->if_string()) d.service_status = *s->if_string();
    if (const auto* m = doc->find("message"); m && m->if_string()) d.service_message = *m->if_string();
  } else {
    d.raw_body = res.body;
  }
  std::string msg = std::string(name(f)) + ' ' + std::string(path) + ": HTTP " + std::to_string(res.status);
  if (!d.service_status.empty()) msg += ' ' + d.service_status;
  if (!d.service_message.empty()) msg += ": " + d.service_message;
  else if (!res.reason.empty() && d.service_status.empty()) msg += ' ' + res.reason;
  const errc code = res.status == 401 || res.status == 403 ? errc::unauthorized : errc::service_error;
  return tokenmint::error{code, std::move(msg), std::move(d)};
}

/// `{"status": ..., "body": ..., "message": ...}` of a decrypted answer.
struct answer {
  std::string status;
  json::value body;  // null when absent
  std::string message;
};

inline result<answer> parse_answer(flavour f, std::string_view path, std::string_view text) {
  auto doc = json::read<json::value>(text);
  if (!doc)
    return tokenmint::error{errc::invalid_response, std::string(name(f)) + ' ' + std::string(path) +
                                                        ": decrypted answer is not JSON: " + doc.error().message};
  const auto* s = doc->find("status");
  if (s == nullptr || s->if_string() == nullptr)
    return tokenmint::error{errc::invalid_response, std::string(name(f)) + ' ' + std::string(path) + ": answer without a status"};
  answer a;
  a.status = *s->if_string();
  if (const auto* m = doc->find("message"); m && m->if_string()) a.message = *m->if_string();
  if (const auto* b = doc->find("body")) a.body = *b;
  return a;
}

inline tokenmint::error status_error(flavour f, std::string_view path, const answer& a) {
  diagnostics d;
  d.http_status = 200;
  d.service_status = a.status;
  d.service_message = a.message;
  return tokenmint::error{errc::service_error,
                          std::string(name(f)) + ' ' + std::string(path) + ": unexpected status \"" + a.status + '"' +
                              (a.message.empty() ? "" : ": " + a.message),
                          std::move(d)};
}

inline bool refresh_token_is_clean(std::string_view t) noexcept {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// The UID2/EUID protocol over a transport; `uid2::basic_client` and `euid::basic_client` name it.
/// Holds the client secret's key schedule (built once). Not thread-safe: use from one strand;
/// calls may overlap. Every call has the deadline `client_options::timeout` and honours Asio
/// cancellation through the transport.
template <flavour F, class Transport>
class basic_operator_client {
  static_assert(check_http_transport<Transport>());

 public:
  using transport_type = Transport;

  basic_operator_client(Transport transport, client_options options)
      : transport_(std::move(transport)), options_(std::move(options)) {
    if (!options_.client_secret.reveal().empty()) {
      auto k = make_key(options_.client_secret, "client_secret");
      if (k) key_.emplace(std::move(*k));
      else key_error_ = std::move(k).error();
    }
    if (options_.clock == nullptr) options_.clock = &default_clock();
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
    call_ = call_opts();
  }

  const client_options& options() const noexcept { return options_; }
  Transport& transport() noexcept { return transport_; }

  /// POST /v2/token/generate. `success` carries the identity; `optout` and (EUID)
  /// `insufficient_user_consent` are outcomes, not errors. Each call seals a fresh envelope
  /// (new timestamp, nonce, IV).
  asio::awaitable<result<token_response>> async_generate(identity_input input, generate_options opts = {}) {
    constexpr std::string_view path = "/v2/token/generate";
    if (opts.tcf_consent_string && F != flavour::euid)
      co_return tokenmint::error{errc::invalid_argument, "tcf_consent_string: only EUID operators take a TCF string"};
    if (opts.tcf_consent_string && opts.tcf_consent_string->empty())
      co_return tokenmint::error{errc::invalid_argument, "tcf_consent_string: empty"};
    json::value::object_type body;
    body.emplace_back(std::string(wire_name(input.kind())), input.value());
    if (opts.tcf_consent_string) body.emplace_back("tcf_consent_string", *opts.tcf_consent_string);
    if (options_.send_optout_check) body.emplace_back("optout_check", 1);
    auto a = co_await call_enveloped(path, json::write(json::value(std::move(body))));
    if (!a) co_return std::move(a).error();
    co_return token_outcome(path, std::move(*a));
  }

  /// POST /v2/token/refresh with the identity's refresh token as the whole body, answer opened
  /// with its `refresh_response_key`. The new identity replaces the old one (it carries a new
  /// refresh token and key). Sends the API key when the client has one (the operator then says
  /// `invalid_token` / `expired_token` instead of a generic `error`).
  asio::awaitable<result<token_response>> async_refresh(const identity& id) {
    constexpr std::string_view path = "/v2/token/refresh";
    if (!refresh_token_is_clean(id.refresh_token))
      co_return tokenmint::error{errc::invalid_argument,
                                 "refresh_token: empty, or holds whitespace or control characters (it is sent byte-exact)"};
    std::optional<crypto::aes256_gcm> refresh_key;
    if (!id.refresh_response_key.empty()) {
      auto k = make_key(id.refresh_response_key, "refresh_response_key");
      if (!k) co_return std::move(k).error();
      refresh_key.emplace(std::move(*k));
    }
    auto make = [&]() -> result<http::request> {
      return make_request(path, id.refresh_token, !options_.api_key.reveal().empty());
    };
    auto res = co_await send(path, make);
    if (!res) co_return std::move(res).error();
    std::string plain;
    if (refresh_key) {
      std::vector<std::uint8_t> scratch;
      auto opened = open_refresh_response(*refresh_key, res->body, scratch);
      if (!opened) co_return std::move(opened).error();
      plain.assign(*opened);
      tokenmint::detail::cleanse(scratch.data(), scratch.size());
    } else {
      plain = std::move(res->body);  // legacy session: the answer is plain JSON
    }
    auto a = parse_answer(F, path, plain);
    tokenmint::detail::cleanse(plain.data(), plain.size());
    if (!a) co_return std::move(a).error();
    auto out = token_outcome(path, std::move(*a));
    if (out && out->identity) {
      const auto now = options_.clock->now_ms();
      if (!out->identity->is_refreshable(now) || out->identity->has_expired(now))
        co_return tokenmint::error{errc::invalid_response,
                                   std::string(name(F)) + " /v2/token/refresh: the new identity is already expired"};
    }
    co_return out;
  }

  /// POST /v2/token/validate: whether `advertising_token` was generated (with these
  /// credentials) for `input`. A testing aid.
  asio::awaitable<result<bool>> async_validate(std::string advertising_token, identity_input input) {
    constexpr std::string_view path = "/v2/token/validate";
    if (advertising_token.empty()) co_return tokenmint::error{errc::invalid_argument, "token: empty"};
    json::value::object_type body;
    body.emplace_back("token", std::move(advertising_token));
    body.emplace_back(std::string(wire_name(input.kind())), input.value());
    auto a = co_await call_enveloped(path, json::write(json::value(std::move(body))));
    if (!a) co_return std::move(a).error();
    if (a->status != "success") co_return status_error(F, path, *a);
    if (const bool* b = a->body.if_bool()) co_return *b;
    co_return tokenmint::error{errc::invalid_response,
                               std::string(name(F)) + ' ' + std::string(path) + ": body is not a boolean"};
  }

  /// POST /v3/identity/map: results aligned with `inputs` (any mix of kinds). More than 5,000
  /// identifiers are sent in consecutive batches of 5,000; the first failing batch fails the call.
  asio::awaitable<result<std::vector<mapped_identity>>> async_identity_map(std::vector<identity_input> inputs) {
    std::vector<mapped_identity> out;
    out.reserve(inputs.size());
    for (std::size_t start = 0; start < inputs.size(); start += max_map_batch) {
      const std::size_t end = std::min(inputs.size(), start + max_map_batch);
      auto batch = co_await map_batch(inputs, start, end);
      if (!batch) co_return std::move(batch).error();
      for (auto& m : *batch) out.push_back(std::move(m));
    }
    co_return out;
  }

 private:
  service::call_options call_opts() const {
    service::call_options o;
    o.timeout = options_.timeout;
    o.retry = options_.retry;
    o.observe = options_.observe;
    o.clock = options_.clock;
    o.sleep = options_.sleep;
    o.max_body_bytes = max_body_size * 2;
    return o;
  }

  /// Sends what `make` builds (again for each attempt) under the retry policy; a final answer
  /// other than 200 becomes the service's error, with the number of attempts.
  template <class Make>
  asio::awaitable<result<http::response>> send(std::string_view path, Make make) {
    const service::call_info info{name(F), path, false, {}, nullptr};
    int attempts = 0;
    auto res = co_await service::send(transport_, make, call_, info, &attempts);
    if (!res) {
      tokenmint::error e = std::move(res).error();
      e.diag.attempts = attempts;
      co_return e;
    }
    if (res->status != 200) {
      auto e = http_error(F, path, *res);
      e.diag.attempts = attempts;
      co_return e;
    }
    co_return res;
  }

  http::request make_request(std::string_view path, std::string body, bool with_key) const {
    http::request req;
    req.method = http::verb::post;
    req.url = options_.base_url + std::string(path);
    if (with_key) req.headers.add("Authorization", "Bearer " + options_.api_key.reveal());
    req.headers.add("X-UID2-Client-Version", options_.client_version);
    req.headers.add("Content-Type", "text/plain");
    req.body = std::move(body);
    return req;
  }

  result<void> check_credentials() const {
    if (key_error_) return *key_error_;
    if (!key_) return tokenmint::error{errc::invalid_key, "client_secret: not set (needed for this call)"};
    if (options_.api_key.reveal().empty()) return tokenmint::error{errc::invalid_argument, "api_key: not set"};
    if (options_.base_url.empty()) return tokenmint::error{errc::invalid_url, "base_url: not set"};
    return {};
  }

  /// Seal `json`, POST it, open the 200 answer (nonce checked) and parse its envelope JSON.
  asio::awaitable<result<answer>> call_enveloped(std::string_view path, std::string json_text) {
    if (auto ok = check_credentials(); !ok) co_return std::move(ok).error();
    // Each attempt seals a new envelope (timestamp, nonce, IV); the answer is opened with the
    // nonce of the attempt that produced it, the last one.
    std::optional<request_params> params;
    auto make = [&]() -> result<http::request> {
      auto p = make_request_params(options_.clock->now_ms());
      if (!p) return std::move(p).error();
      params.emplace(*p);
      auto sealed = seal_request(*key_, *params, json_text);
      if (!sealed) return std::move(sealed).error();
      return make_request(path, std::move(*sealed), true);
    };
    auto res = co_await send(path, make);
    tokenmint::detail::cleanse(json_text.data(), json_text.size());
    if (!res) co_return std::move(res).error();
    std::vector<std::uint8_t> scratch;
    auto opened = open_response(*key_, res->body, params->nonce, scratch);
    if (!opened) co_return std::move(opened).error();
    auto a = parse_answer(F, path, opened->json);
    tokenmint::detail::cleanse(scratch.data(), scratch.size());
    co_return a;
  }

  result<token_response> token_outcome(std::string_view path, answer a) const {
    if (a.status == "optout") return token_response{token_status::optout, std::nullopt};
    if (a.status == "insufficient_user_consent") return token_response{token_status::insufficient_user_consent, std::nullopt};
    if (a.status != "success") return status_error(F, path, a);
    if (a.body.is_null())
      return tokenmint::error{errc::invalid_response,
                              std::string(name(F)) + ' ' + std::string(path) + ": success without an identity"};
    auto id = identity::from_value(std::move(a.body));
    if (!id)
      return tokenmint::error{errc::invalid_response, std::string(name(F)) + ' ' + std::string(path) + ": " + id.error().message};
    return token_response{token_status::success, std::move(*id)};
  }

  asio::awaitable<result<std::vector<mapped_identity>>> map_batch(const std::vector<identity_input>& inputs, std::size_t start,
                                                                  std::size_t end) {
    constexpr std::string_view path = "/v3/identity/map";
    constexpr std::array kinds = {identity_kind::email, identity_kind::email_hash, identity_kind::phone,
                                  identity_kind::phone_hash};
    // Where each input lands: (kind, index within that kind's array).
    std::array<json::value::array_type, 4> arrays;
    std::vector<std::pair<std::size_t, std::size_t>> slot(end - start);
    for (std::size_t i = start; i < end; ++i) {
      const auto k = static_cast<std::size_t>(inputs[i].kind());
      slot[i - start] = {k, arrays[k].size()};
      arrays[k].emplace_back(inputs[i].value());
    }
    json::value::object_type body;
    for (std::size_t k = 0; k < 4; ++k)
      if (!arrays[k].empty()) body.emplace_back(std::string(wire_name(kinds[k])), std::move(arrays[k]));
    auto a = co_await call_enveloped(path, json::write(json::value(std::move(body))));
    if (!a) co_return std::move(a).error();
    if (a->status != "success") co_return status_error(F, path, *a);
    auto bad = [&](std::string why) {
      return tokenmint::error{errc::invalid_response, std::string(name(F)) + ' ' + std::string(path) + ": " + why};
    };
    std::vector<mapped_identity> out(end - start);
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto [k, j] = slot[i];
      const json::value* arr = a->body.find(wire_name(kinds[k]));
      if (arr == nullptr || arr->if_array() == nullptr || arr->if_array()->size() <= j)
        co_return bad("body." + std::string(wire_name(kinds[k])) + " has fewer results than identifiers sent");
      const json::value& r = (*arr->if_array())[j];
      auto& m = out[i];
      if (const auto* e = r.find("e"); e && e->if_string()) {
        m.unmapped_reason = *e->if_string();
        continue;
      }
      const auto* u = r.find("u");
      const auto* rf = r.find("r");
      if (!u || !u->if_string() || !rf || !rf->if_number() || !rf->if_number()->to_int64())
        co_return bad("body." + std::string(wire_name(kinds[k])) + "[" + std::to_string(j) + "]: expected u and r, or e");
      m.uid = *u->if_string();
      m.refresh_from_s = *rf->if_number()->to_int64();
      if (const auto* p = r.find("p"); p && p->if_string()) m.previous_uid = *p->if_string();
    }
    co_return out;
  }

  Transport transport_;
  client_options options_;
  service::call_options call_;  // built once from options_
  std::optional<crypto::aes256_gcm> key_;
  std::optional<tokenmint::error> key_error_;
};

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace detail

/// UID2 publisher client over `Transport`; `uid2::client` uses `https_transport`.
template <class Transport>
using basic_client = detail::basic_operator_client<flavour::uid2, Transport>;
using client = basic_client<https_transport>;

}  // namespace tokenmint::uid2

namespace tokenmint::euid {

using uid2::client_options;
using uid2::generate_options;
using uid2::identity;
using uid2::identity_input;
using uid2::mapped_identity;
using uid2::token_response;
using uid2::token_status;

/// EUID publisher client: the UID2 protocol with EUID's hosts, messages and the TCF string.
template <class Transport>
using basic_client = uid2::detail::basic_operator_client<uid2::flavour::euid, Transport>;
using client = basic_client<https_transport>;

}  // namespace tokenmint::euid
