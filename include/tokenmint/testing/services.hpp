// The sandbox's HubSpot, Benchling and Alterian endpoints, sans-io: tokens, auth checks and
// each service's error bodies, so that the demo and offline users meet all five services.
// Where a vendor does not document a behaviour (Alterian's status constants, Benchling's
// content-type check) the sandbox's choice is listed in docs/sandbox.md.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/codec/hex.hpp>
#include <tokenmint/core/clock.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/http/message.hpp>
#include <tokenmint/http/request_parser.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/testing/hubspot_oauth.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::testing {

/// What the three services accept.
struct services_options {
  std::string hubspot_access_token = "sandbox-hubspot-token";  ///< a private app's token (never expires)
  hubspot_oauth_options hubspot_oauth;      ///< the public app: its access tokens are accepted too, until they expire
  std::size_t hubspot_limit_per_10s = 100;  ///< more requests in a rolling 10 s: 429 TEN_SECONDLY_ROLLING
  std::string benchling_client_id = "sandbox-client-id";
  std::string benchling_client_secret = "sandbox-client-secret";
  std::chrono::seconds benchling_token_lifetime{900};
  std::string alterian_api_key = "11111111-2222-3333-4444-555555555555";  ///< an SA token
  std::int32_t alterian_client_id = 1;                                    ///< the client of the SA token
  const tokenmint::clock* clock = nullptr;                                ///< null: the system clock
};

/// HubSpot under `/hubspot`, Benchling under `/benchling/api/v2`, Alterian under
/// `/alterian/services/api.svc/jsonsdk`. Test identities: HubSpot `daily-limit@example.com`
/// gets 429 `DAILY`. Not thread-safe.
class services_operator {
 public:
  static constexpr std::string_view hubspot_prefix = "/hubspot";
  static constexpr std::string_view benchling_prefix = "/benchling/api/v2";
  static constexpr std::string_view alterian_prefix = "/alterian/services/api.svc/jsonsdk";

  explicit services_operator(services_options o) : options_(std::move(o)), oauth_(options_.hubspot_oauth) {
    token_record sa;
    sa.id = next_id_++;
    sa.token = options_.alterian_api_key;
    sa.client_id = options_.alterian_client_id;
    sa.is_sa = true;
    sa.created = now_iso();
    tokens_.push_back(sa);
  }

  const services_options& options() const noexcept { return options_; }
  /// HubSpot's OAuth side (tests read its counters).
  const hubspot_oauth_server& hubspot_oauth() const noexcept { return oauth_; }

  /// Whether `path` belongs to one of the three services.
  static bool serves(std::string_view path) noexcept {
    return starts(path, hubspot_prefix) || starts(path, "/benchling/") || starts(path, "/alterian/");
  }

  http::response handle(const http::incoming_request& req) {
    const std::string_view path = req.path();
    if (starts(path, hubspot_prefix)) return hubspot(req, path.substr(hubspot_prefix.size()));
    if (starts(path, benchling_prefix)) return benchling(req, path.substr(benchling_prefix.size()));
    if (starts(path, alterian_prefix)) return alterian(req, path.substr(alterian_prefix.size()));
    return json_response(404, R"({"status":"error","message":"not found"})");
  }

 private:
  // One Alterian token the sandbox has issued (the service's CMTokenInformation, server side).
  struct token_record {
    std::int32_t id = 0;
    std::string token;
    std::optional<std::int32_t> user_id;
    std::int32_t client_id = 0;
    bool is_static = false;
    bool is_sa = false;
    std::string created;
  };

  static bool starts(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }

  unix_ms now() const { return (options_.clock ? *options_.clock : default_clock()).now(); }

  std::string now_iso() const {
    const auto t = std::chrono::floor<std::chrono::seconds>(now());
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+00:00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return buf;
  }

