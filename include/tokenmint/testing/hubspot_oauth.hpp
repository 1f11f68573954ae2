// The sandbox's HubSpot OAuth 2.0 server, sans-io: an authorize step that approves at once,
// codes for a redirect URI (PKCE S256 checked), access tokens with a lifetime, refresh tokens
// that can rotate, introspection and revocation, with HubSpot's error answers. The visitor
// endpoint (services.hpp) asks it whether an access token is valid. Not thread-safe.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/clock.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/http/message.hpp>
#include <tokenmint/http/request_parser.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::testing {

/// The OAuth app the sandbox knows.
struct hubspot_oauth_options {
  std::string client_id = "sandbox-hubspot-client-id";
  std::string client_secret = "sandbox-hubspot-client-secret";
  std::string refresh_token = "sandbox-hubspot-refresh-token";  ///< issued at start (empty: none)
  std::chrono::seconds access_token_lifetime{1800};             ///< HubSpot's 30 minutes
  bool rotate_refresh_tokens = false;  ///< true: each refresh answers a new refresh token, the old one stops working
  std::int64_t hub_id = 62515;
  std::int64_t app_id = 456789;
  std::int64_t user_id = 123;
};

class hubspot_oauth_server {
 public:
  struct answer {
    int status = 200;
    std::string body;      ///< JSON (empty for 204 and redirects)
    std::string location;  ///< a redirect's target
  };

  explicit hubspot_oauth_server(hubspot_oauth_options o) : o_(std::move(o)) {
    if (!o_.refresh_token.empty())
      refresh_[o_.refresh_token] = refresh_record{{"oauth", "conversations.visitor_identification.tokens.create"}};
  }

  const hubspot_oauth_options& options() const noexcept { return o_; }

  /// Whether `token` is an access token this server issued that has not expired nor been
  /// revoked at `now`; else the 401 message HubSpot gives.
  std::optional<std::string> refuse_access_token(std::string_view token, unix_ms now) const {
    auto it = access_.find(std::string(token));
    if (it == access_.end() || it->second.revoked) return "Authentication credentials not valid";
    if (now >= it->second.expires_at) {
      const auto ago = std::chrono::duration_cast<std::chrono::seconds>(now - it->second.expires_at).count();
      return "The OAuth token used to make this call expired " + std::to_string(ago) + " second(s) ago.";
    }
    return std::nullopt;
  }

  /// Requests under the HubSpot prefix that this server answers (`op` without the prefix).
  static bool serves(std::string_view op) noexcept { return op.substr(0, 7) == "/oauth/"; }

  answer handle(const http::incoming_request& req, std::string_view op, unix_ms now) {
    now_ = now;
    if (op == "/oauth/authorize" || (op.size() > 16 && op.substr(op.size() - 10) == "/authorize")) return authorize(req);
    if (op == "/oauth/v1/token" || op == "/oauth/v3/token") return token(req);
    if (op == "/oauth/v3/token/introspect") return introspect(req);
    if (op == "/oauth/v3/token/revoke") return revoke(req);
    for (std::string_view p : {"/oauth/v1/access-tokens/", "/oauth/v1/refresh-tokens/"})
      if (op.substr(0, p.size()) == p) {
        auto t = http::percent_decode(op.substr(p.size()));
        if (!t) return error(400, "BAD_REQUEST", "the token in the path is not percent-encoded");
        return p[10] == 'a' ? access_info(req, *t) : refresh_info(req, *t);  // "/oauth/v1/a..."
      }
    return error(404, "NOT_FOUND", "No such OAuth endpoint");
  }

  /// Requests to the token endpoint so far (tests count refreshes).
  std::size_t token_requests() const noexcept { return token_requests_; }

 private:
  struct code_record {
    std::string redirect_uri;
    std::vector<std::string> scopes;
    std::string challenge;  // S256, empty without PKCE
    unix_ms expires_at{};
  };
  struct refresh_record {
    std::vector<std::string> scopes;
    bool revoked = false;
  };
  struct access_record {
    std::string refresh_token;
    std::vector<std::string> scopes;
    unix_ms expires_at{};
    bool revoked = false;
  };

