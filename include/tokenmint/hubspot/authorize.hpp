// The first step of HubSpot's OAuth flow for public apps: the authorize URL a server sends the
// installing user to (no browser work here). Sans-io.
#pragma once

#include <tokenmint/auth/pkce.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/http/url.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::hubspot {

/// What goes into the authorize URL (HubSpot's "Working with OAuth": `client_id`, `scope`,
/// `redirect_uri` required; `optional_scope`, `state`; PKCE's `code_challenge`).
struct authorize_options {
  std::string client_id;
  std::string redirect_uri;                  ///< https (http only for localhost); the code comes back here
  std::vector<std::string> scopes;           ///< required scopes, at least one ("oauth", "crm.objects.contacts.read")
  std::vector<std::string> optional_scopes;  ///< dropped by HubSpot for accounts without the product
  std::string state;                         ///< per-login random value the redirect echoes (CSRF); required
  std::optional<auth::pkce> pkce;            ///< sends its S256 challenge; keep the pair for the code exchange
  std::optional<std::int64_t> account_id;    ///< `/oauth/{id}/authorize`: preselect one HubSpot account
  std::string base_url = "https://app.hubspot.com";
};

/// The URL, each value percent-encoded, scopes joined by `%20`. Errors (`invalid_argument`,
/// `invalid_url`) name the field: empty client id or state, no scope, a scope with whitespace,
/// a redirect URI that is not absolute or not https outside localhost.
inline result<std::string> authorize_url(const authorize_options& o) {
  const auto bad = [](std::string why) { return error{errc::invalid_argument, "authorize_url: " + why}; };
  if (o.client_id.empty()) return bad("client_id: empty");
  if (o.state.empty()) return bad("state: empty (a per-login random value; auth::random_url_token() makes one)");
  if (o.scopes.empty()) return bad("scopes: at least one is required");
  auto redirect = http::parse_url(o.redirect_uri);
  if (!redirect) return error{errc::invalid_url, "authorize_url: redirect_uri " + redirect.error().message};
  if (redirect->scheme != "https" && redirect->host != "localhost")
    return bad("redirect_uri: must be https (http only for localhost)");
  auto base = http::parse_url(o.base_url);
  if (!base) return error{errc::invalid_url, "authorize_url: base_url " + base.error().message};
  std::string scope_list[2];
  const std::vector<std::string>* lists[2] = {&o.scopes, &o.optional_scopes};
  for (int k = 0; k < 2; ++k)
    for (const auto& s : *lists[k]) {
      if (s.empty() || s.find_first_of(" \t\r\n") != std::string::npos)
        return bad(std::string(k == 0 ? "scopes" : "optional_scopes") + ": '" + s + "' is empty or holds whitespace");
      if (!scope_list[k].empty()) scope_list[k] += "%20";
      scope_list[k] += http::percent_encode(s);
    }
  std::string url = o.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/oauth/";
  if (o.account_id) url += std::to_string(*o.account_id) + "/";
  url += "authorize?client_id=" + http::percent_encode(o.client_id);
  url += "&scope=" + scope_list[0];
  if (!scope_list[1].empty()) url += "&optional_scope=" + scope_list[1];
  url += "&redirect_uri=" + http::percent_encode(o.redirect_uri);
  url += "&state=" + http::percent_encode(o.state);
  if (o.pkce) url += "&code_challenge=" + o.pkce->challenge + "&code_challenge_method=" + std::string(o.pkce->method);
  return url;
}

}  // namespace tokenmint::hubspot
