// Credentials a request carries: a bearer token, an API key in a header, HTTP Basic. Each holds
// its secret as `secret<>` and writes it into a request only at the moment of sending.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/http/message.hpp>

#include <algorithm>
#include <string>
#include <utility>

namespace tokenmint::auth {

namespace detail {

/// A credential goes into a header value: refuse what would break the header (CR, LF, NUL and
/// other controls) or leave it empty.
inline result<void> check_header_safe(std::string_view value, std::string_view what) {
  if (value.empty()) return error{errc::invalid_argument, std::string(what) + ": empty"};
  const bool bad = std::any_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
  if (bad) return error{errc::invalid_argument, std::string(what) + ": holds control characters"};
  return {};
}

}  // namespace detail

/// `Authorization: Bearer <token>` (HubSpot access tokens, OAuth2 access tokens, UID2 API keys).
struct bearer {
  secret_string token;

  result<void> check() const { return detail::check_header_safe(token.reveal(), "access token"); }
  void apply(http::request& req) const { req.headers.set("Authorization", "Bearer " + token.reveal()); }
};

/// An API key in a header of its own (Alterian's `X-Api-Key`), with an optional prefix.
struct api_key_header {
  std::string header = "X-Api-Key";
  secret_string key;
  std::string prefix;  ///< sent before the key, e.g. "Token " for services that want one

  result<void> check() const {
    if (header.empty()) return error{errc::invalid_argument, "api key header: empty name"};
    return detail::check_header_safe(key.reveal(), "api key");
  }
  void apply(http::request& req) const { req.headers.set(header, prefix + key.reveal()); }
};

/// HTTP Basic (RFC 7617): `Authorization: Basic base64(user:password)` (Benchling client
/// credentials). The user name may not contain ':'.
struct basic {
  std::string user;
  secret_string password;

  result<void> check() const {
    if (user.empty()) return error{errc::invalid_argument, "basic auth: empty user name"};
    if (user.find(':') != std::string::npos) return error{errc::invalid_argument, "basic auth: user name holds ':'"};
    if (auto ok = detail::check_header_safe(user, "basic auth user"); !ok) return ok;
    return detail::check_header_safe(password.reveal(), "basic auth password");
  }
  void apply(http::request& req) const {
    std::string joined = user + ':' + password.reveal();
    std::string value = "Basic " + base64::encode(std::string_view(joined));
    tokenmint::detail::cleanse(joined.data(), joined.size());
    req.headers.set("Authorization", std::move(value));
  }
};

}  // namespace tokenmint::auth