  // HubSpot's OAuth error answer: {"status": "BAD_REFRESH_TOKEN", "message": ..., "correlationId": ...}.
  answer error(int status, std::string_view code, std::string message) const {
    auto b = json::value::reserved_object();
    b.emplace_back("status", std::string(code));
    b.emplace_back("message", std::move(message));
    b.emplace_back("correlationId", random_token(12));
    return answer{status, json::write(json::value(std::move(b))), {}};
  }

  static std::string random_token(std::size_t n) {
    std::vector<std::uint8_t> b(n);
    (void)crypto::random_bytes(b);
    return base64::encode(std::span<const std::uint8_t>(b), base64::alphabet::url, base64::padding::none);
  }

  static json::value scope_list(const std::vector<std::string>& scopes) {
    json::value::array_type a;
    for (const auto& s : scopes) a.emplace_back(s);
    return json::value(std::move(a));
  }

  static std::map<std::string, std::string> fields_of(std::string_view text) {
    std::map<std::string, std::string> out;
    if (auto f = http::form_decode(text))
      for (auto& x : *f) out.emplace(std::move(x.name), std::move(x.value));
    return out;
  }

  static std::string_view query_of(const http::incoming_request& req) {
    const std::string_view t = req.target;
    const auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
  }

  static std::string get(const std::map<std::string, std::string>& f, const char* name) {
    auto it = f.find(name);
    return it == f.end() ? std::string() : it->second;
  }

  std::optional<answer> check_form(const http::incoming_request& req, std::map<std::string, std::string>& f) const {
    const auto ct = req.headers.get("content-type");
    if (req.method != "POST") return error(405, "METHOD_NOT_ALLOWED", "Use POST");
    if (!ct || ct->substr(0, 33) != "application/x-www-form-urlencoded")
      return error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/x-www-form-urlencoded");
    f = fields_of(req.body);
    if (get(f, "client_id") != o_.client_id) return error(400, "BAD_CLIENT_ID", "missing or invalid client_id");
    if (get(f, "client_secret") != o_.client_secret) return error(400, "BAD_CLIENT_SECRET", "missing or invalid client_secret");
    return std::nullopt;
  }

  // GET .../oauth/authorize?client_id&scope&redirect_uri&state[&code_challenge]: the user approves at
  // once; 302 to redirect_uri with code and state.
  answer authorize(const http::incoming_request& req) {
    if (req.method != "GET") return error(405, "METHOD_NOT_ALLOWED", "Use GET");
    const auto q = fields_of(query_of(req));
    if (get(q, "client_id") != o_.client_id) return error(400, "BAD_CLIENT_ID", "missing or invalid client_id");
    const std::string redirect = get(q, "redirect_uri");
    if (!http::parse_url(redirect)) return error(400, "BAD_REDIRECT_URI", "missing or invalid redirect_uri");
    const std::string scope = get(q, "scope");
    if (scope.empty()) return error(400, "BAD_SCOPE", "scope is required");
    if (!get(q, "code_challenge").empty() && get(q, "code_challenge_method") != "S256")
      return error(400, "BAD_CODE_CHALLENGE", "code_challenge_method must be S256");
    code_record c;
    c.redirect_uri = redirect;
    for (std::size_t i = 0; i <= scope.size();) {
      const auto sp = std::min(scope.find(' ', i), scope.size());
      if (sp > i) c.scopes.push_back(scope.substr(i, sp - i));
      i = sp + 1;
    }
    c.challenge = get(q, "code_challenge");
    c.expires_at = now_ + std::chrono::minutes(10);
    const std::string code = "code-" + random_token(18);
    codes_[code] = std::move(c);
    std::string loc = redirect + (redirect.find('?') == std::string::npos ? '?' : '&') + "code=" + http::percent_encode(code);
    if (auto st = q.find("state"); st != q.end()) loc += "&state=" + http::percent_encode(st->second);
    return answer{302, {}, std::move(loc)};
  }