  static std::string random_uuid() {
    std::array<std::uint8_t, 16> b{};
    (void)crypto::random_bytes(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    const std::string h = hex::encode(std::span<const std::uint8_t>(b));
    return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' + h.substr(20);
  }

  static std::string random_b64url(std::size_t n) {
    std::vector<std::uint8_t> b(n);
    (void)crypto::random_bytes(b);
    return base64::encode(std::span<const std::uint8_t>(b), base64::alphabet::url, base64::padding::none);
  }

  static http::response json_response(int status, std::string body) {
    http::response r;
    r.status = status;
    r.headers.add("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
  }

  static bool is_json(const http::incoming_request& req) {
    const auto ct = req.headers.get("content-type");
    return ct && ct->substr(0, 16) == "application/json";
  }

  // ---------------------------------------------------------------------------------------- HubSpot
  http::response hubspot_error(int status, std::string category, std::string message, json::value::array_type errors = {},
                               std::optional<std::string> policy = std::nullopt) {
    auto b = json::value::reserved_object();
    b.emplace_back("status", "error");
    b.emplace_back("message", std::move(message));
    b.emplace_back("correlationId", correlation_);
    b.emplace_back("category", std::move(category));
    if (policy) {
      b.emplace_back("errorType", "RATE_LIMIT");
      b.emplace_back("policyName", *policy);
    }
    if (!errors.empty()) b.emplace_back("errors", std::move(errors));
    return json_response(status, json::write(json::value(std::move(b))));
  }

  http::response hubspot(const http::incoming_request& req, std::string_view op) {
    correlation_ = random_uuid();
    http::response r = hubspot_inner(req, op);
    r.headers.add("X-HubSpot-Correlation-Id", correlation_);
    r.headers.add("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
    r.headers.add("X-HubSpot-RateLimit-Max", std::to_string(options_.hubspot_limit_per_10s));
    const auto used = hubspot_window_.size();
    r.headers.add("X-HubSpot-RateLimit-Remaining",
                  std::to_string(used >= options_.hubspot_limit_per_10s ? 0 : options_.hubspot_limit_per_10s - used));
    return r;
  }

  http::response hubspot_inner(const http::incoming_request& req, std::string_view op) {
    if (hubspot_oauth_server::serves(op)) {
      auto a = oauth_.handle(req, op, now());
      http::response r;
      r.status = a.status;
      if (!a.location.empty()) r.headers.add("Location", a.location);
      if (!a.body.empty()) {
        r.headers.add("Content-Type", "application/json");
        r.body = std::move(a.body);
      }
      return r;
    }
    if (op != "/conversations/v3/visitor-identification/tokens/create" && op != "/visitor-identification/v3/tokens/create")
      return hubspot_error(404, "OBJECT_NOT_FOUND", "No such endpoint");
    if (req.method != "POST") return hubspot_error(405, "METHOD_NOT_ALLOWED", "Use POST");
    const auto auth = req.headers.get("authorization");
    if (!auth) return hubspot_error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found");
    if (*auth != "Bearer " + options_.hubspot_access_token) {
      const std::string_view given = auth->substr(0, 7) == "Bearer " ? auth->substr(7) : std::string_view{};
      if (auto why = oauth_.refuse_access_token(given, now()))
        return hubspot_error(401, why->find("expired") != std::string::npos ? "EXPIRED_AUTHENTICATION" : "INVALID_AUTHENTICATION",
                             *why);
    }
    const auto t = now();
    while (!hubspot_window_.empty() && hubspot_window_.front() + std::chrono::seconds(10) <= t) hubspot_window_.pop_front();
    if (hubspot_window_.size() >= options_.hubspot_limit_per_10s) {
      auto r = hubspot_error(429, "RATE_LIMITS", "You have reached your secondly limit.", {}, "TEN_SECONDLY_ROLLING");
      r.headers.add("Retry-After", "1");
      return r;
    }
    hubspot_window_.push_back(t);
    if (!is_json(req)) return hubspot_error(415, "VALIDATION_ERROR", "Content-Type must be application/json");
    auto doc = json::read<json::value>(req.body);
    const json::value* email = doc ? doc->find("email") : nullptr;
    if (!doc || !doc->if_object() || !email || !email->if_string() || email->if_string()->find('@') == std::string::npos) {
      auto e = json::value::reserved_object();
      e.emplace_back("message", doc ? "email is required and must be an email address" : "body is not JSON");
      e.emplace_back("in", "email");
      e.emplace_back("code", doc ? "INVALID_EMAIL" : "INVALID_JSON");
      json::value::array_type errors;
      errors.emplace_back(std::move(e));
      return hubspot_error(400, "VALIDATION_ERROR", "Invalid input", std::move(errors));
    }
    for (const char* name : {"firstName", "lastName"})
      if (const auto* v = doc->find(name); v && !v->if_string() && !v->is_null()) {
        auto e = json::value::reserved_object();
        e.emplace_back("message", std::string(name) + " must be a string");
        e.emplace_back("in", name);
        json::value::array_type errors;
        errors.emplace_back(std::move(e));
        return hubspot_error(400, "VALIDATION_ERROR", "Invalid input", std::move(errors));
      }
    if (*email->if_string() == "daily-limit@example.com")
      return hubspot_error(429, "RATE_LIMITS", "You have reached your daily limit.", {}, "DAILY");
    // A JWT-shaped token: header.payload.signature, base64url; opaque to clients as HubSpot's is.
    auto payload = json::value::reserved_object();
    payload.emplace_back("email", *email->if_string());
    const auto iat = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    payload.emplace_back("iat", iat);
    payload.emplace_back("exp", iat + 12 * 3600);
    payload.emplace_back("jti", random_uuid());
    const std::string head =
        base64::encode(std::string_view(R"({"alg":"HS256","typ":"JWT"})"), base64::alphabet::url, base64::padding::none);
    const std::string body = base64::encode(std::string_view(json::write(json::value(std::move(payload)))), base64::alphabet::url,
                                            base64::padding::none);
    auto out = json::value::reserved_object();
    out.emplace_back("token", head + '.' + body + '.' + random_b64url(32));
    return json_response(200, json::write(json::value(std::move(out))));
  }

  // -------------------------------------------------------------------------------------- Benchling
  static http::response benchling_error(int status, std::string_view type, std::string message) {
    auto e = json::value::reserved_object();
    e.emplace_back("message", message);
    e.emplace_back("type", std::string(type));
    e.emplace_back("userMessage", message);
    auto b = json::value::reserved_object();
    b.emplace_back("error", std::move(e));
    return json_response(status, json::write(json::value(std::move(b))));
  }

  http::response benchling(const http::incoming_request& req, std::string_view op) {
    http::response r = benchling_inner(req, op);
    r.headers.add("x-rate-limit-limit", "60");
    r.headers.add("x-rate-limit-remaining", "59");
    r.headers.add("x-rate-limit-reset", "30");
    return r;
  }

  http::response benchling_inner(const http::incoming_request& req, std::string_view op) {
    if (op != "/token") return benchling_error(404, "invalid_request_error", "Not found");
    if (req.method != "POST") return benchling_error(405, "invalid_request_error", "Use POST");
    const auto ct = req.headers.get("content-type");
    if (!ct || ct->substr(0, 33) != "application/x-www-form-urlencoded")
      return benchling_error(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
    std::optional<std::string> grant, id, secret;
    auto fields = http::form_decode(req.body);
    if (!fields) return benchling_error(400, "invalid_request", "Malformed form body");
    for (auto& f : *fields) {
      if (f.name == "grant_type") grant = std::move(f.value);
      else if (f.name == "client_id") id = std::move(f.value);
      else if (f.name == "client_secret") secret = std::move(f.value);
    }
    if (!grant) return benchling_error(400, "invalid_request", "grant_type is required");
    if (*grant != "client_credentials")
      return benchling_error(400, "unsupported_grant_type", "Only client_credentials is supported");
    if (const auto auth = req.headers.get("authorization"); auth && auth->substr(0, 6) == "Basic ") {
      auto decoded = base64::decode(auth->substr(6));
      if (decoded) {
        const std::string pair(decoded->begin(), decoded->end());
        const auto colon = pair.find(':');
        if (colon != std::string::npos) {
          id = pair.substr(0, colon);
          secret = pair.substr(colon + 1);
        }
      }
    }
    if (!id || !secret || *id != options_.benchling_client_id || *secret != options_.benchling_client_secret)
      return benchling_error(401, "invalid_client", "Invalid client credentials");
    auto out = json::value::reserved_object();
    out.emplace_back("access_token", "bsbx_" + random_b64url(32));
    out.emplace_back("expires_in", static_cast<std::int64_t>(options_.benchling_token_lifetime.count()));
    out.emplace_back("token_type", "Bearer");
    return json_response(200, json::write(json::value(std::move(out))));
  }

  // --------------------------------------------------------------------------------------- Alterian
  static http::response alterian_result(int status, std::string_view code, json::value result,
                                        std::vector<std::vector<std::string>> detail = {},
                                        std::optional<json::value> cursor = std::nullopt) {
    auto b = json::value::reserved_object();
    b.emplace_back("StatusCode", std::string(code));
    b.emplace_back("DebugMessage", "");
    json::value::array_type rows;
    for (auto& row : detail) {
      json::value::array_type cells;
      for (auto& c : row) cells.emplace_back(std::move(c));
      rows.emplace_back(std::move(cells));
    }
    b.emplace_back("Detail", std::move(rows));
    if (cursor) b.emplace_back("Cursor", std::move(*cursor));
    if (!result.is_null()) b.emplace_back("Result", std::move(result));
    return json_response(status, json::write(json::value(std::move(b))));
  }

  token_record* find_token(std::string_view t) {
    for (auto& r : tokens_)
      if (http::iequals(r.token, t)) return &r;
    return nullptr;
  }

  static std::optional<std::int32_t> int_member(const json::value& doc, std::string_view name, bool& bad) {
    const auto* v = doc.find(name);
    if (!v || v->is_null()) return std::nullopt;
    const auto* n = v->if_number();
    const auto i = n ? n->to_int64() : std::nullopt;
    if (!i || *i < INT32_MIN || *i > INT32_MAX) {
      bad = true;
      return std::nullopt;
    }
    return static_cast<std::int32_t>(*i);
  }

  static json::value token_json(const token_record& r) {
    auto o = json::value::reserved_object();
    o.emplace_back("ID", r.id);
    o.emplace_back("LoginID", nullptr);
    o.emplace_back("Token", r.token);
    o.emplace_back("TimezoneID", nullptr);
    o.emplace_back("UserID", r.user_id ? json::value(*r.user_id) : json::value(nullptr));
    o.emplace_back("ClientID", r.client_id);
    o.emplace_back("LastActivity", r.created);
    o.emplace_back("Created", r.created);
    o.emplace_back("Culture", "en-GB");
    o.emplace_back("IsStatic", r.is_static);
    o.emplace_back("IsSAtoken", r.is_sa);
    return json::value(std::move(o));
  }

  http::response alterian(const http::incoming_request& req, std::string_view op) {
    if (req.method != "POST") return alterian_result(405, "MethodNotAllowed", nullptr, {{"Use POST"}});
    const auto key = req.headers.get("x-api-key");
    token_record* caller = key ? find_token(*key) : nullptr;
    if (!caller)
      return alterian_result(401, "InvalidToken", nullptr, {{"X-Api-Key", key ? "unknown or purged token" : "missing"}});
    if (!is_json(req)) return alterian_result(415, "InvalidRequest", nullptr, {{"Content-Type must be application/json"}});
    auto doc = json::read<json::value>(req.body);
    if (!doc || !doc->if_object()) return alterian_result(400, "InvalidRequest", nullptr, {{"body is not a JSON object"}});
    bool bad = false;
    const auto client_id = int_member(*doc, "ClientID", bad);
    const auto user_id = int_member(*doc, "UserID", bad);
    if (bad) return alterian_result(400, "InvalidRequest", nullptr, {{"ClientID/UserID must be 32-bit integers"}});
    // An SA token chooses the client; a regular token acts for its own.
    const std::int32_t acting_client = caller->is_sa && client_id ? *client_id : caller->client_id;
    const auto string_member = [&](std::string_view name) -> std::string {
      const auto* v = doc->find(name);
      return v && v->if_string() ? *v->if_string() : std::string();
    };
    if (op == "/CreateStaticToken" || op == "/CreateImpersonationToken") {
      const bool impersonation = op == "/CreateImpersonationToken";
      if (impersonation && !caller->is_sa)
        return alterian_result(200, "NotAuthorized", nullptr, {{"CreateImpersonationToken needs an SA token"}});
      if (caller->is_sa && !client_id)
        return alterian_result(200, "MissingParameter", nullptr, {{"ClientID", "required with an SA token"}});
      if (!impersonation && !user_id) return alterian_result(200, "MissingParameter", nullptr, {{"UserID", "required"}});
      token_record r;
      r.id = next_id_++;
      r.token = random_uuid();
      r.user_id = user_id;
      r.client_id = acting_client;
      r.is_static = !impersonation;
      r.created = now_iso();
      tokens_.push_back(r);
      return alterian_result(200, "Success", json::value(r.token));
    }
    if (op == "/DeleteStaticToken" || op == "/UpdateStaticToken") {
      const bool update = op == "/UpdateStaticToken";
      const std::string t = string_member(update ? "TokenToUpdate" : "TokenToDelete");
      if (update && !user_id) return alterian_result(200, "MissingParameter", json::value(false), {{"UserID", "required"}});
      token_record* r = find_token(t);
      if (!r || !r->is_static || (!caller->is_sa && r->client_id != caller->client_id))
        return alterian_result(200, "NotFound", json::value(false),
                               {{update ? "TokenToUpdate" : "TokenToDelete", "no static token with this id"}});
      if (update) {
        r->user_id = user_id;
      } else {
        std::erase_if(tokens_, [&](const token_record& x) { return &x == r; });
      }
      return alterian_result(200, "Success", json::value(true));
    }
    if (op == "/GetTokens") {
      const auto flag = [&](std::string_view name) {
        const auto* v = doc->find(name);
        return v && v->if_bool() && *v->if_bool();
      };
      json::value::array_type all;
      for (const auto& r : tokens_) {
        if (r.client_id != acting_client && !(caller->is_sa && !client_id)) continue;
        const bool wanted = (r.is_static && flag("IncludeStatic")) || (r.is_sa && flag("IncludeSA")) ||
                            (!r.is_static && !r.is_sa && flag("IncludeStandard"));
        if (!wanted || (!r.user_id && !r.is_sa && !flag("IncludeNonUser"))) continue;
        all.push_back(token_json(r));
      }
      const json::value* cur = doc->find("Cursor");
      if (!cur || cur->is_null()) return alterian_result(200, "Success", json::value(std::move(all)));
      bool bad_cursor = false;
      const auto from = int_member(*cur, "From", bad_cursor).value_or(0);
      const auto to = int_member(*cur, "To", bad_cursor);
      if (bad_cursor || from < 0)
        return alterian_result(200, "InvalidParameter", nullptr, {{"Cursor", "From/To must be integers, From >= 0"}});
      json::value::array_type page;
      for (std::int64_t i = from; i < static_cast<std::int64_t>(all.size()) && (!to || i <= *to); ++i)
        page.push_back(all[static_cast<std::size_t>(i)]);
      auto c = json::value::reserved_object();
      c.emplace_back("From", from);
      c.emplace_back("To", to ? json::value(*to) : json::value(nullptr));
      c.emplace_back("Total", static_cast<std::int64_t>(all.size()));
      c.emplace_back("SortDescending", false);
      c.emplace_back("SortProperty", nullptr);
      return alterian_result(200, "Success", json::value(std::move(page)), {}, json::value(std::move(c)));
    }
    return alterian_result(404, "UnknownMethod", nullptr, {{std::string(op)}});
  }

  services_options options_;
  hubspot_oauth_server oauth_;
  std::string correlation_;
  std::deque<unix_ms> hubspot_window_;
  std::vector<token_record> tokens_;
  std::int32_t next_id_ = 1;
};

}  // namespace tokenmint::testing
