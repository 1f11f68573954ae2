// The definitions of UID2/EUID's `basic_client` (client.hpp declares it). Included by client.hpp
// in header-only mode; with -DTOKENMINT_SEPARATE_COMPILATION, by the one .cpp that includes
// <tokenmint/separate_compilation.hpp>, and by any file that uses a client over its own transport.
// Templates and `inline` functions only, so any number of files may include it.
#pragma once

#include <tokenmint/uid2/client.hpp>

#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/service/helpers.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/identity_mapper.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace tokenmint::uid2 {

namespace detail {

/// An error for a final answer outside 2xx (401/403 `unauthorized`, 429 `rate_limited`, else
/// `service_error`): the service's `status` and `message` when the body is its
/// JSON, the raw body otherwise, the HTTP status always.
inline tokenmint::error http_error(flavour f, std::string_view path, const http::response& res) {
  diagnostics d;
  auto doc = json::read<json::value>(res.body);
  if (doc && doc->if_object()) {
    if (const auto* s = doc->find("status"); s && s->if_string()) d.service_status = *s->if_string();
    if (const auto* m = doc->find("message"); m && m->if_string()) d.service_message = *m->if_string();
  } else {
    d.raw_body = res.body;
  }
  const bool secret_rejected = res.status == 400 && d.service_message.starts_with("Invalid body: Check encryption key");
  auto e = service::http_status_error(std::string(name(f)) + ' ' + std::string(path), res, std::move(d));
  // The operator's one way of saying the envelope did not open: the client secret is wrong.
  if (secret_rejected) e.code = make_error_code(errc::client_secret_rejected);
  return e;
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

/// A `/v3/identity/map` answer, read straight into rows (no DOM): per identifier `u`, `p`, `r`
/// when mapped, `e` (`optout`, `invalid identifier`) when not.
struct map_answer_row {
  std::optional<std::string> u;
  std::optional<std::string> p;
  std::optional<std::int64_t> r;
  std::optional<std::string> e;
};
struct map_answer_body {
  std::optional<std::vector<map_answer_row>> email, email_hash, phone, phone_hash;
};
struct map_answer {
  std::string status;
  std::optional<map_answer_body> body;
  std::optional<std::string> message;
};

/// `text` as a JSON string, appended (identifiers are ASCII; quote, backslash and controls escaped).
inline void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  const bool plain = std::none_of(text.begin(), text.end(),
                                  [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
  if (plain) {  // hashes and normalized addresses: one copy
    out += text;
    out += '"';
    return;
  }
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\u00";
      out += hex[static_cast<unsigned char>(c) >> 4];
      out += hex[c & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
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

/// The outcome of generate or refresh from a decrypted answer: an identity, `optout`, (EUID)
/// `insufficient_user_consent`, or the error for any other status or a malformed identity.
inline result<token_response> token_outcome(flavour f, std::string_view path, answer a) {
  if (a.status == "optout") return token_response{token_status::optout, std::nullopt};
  if (a.status == "insufficient_user_consent") return token_response{token_status::insufficient_user_consent, std::nullopt};
  if (a.status != "success") return status_error(f, path, a);
  if (a.body.is_null())
    return tokenmint::error{errc::invalid_response,
                            std::string(name(f)) + ' ' + std::string(path) + ": success without an identity"};
  auto id = identity::from_value(std::move(a.body));
  if (!id)
    return tokenmint::error{errc::invalid_response, std::string(name(f)) + ' ' + std::string(path) + ": " + id.error().message};
  return token_response{token_status::success, std::move(*id)};
}

inline bool refresh_token_is_clean(std::string_view t) noexcept {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

template <class Transport, flavour F>
basic_client<Transport, F>::basic_client(Transport transport, client_options options)
    : transport_(std::move(transport)), options_(std::move(options)), bearer_{options_.api_key} {
  if (!options_.client_secret.reveal().empty()) {
    auto k = make_key(options_.client_secret, "client_secret");
    if (k) key_.emplace(std::move(*k));
    else key_error_ = std::move(k).error();
  }
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

template <class Transport, flavour F>
asio::awaitable<result<token_response>> basic_client<Transport, F>::async_generate_token(identity_input input,
                                                                                         generate_options opts,
                                                                                         service::call_overrides per_call) {
  constexpr std::string_view path = "/v2/token/generate";
  if (opts.tcf_consent_string && F != flavour::euid)
    co_return tokenmint::error{errc::invalid_argument, "tcf_consent_string: only EUID operators take a TCF string"};
  if (opts.tcf_consent_string && opts.tcf_consent_string->empty())
    co_return tokenmint::error{errc::invalid_argument, "tcf_consent_string: empty"};
  auto body = json::value::reserved_object();
  body.emplace_back(std::string(wire_name(input.kind())), input.value());
  if (opts.tcf_consent_string) body.emplace_back("tcf_consent_string", *opts.tcf_consent_string);
  if (options_.send_optout_check) body.emplace_back("optout_check", 1);
  const service::effective_call call(options_.call, per_call);
  auto a = co_await call_enveloped(path, json::write(json::value(std::move(body))), call.get());
  if (!a) co_return std::move(a).error();
  co_return detail::token_outcome(F, path, std::move(*a));
}

template <class Transport, flavour F>
asio::awaitable<result<token_response>> basic_client<Transport, F>::async_refresh_token(identity id,
                                                                                        service::call_overrides per_call) {
  constexpr std::string_view path = "/v2/token/refresh";
  if (!detail::refresh_token_is_clean(id.refresh_token))
    co_return tokenmint::error{errc::invalid_argument,
                               "refresh_token: empty, or holds whitespace or control characters (it is sent byte-exact)"};
  std::optional<crypto::aes256_gcm> refresh_key;
  if (!id.refresh_response_key.empty()) {
    auto k = make_key(id.refresh_response_key, "refresh_response_key");
    if (!k) co_return std::move(k).error();
    refresh_key.emplace(std::move(*k));
  }
  auto make = [&]() -> result<http::request> { return make_request(path, id.refresh_token, !options_.api_key.reveal().empty()); };
  const service::effective_call call(options_.call, per_call);
  auto res = co_await send(path, make, call.get());
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
  auto a = detail::parse_answer(F, path, plain);
  tokenmint::detail::cleanse(plain.data(), plain.size());
  if (!a) co_return std::move(a).error();
  auto out = detail::token_outcome(F, path, std::move(*a));
  if (out && out->identity) {
    const auto now = clock().now_ms();
    if (!out->identity->is_refreshable(now) || out->identity->has_expired(now))
      co_return tokenmint::error{errc::invalid_response,
                                 std::string(name(F)) + " /v2/token/refresh: the new identity is already expired"};
  }
  co_return out;
}

template <class Transport, flavour F>
asio::awaitable<result<bool>> basic_client<Transport, F>::async_validate_token(std::string advertising_token,
                                                                               identity_input input,
                                                                               service::call_overrides per_call) {
  constexpr std::string_view path = "/v2/token/validate";
  if (advertising_token.empty()) co_return tokenmint::error{errc::invalid_argument, "token: empty"};
  auto body = json::value::reserved_object();
  body.emplace_back("token", std::move(advertising_token));
  body.emplace_back(std::string(wire_name(input.kind())), input.value());
  const service::effective_call call(options_.call, per_call);
  auto a = co_await call_enveloped(path, json::write(json::value(std::move(body))), call.get());
  if (!a) co_return std::move(a).error();
  if (a->status != "success") co_return detail::status_error(F, path, *a);
  if (const bool* b = a->body.if_bool()) co_return *b;
  co_return tokenmint::error{errc::invalid_response, std::string(name(F)) + ' ' + std::string(path) + ": body is not a boolean"};
}

template <class Transport, flavour F>
asio::awaitable<result<std::vector<mapped_identity>>> basic_client<Transport, F>::async_map_identities(
    std::vector<identity_input> inputs, service::call_overrides per_call) {
  if (inputs.size() <= detail::max_map_batch) {
    const service::effective_call call(options_.call, per_call);
    co_return co_await map_batch(inputs, 0, inputs.size(), call.get());
  }
  // Many batches: streamed four at a time, each batch one call of this function.
  std::vector<mapped_identity> out;
  out.reserve(inputs.size());
  std::optional<tokenmint::error> first_failure;
  map_options o;
  o.per_batch = std::move(per_call);
  auto sink = [&](map_row&& row) {
    if (row.outcome == map_outcome::failed) {
      if (!first_failure) first_failure = row.error;
      row.mapping.unmapped_reason = "failed";
      row.mapping.error = std::move(row.error);
    }
    out.push_back(std::move(row.mapping));
  };
  auto counts = co_await async_map_stream(*this, from_range(inputs), sink, std::move(o));
  if (!counts) co_return std::move(counts).error();
  if (counts->failed == counts->rows && first_failure) co_return std::move(*first_failure);
  co_return out;
}

template <class Transport, flavour F>
template <class Make>
asio::awaitable<result<http::response>> basic_client<Transport, F>::send(std::string_view path, Make make,
                                                                         const service::call_options& call) {
  // Mapping and the key endpoints only read: an answer lost in flight is safe to ask for again.
  const bool replay_safe = path == "/v3/identity/map" || path.starts_with("/v2/key/");
  const service::call_info info{service_id(F), path, replay_safe, {}, nullptr};
  auto to_error = [path](const http::response& r) { return detail::http_error(F, path, r); };
  co_return co_await service::send_checked(transport_, make, call, info, to_error);
}

template <class Transport, flavour F>
http::request basic_client<Transport, F>::make_request(std::string_view path, std::string body, bool with_key) const {
  http::request req =
      service::make_post(options_.base_url + std::string(path), "text/plain", std::move(body), options_.user_agent);
  if (with_key) bearer_.apply(req);
  req.headers.add("X-UID2-Client-Version", options_.client_version);
  return req;
}

template <class Transport, flavour F>
result<void> basic_client<Transport, F>::check_credentials() const {
  if (key_error_) return *key_error_;
  if (!key_) return tokenmint::error{errc::invalid_key, "client_secret: not set (needed for this call)"};
  if (options_.api_key.reveal().empty()) return tokenmint::error{errc::invalid_argument, "api_key: not set"};
  if (auto ok = bearer_.check(); !ok) return tokenmint::error{errc::invalid_argument, "api_key: " + ok.error().message};
  if (options_.base_url.empty()) return tokenmint::error{errc::invalid_url, "base_url: not set"};
  return {};
}

template <class Transport, flavour F>
asio::awaitable<result<std::string>> basic_client<Transport, F>::call_opened(std::string_view path, std::string json_text,
                                                                             const service::call_options& call) {
  if (auto ok = check_credentials(); !ok) co_return std::move(ok).error();
  // Each attempt seals a new envelope (timestamp, nonce, IV); the answer is opened with the
  // nonce of the attempt that produced it, the last one.
  std::optional<request_params> params;
  auto make = [&]() -> result<http::request> {
    auto p = make_request_params(clock().now_ms());
    if (!p) return std::move(p).error();
    params.emplace(*p);
    auto sealed = seal_request(*key_, *params, json_text);
    if (!sealed) return std::move(sealed).error();
    return make_request(path, std::move(*sealed), true);
  };
  auto res = co_await send(path, make, call);
  tokenmint::detail::cleanse(json_text.data(), json_text.size());
  if (!res) co_return std::move(res).error();
  std::vector<std::uint8_t> scratch;
  auto opened = open_response(*key_, res->body, params->nonce, scratch);
  if (!opened) co_return std::move(opened).error();
  std::string text(opened->json);
  tokenmint::detail::cleanse(scratch.data(), scratch.size());
  co_return text;
}

template <class Transport, flavour F>
asio::awaitable<result<detail::answer>> basic_client<Transport, F>::call_enveloped(std::string_view path, std::string json_text,
                                                                                   const service::call_options& call) {
  auto text = co_await call_opened(path, std::move(json_text), call);
  if (!text) co_return std::move(text).error();
  auto a = detail::parse_answer(F, path, *text);
  tokenmint::detail::cleanse(text->data(), text->size());
  co_return a;
}

template <class Transport, flavour F>
asio::awaitable<result<secret_string>> basic_client<Transport, F>::async_get_keys(key_endpoint which,
                                                                                  service::call_overrides per_call) {
  const std::string_view path = path_of(which);
  const service::effective_call call(options_.call, per_call);
  auto text = co_await call_opened(path, std::string(), call.get());
  if (!text) co_return std::move(text).error();
  secret_string keys{std::move(*text)};
  auto a = detail::parse_answer(F, path, keys.reveal());
  if (!a) co_return std::move(a).error();
  if (a->status != "success") co_return detail::status_error(F, path, *a);
  co_return keys;
}

template <class Transport, flavour F>
asio::awaitable<result<std::vector<mapped_identity>>> basic_client<Transport, F>::map_batch(
    const std::vector<identity_input>& inputs, std::size_t start, std::size_t end, const service::call_options& call) {
  constexpr std::string_view path = "/v3/identity/map";
  constexpr std::array kinds = {identity_kind::email, identity_kind::email_hash, identity_kind::phone, identity_kind::phone_hash};
  // The request is written straight to text, one array per kind in use; `slot` says where each
  // input lands: (kind, index within that kind's array).
  std::vector<std::pair<std::size_t, std::size_t>> slot(end - start);
  std::array<std::size_t, 4> count{};
  std::size_t bytes = 2;
  for (std::size_t i = start; i < end; ++i) {
    const auto k = static_cast<std::size_t>(inputs[i].kind());
    slot[i - start] = {k, count[k]++};
    bytes += inputs[i].value().size() + 3;
  }
  std::string text;
  text.reserve(bytes + 64);
  text += '{';
  for (std::size_t k = 0; k < 4; ++k) {
    if (count[k] == 0) continue;
    if (text.size() > 1) text += ',';
    text += '"';
    text += wire_name(kinds[k]);
    text += "\":[";
    bool first = true;
    for (std::size_t i = start; i < end; ++i) {
      if (static_cast<std::size_t>(inputs[i].kind()) != k) continue;
      if (!first) text += ',';
      first = false;
      detail::append_json_string(text, inputs[i].value());
    }
    text += ']';
  }
  text += '}';
  auto opened = co_await call_opened(path, std::move(text), call);
  if (!opened) co_return std::move(opened).error();
  auto bad = [&](std::string why) {
    return tokenmint::error{errc::invalid_response, std::string(name(F)) + ' ' + std::string(path) + ": " + why};
  };
  // The answer goes straight into rows; only an answer that does not fit the shape is read again
  // as a DOM, to report its status and message as every other call does.
  detail::map_answer m;
  {  // room for the rows expected, so that reading them moves none
    auto& b = m.body.emplace();
    std::array<std::optional<std::vector<detail::map_answer_row>>*, 4> lists = {&b.email, &b.email_hash, &b.phone, &b.phone_hash};
    for (std::size_t k = 0; k < 4; ++k)
      if (count[k] > 0) lists[k]->emplace().reserve(count[k]);
  }
  auto read = json::read_into(m, *opened);
  if (!read || m.status != "success") {
    auto a = detail::parse_answer(F, path, *opened);
    tokenmint::detail::cleanse(opened->data(), opened->size());
    if (!a) co_return std::move(a).error();
    if (a->status != "success") co_return detail::status_error(F, path, *a);
    co_return bad(read ? std::string("answer read two ways") : "body: " + read.error().message);
  }
  tokenmint::detail::cleanse(opened->data(), opened->size());
  const std::array<std::optional<std::vector<detail::map_answer_row>>*, 4> arrays = {
      m.body ? &m.body->email : nullptr, m.body ? &m.body->email_hash : nullptr, m.body ? &m.body->phone : nullptr,
      m.body ? &m.body->phone_hash : nullptr};
  std::vector<mapped_identity> out;
  out.reserve(end - start);
  for (std::size_t i = 0; i < end - start; ++i) {
    const auto [k, j] = slot[i];
    if (arrays[k] == nullptr || !*arrays[k] || (*arrays[k])->size() <= j)
      co_return bad("body." + std::string(wire_name(kinds[k])) + " has fewer results than identifiers sent");
    auto& r = (**arrays[k])[j];
    auto& o = out.emplace_back();
    if (r.e) {
      o.unmapped_reason = std::move(*r.e);
      continue;
    }
    if (!r.u || !r.r)
      co_return bad("body." + std::string(wire_name(kinds[k])) + "[" + std::to_string(j) + "]: expected u and r, or e");
    o.uid = std::move(*r.u);
    o.refresh_from_s = *r.r;
    o.previous_uid = std::move(r.p);
  }
  co_return out;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::uid2