  answer token(const http::incoming_request& req) {
    ++token_requests_;
    std::map<std::string, std::string> f;
    if (auto bad = check_form(req, f)) return *bad;
    const std::string grant = get(f, "grant_type");
    std::vector<std::string> scopes;
    std::string refresh;
    if (grant == "authorization_code") {
      auto it = codes_.find(get(f, "code"));
      if (it == codes_.end()) return error(400, "BAD_AUTH_CODE", "missing or unknown auth code");
      const code_record c = it->second;
      codes_.erase(it);  // single use, even when the rest is refused
      if (now_ >= c.expires_at) return error(400, "EXPIRED_AUTH_CODE", "auth code is expired");
      if (get(f, "redirect_uri") != c.redirect_uri)
        return error(400, "BAD_REDIRECT_URI", "redirect_uri does not match the one of the authorize request");
      if (!c.challenge.empty()) {
        const std::string verifier = get(f, "code_verifier");
        if (verifier.empty()) return error(400, "BAD_AUTH_CODE", "code_verifier is required for this code");
        const auto digest = crypto::sha256(std::string_view(verifier));
        if (!digest ||
            base64::encode(std::span<const std::uint8_t>(*digest), base64::alphabet::url, base64::padding::none) != c.challenge)
          return error(400, "BAD_AUTH_CODE", "code_verifier does not match the code_challenge");
      }
      scopes = c.scopes;
      refresh = "refresh-" + random_token(24);
      refresh_[refresh] = refresh_record{scopes};
    } else if (grant == "refresh_token") {
      auto it = refresh_.find(get(f, "refresh_token"));
      if (it == refresh_.end() || it->second.revoked) return error(400, "BAD_REFRESH_TOKEN", "missing or invalid refresh token");
      scopes = it->second.scopes;
      refresh = it->first;
      if (o_.rotate_refresh_tokens) {
        it->second.revoked = true;
        refresh = "refresh-" + random_token(24);
        refresh_[refresh] = refresh_record{scopes};
      }
    } else if (grant == "client_credentials") {
      scopes = {"oauth"};
    } else {
      return error(400, "BAD_GRANT_TYPE", "grant_type must be authorization_code, refresh_token or client_credentials");
    }
    prune();
    const std::string access = "access-" + random_token(24);
    access_[access] = access_record{refresh, scopes, now_ + o_.access_token_lifetime};
    auto b = json::value::reserved_object();
    b.emplace_back("token_type", "bearer");
    if (!refresh.empty()) b.emplace_back("refresh_token", refresh);
    b.emplace_back("access_token", access);
    b.emplace_back("expires_in", static_cast<std::int64_t>(o_.access_token_lifetime.count()));
    b.emplace_back("token_use", refresh.empty() ? "client_credentials" : "access_token");
    b.emplace_back("hub_id", o_.hub_id);
    b.emplace_back("user_id", o_.user_id);
    b.emplace_back("scopes", scope_list(scopes));
    return answer{200, json::write(json::value(std::move(b))), {}};
  }

  answer introspect(const http::incoming_request& req) {
    std::map<std::string, std::string> f;
    if (auto bad = check_form(req, f)) return *bad;
    const std::string t = get(f, "token");
    auto b = json::value::reserved_object();
    if (auto a = access_.find(t); a != access_.end() && !a->second.revoked && now_ < a->second.expires_at) {
      b.emplace_back("active", true);
      b.emplace_back("token_use", "access_token");
      b.emplace_back("expires_in", std::chrono::duration_cast<std::chrono::seconds>(a->second.expires_at - now_).count());
      b.emplace_back("scopes", scope_list(a->second.scopes));
    } else if (auto r = refresh_.find(t); r != refresh_.end() && !r->second.revoked) {
      b.emplace_back("active", true);
      b.emplace_back("token_use", "refresh_token");
      b.emplace_back("scopes", scope_list(r->second.scopes));
    } else {
      b.emplace_back("active", false);
      return answer{200, json::write(json::value(std::move(b))), {}};
    }
    b.emplace_back("client_id", o_.client_id);
    b.emplace_back("app_id", o_.app_id);
    b.emplace_back("hub_id", o_.hub_id);
    b.emplace_back("user_id", o_.user_id);
    b.emplace_back("token_type", "bearer");
    return answer{200, json::write(json::value(std::move(b))), {}};
  }

