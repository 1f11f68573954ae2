// A UID2/EUID identity (the body of a generate or refresh response) and its lifecycle.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace tokenmint::uid2 {

/// The tokens and timestamps a generate or refresh call returns. Times are Unix milliseconds
/// (UTC), as the operator sends them. `extra` keeps every other member of the JSON it was read
/// from, in order, so `to_json` hands back what the service sent (new fields survive a
/// store/reload); the JSON shape is the flat object the UID2/EUID JavaScript SDKs take as
/// `identity`. A value type. `refresh_response_key` decrypts the next refresh: store identities
/// as carefully as a session secret.
struct identity {
  std::string advertising_token;
  std::string refresh_token;
  std::int64_t identity_expires = 0;
  std::int64_t refresh_expires = 0;
  std::int64_t refresh_from = 0;
  std::string refresh_response_key;  ///< base64 of 32 bytes; empty for legacy (v1) sessions
  json::value extra;                 ///< other members, written back by `to_json`

  // The official (Java reference) strict comparisons, `now` in Unix ms.
  /// Time to refresh: past `refresh_from`, or the advertising token already expired.
  bool is_due_for_refresh(std::int64_t now_ms) const noexcept { return now_ms > refresh_from || now_ms > identity_expires; }
  /// The refresh token can still be used.
  bool is_refreshable(std::int64_t now_ms) const noexcept { return !refresh_token.empty() && !(now_ms > refresh_expires); }
  /// The advertising token has expired (it may still be refreshable).
  bool has_expired(std::int64_t now_ms) const noexcept { return now_ms > identity_expires; }

  /// Reads an identity JSON object. Requires `advertising_token`, `refresh_token`,
  /// `identity_expires`, `refresh_expires`, `refresh_from` (as the Java SDK does);
  /// `refresh_response_key` is optional. Errors name the member (`errc::invalid_json`).
  static result<identity> from_json(std::string_view text) {
    auto doc = json::read<json::value>(text);
    if (!doc) return std::move(doc).error();
    return from_value(std::move(*doc));
  }

  /// As `from_json`, from an already parsed object.
  static result<identity> from_value(json::value doc) {
    auto* members = doc.if_object();
    if (members == nullptr) return error{errc::invalid_json, "identity: expected a JSON object"};
    identity id;
    bool seen[6] = {};
    json::value::object_type rest;
    for (auto& [key, v] : *members) {
      auto str = [&](std::string& into, int slot) -> result<void> {
        const auto* s = v.if_string();
        if (s == nullptr) return error{errc::invalid_json, "identity." + key + ": expected a string"};
        into = *s;
        seen[slot] = true;
        return {};
      };
      auto ms = [&](std::int64_t& into, int slot) -> result<void> {
        const auto* n = v.if_number();
        const auto i = n ? n->to_int64() : std::nullopt;
        if (!i) return error{errc::invalid_json, "identity." + key + ": expected an integer (Unix milliseconds)"};
        into = *i;
        seen[slot] = true;
        return {};
      };
      result<void> r;
      if (key == "advertising_token") r = str(id.advertising_token, 0);
      else if (key == "refresh_token") r = str(id.refresh_token, 1);
      else if (key == "identity_expires") r = ms(id.identity_expires, 2);
      else if (key == "refresh_expires") r = ms(id.refresh_expires, 3);
      else if (key == "refresh_from") r = ms(id.refresh_from, 4);
      else if (key == "refresh_response_key") {
        if (!v.is_null()) r = str(id.refresh_response_key, 5);
      } else rest.emplace_back(std::move(key), std::move(v));
      if (!r) return std::move(r).error();
    }
    static constexpr const char* required[] = {"advertising_token", "refresh_token", "identity_expires", "refresh_expires",
                                               "refresh_from"};
    for (int i = 0; i < 5; ++i)
      if (!seen[i]) return error{errc::invalid_json, std::string("identity: missing member ") + required[i]};
    if (id.advertising_token.empty() || id.refresh_token.empty())
      return error{errc::invalid_json, "identity: empty advertising_token or refresh_token"};
    if (!rest.empty()) id.extra = json::value(std::move(rest));
    return id;
  }

  /// The identity as a flat JSON object: the six members, then `extra`'s.
  std::string to_json() const {
    json::value::object_type o;
    // Sized once: one allocation, and g++ 12 at -O2/-O3 no longer sees a growth from an empty
    // vector it misreads as an out-of-bounds write (-Warray-bounds).
    const auto* more = extra.if_object();
    o.reserve(6 + (more ? more->size() : 0));
    o.emplace_back("advertising_token", advertising_token);
    o.emplace_back("refresh_token", refresh_token);
    o.emplace_back("identity_expires", identity_expires);
    o.emplace_back("refresh_expires", refresh_expires);
    o.emplace_back("refresh_from", refresh_from);
    if (!refresh_response_key.empty()) o.emplace_back("refresh_response_key", refresh_response_key);
    if (more)
      for (const auto& m : *more) o.push_back(m);
    return json::write(json::value(std::move(o)));
  }

  friend bool operator==(const identity&, const identity&) = default;
};

}  // namespace tokenmint::uid2