  // RFC 7009: 200 whether or not the token was known; a refresh token takes its access tokens along.
  answer revoke(const http::incoming_request& req) {
    std::map<std::string, std::string> f;
    if (auto bad = check_form(req, f)) return *bad;
    revoke_token(get(f, "token"));
    return answer{200, "{}", {}};
  }

  void revoke_token(const std::string& t) {
    if (auto r = refresh_.find(t); r != refresh_.end()) {
      r->second.revoked = true;
      for (auto& [k, a] : access_)
        if (a.refresh_token == t) a.revoked = true;
    }
    if (auto a = access_.find(t); a != access_.end()) a->second.revoked = true;
  }

  // What both v1 metadata answers say of a token.
  json::value::object_type described(const std::string& t, const std::vector<std::string>& scopes) const {
    auto b = json::value::reserved_object();
    b.emplace_back("token", t);
    b.emplace_back("user", "sandbox-user@example.com");
    b.emplace_back("hub_domain", "sandbox.example.com");
    b.emplace_back("scopes", scope_list(scopes));
    b.emplace_back("hub_id", o_.hub_id);
    return b;
  }

  answer access_info(const http::incoming_request& req, const std::string& t) {
    if (req.method != "GET") return error(405, "METHOD_NOT_ALLOWED", "Use GET");
    auto a = access_.find(t);
    if (a == access_.end() || a->second.revoked || now_ >= a->second.expires_at)
      return error(404, "NOT_FOUND", "access token not found or expired");
    auto b = described(t, a->second.scopes);
    b.emplace_back("app_id", o_.app_id);
    b.emplace_back("expires_in", std::chrono::duration_cast<std::chrono::seconds>(a->second.expires_at - now_).count());
    b.emplace_back("user_id", o_.user_id);
    b.emplace_back("token_type", "access");
    b.emplace_back("is_private_distribution", false);
    return answer{200, json::write(json::value(std::move(b))), {}};
  }

  answer refresh_info(const http::incoming_request& req, const std::string& t) {
    auto r = refresh_.find(t);
    const bool known = r != refresh_.end() && !r->second.revoked;
    if (req.method == "DELETE") {
      if (!known) return error(404, "NOT_FOUND", "refresh token not found");
      revoke_token(t);
      return answer{204, {}, {}};
    }
    if (req.method != "GET") return error(405, "METHOD_NOT_ALLOWED", "Use GET or DELETE");
    if (!known) return error(404, "NOT_FOUND", "refresh token not found");
    auto b = described(t, r->second.scopes);
    b.emplace_back("client_id", o_.client_id);
    b.emplace_back("user_id", o_.user_id);
    b.emplace_back("token_type", "refresh");
    return answer{200, json::write(json::value(std::move(b))), {}};
  }

  // Expired access tokens go once they are long dead, so an hour-long run stays small.
  void prune() {
    std::erase_if(access_, [&](const auto& kv) { return now_ >= kv.second.expires_at + std::chrono::hours(1); });
  }

  hubspot_oauth_options o_;
  unix_ms now_{};
  std::map<std::string, code_record> codes_;
  std::map<std::string, refresh_record> refresh_;
  std::map<std::string, access_record> access_;
  std::size_t token_requests_ = 0;
};

}  // namespace tokenmint::testing
