// `tokenmint hubspot|benchling|alterian ...`: the other three services' clients over HTTPS.
#include "cli.hpp"
#include "commands.hpp"
#include "online.hpp"

#include <tokenmint/alterian/client.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/hubspot/oauth_client.hpp>
#include <tokenmint/json/write.hpp>

#include <cstdlib>
#include <iostream>

namespace tokenmint::cli {

namespace {

using command_table = std::map<std::string, std::function<int(const std::vector<std::string>&)>>;

std::string option_or_env(const args& a, const char* name, const char* env, bool required) {
  if (auto v = a.get(name)) return *v;
  if (const char* e = std::getenv(env); e != nullptr && *e != '\0') return e;
  if (required) throw usage_failure(std::string("--") + name + " is required (or set " + env + ")");
  return {};
}

std::int32_t int32_option(const args& a, const char* name) {
  const auto v = parse_int64(a.require(name), name);
  if (v < INT32_MIN || v > INT32_MAX) throw usage_failure(std::string("--") + name + ": out of the 32-bit range");
  return static_cast<std::int32_t>(v);
}

std::optional<std::int32_t> optional_int32(const args& a, const char* name) {
  if (!a.get(name)) return std::nullopt;
  return int32_option(a, name);
}

/// Runs one group's command table with the group's usage and error reporting.
int dispatch(const char* group, const char* usage, const command_table& commands, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cerr << usage;
    return usage_error;
  }
  if (argv[0] == "--help" || argv[0] == "-h") {
    std::cout << usage;
    return ok;
  }
  auto it = commands.find(argv[0]);
  if (it == commands.end()) {
    std::vector<std::string> names;
    for (const auto& entry : commands) names.push_back(entry.first);
    const std::string hint = closest(argv[0], names);
    std::cerr << "tokenmint " << group << ": unknown command '" << argv[0] << "'"
              << (hint.empty() ? "" : " (did you mean '" + hint + "'?)") << "\n"
              << usage;
    return usage_error;
  }
  current_command() = std::string(group) + ' ' + argv[0];
  try {
    return it->second({argv.begin() + 1, argv.end()});
  } catch (const usage_failure& e) {
    std::cerr << "tokenmint " << group << ' ' << argv[0] << ": " << e.what() << "\n"
              << "see: tokenmint " << group << ' ' << argv[0] << " --help\n";
    return usage_error;
  } catch (const data_failure& e) {
    std::cerr << "tokenmint " << group << ' ' << argv[0] << ": " << e.what() << '\n';
    return data_error;
  }
}

// ------------------------------------------------------------------------------------- HubSpot

const char* const hubspot_usage =
    "usage: tokenmint hubspot visitor-token (--access-token T | --refresh-token R --client-id ID --client-secret S)\n"
    "                 --email E [--first-name F] [--last-name L] [--path PATH] [--v3]\n"
    "       tokenmint hubspot oauth-token --client-id ID --client-secret S [--v3]\n"
    "                 (--code C --redirect-uri U [--code-verifier V] | --refresh-token R | --client-credentials [--scope S])\n"
    "       tokenmint hubspot oauth-introspect --client-id ID --client-secret S --token T [--token-type-hint H]\n"
    "       tokenmint hubspot oauth-revoke --client-id ID --client-secret S --token T [--token-type-hint H]\n"
    "       tokenmint hubspot authorize-url --client-id ID --redirect-uri U --scope S [--optional-scope S]\n"
    "                 [--state S] [--pkce] [--account-id N] [--authorize-base-url URL]\n"
    "  every command but authorize-url: [--base-url URL] [--ca-file PATH] [--timeout MS] [--proxy URL]\n"
    "                 [--resolve HOST:PORT:ADDR]\n"
    "visitor-token prints {\"token\":...} (and \"refresh_token\" when HubSpot rotated it: persist it).\n"
    "oauth-token prints HubSpot's token answer; oauth-introspect its token info; oauth-revoke\n"
    "{\"revoked\":true}; authorize-url {\"url\",\"state\"[,\"code_verifier\"]} (keep state and verifier for\n"
    "the code exchange). Scopes are space- or comma-separated. Secrets may come from the environment:\n"
    "HUBSPOT_ACCESS_TOKEN, HUBSPOT_REFRESH_TOKEN, HUBSPOT_CLIENT_SECRET. --base-url defaults to\n"
    "https://api.hubapi.com (for the OAuth endpoints too); --path to\n"
    "/conversations/v3/visitor-identification/tokens/create.\n";

hubspot::oauth_client_options hubspot_oauth_options(const args& a) {
  hubspot::oauth_client_options o;
  o.client_id = a.require("client-id");
  o.client_secret = secret_string(option_or_env(a, "client-secret", "HUBSPOT_CLIENT_SECRET", true));
  if (auto b = a.get("base-url")) o.base_url = *b;
  if (a.flag("v3")) o.api = hubspot::oauth_api::v3;
  if (auto t = timeout_option(a)) o.call.timeout = *t;
  return o;
}

std::vector<std::string> scope_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ' ') {
    if (c == ' ' || c == ',') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

int hubspot_visitor_token(const std::vector<std::string>& argv) {
  const args a(argv,
               with(transport_option_names,
                    {"access-token", "refresh-token", "client-id", "client-secret", "email", "first-name", "last-name", "path"}),
               {"v3"});
  a.no_positional();
  hubspot::visitor_token_request req;
  req.email = a.require("email");
  req.first_name = a.get("first-name");
  req.last_name = a.get("last-name");
  hubspot::client_options o;
  if (auto b = a.get("base-url")) o.base_url = *b;
  if (auto p = a.get("path")) o.path = *p;
  if (auto t = timeout_option(a)) o.call.timeout = *t;
  const bool public_app = a.get("refresh-token") || a.get("client-id");
  if (public_app && a.get("access-token")) throw usage_failure("give --access-token or --refresh-token, not both");
  online_session s(a);
  json::value::object_type out;
  if (!public_app) {
    o.access_token = secret_string(option_or_env(a, "access-token", "HUBSPOT_ACCESS_TOKEN", true));
    hubspot::client c(s.transport, std::move(o));
    out.emplace_back("token", s.run(c.async_create_visitor_token(std::move(req))).token.reveal());
  } else {
    const secret_string refresh(option_or_env(a, "refresh-token", "HUBSPOT_REFRESH_TOKEN", true));
    std::optional<std::string> rotated;
    hubspot::token_provider<https_transport> tokens(
        hubspot::refresh_token_source(hubspot::oauth_client(s.transport, hubspot_oauth_options(a)), refresh,
                                      [&](const secret_string& r) { rotated = r.reveal(); }));
    hubspot::client c(s.transport, std::move(o), tokens);
    out.emplace_back("token", s.run(c.async_create_visitor_token(std::move(req))).token.reveal());
    if (rotated) out.emplace_back("refresh_token", *rotated);  // the old one may no longer work: persist this
  }
  print_line(json::write(json::value(std::move(out))));
  return ok;
}

int hubspot_oauth_token(const std::vector<std::string>& argv) {
  const args a(argv,
               with(transport_option_names,
                    {"client-id", "client-secret", "code", "redirect-uri", "code-verifier", "refresh-token", "scope"}),
               {"v3", "client-credentials"});
  a.no_positional();
  const int grants = (a.get("code") ? 1 : 0) + (a.get("refresh-token") ? 1 : 0) + (a.flag("client-credentials") ? 1 : 0);
  if (grants > 1) throw usage_failure("give one of --code, --refresh-token, --client-credentials");
  hubspot::token_request req;
  if (a.get("code")) {
    req = hubspot::code_grant(secret_string(*a.get("code")), a.require("redirect-uri"),
                              secret_string(a.get("code-verifier").value_or("")));
  } else if (a.flag("client-credentials")) {
    req = hubspot::client_credentials_grant();
  } else {
    req = hubspot::refresh_grant(secret_string(option_or_env(a, "refresh-token", "HUBSPOT_REFRESH_TOKEN", false)));
    if (req.refresh_token.empty())
      throw usage_failure("give --code, --refresh-token (or HUBSPOT_REFRESH_TOKEN) or --client-credentials");
  }
  if (auto sc = a.get("scope")) req.scope = joined(scope_list(*sc));
  online_session s(a);
  hubspot::oauth_client c(s.transport, hubspot_oauth_options(a));
  print_line(json::write(s.run(c.async_create_token(std::move(req)))));  // the command's purpose is to print it
  return ok;
}

int hubspot_oauth_introspect_or_revoke(const std::vector<std::string>& argv, bool revoke) {
  const args a(argv, with(transport_option_names, {"client-id", "client-secret", "token", "token-type-hint"}), {});
  a.no_positional();
  const secret_string token(a.require("token"));
  online_session s(a);
  hubspot::oauth_client c(s.transport, hubspot_oauth_options(a));
  if (revoke) {
    s.run(c.async_revoke_token(token, a.get("token-type-hint").value_or("")));
    print_line(R"({"revoked":true})");
  } else {
    print_line(json::write(s.run(c.async_introspect_token(token, a.get("token-type-hint").value_or("")))));
  }
  return ok;
}

int hubspot_authorize_url(const std::vector<std::string>& argv) {
  const args a(argv, {"client-id", "redirect-uri", "scope", "optional-scope", "state", "account-id", "authorize-base-url"},
               {"pkce"});
  a.no_positional();
  hubspot::authorize_options o;
  o.client_id = a.require("client-id");
  o.redirect_uri = a.require("redirect-uri");
  o.scopes = scope_list(a.require("scope"));
  if (auto sc = a.get("optional-scope")) o.optional_scopes = scope_list(*sc);
  if (auto b = a.get("authorize-base-url")) o.base_url = *b;
  if (auto id = a.get("account-id")) o.account_id = parse_int64(*id, "account-id");
  if (auto st = a.get("state")) {
    o.state = *st;
  } else {
    auto st2 = auth::random_url_token(16);
    if (!st2) throw data_failure(st2.error().describe());
    o.state = *st2;
  }
  if (a.flag("pkce")) {
    auto p = auth::pkce::generate();
    if (!p) throw data_failure(p.error().describe());
    o.pkce = std::move(*p);
  }
  auto url = hubspot::authorize_url(o);
  if (!url) throw usage_failure(url.error().message);
  json::value::object_type out;
  out.emplace_back("url", *url);
  out.emplace_back("state", o.state);
  if (o.pkce) out.emplace_back("code_verifier", o.pkce->verifier.reveal());  // the app keeps it for the exchange
  print_line(json::write(json::value(std::move(out))));
  return ok;
}

// ----------------------------------------------------------------------------------- Benchling

const char* const benchling_usage =
    "usage: tokenmint benchling token --base-url URL --client-id ID --client-secret S [--credentials-in-body]\n"
    "                 [--ca-file PATH] [--timeout MS] [--proxy URL] [--resolve HOST:PORT:ADDR]\n"
    "Prints {\"access_token\":...,\"token_type\":\"Bearer\",\"expires_in\":N}. --base-url is the tenant's\n"
    "API base, e.g. https://example.benchling.com/api/v2. --client-secret may come from\n"
    "BENCHLING_CLIENT_SECRET.\n";

int benchling_token(const std::vector<std::string>& argv) {
  const args a(argv, with(transport_option_names, {"client-id", "client-secret"}), {"credentials-in-body"});
  a.no_positional();
  benchling::client_options o;
  o.base_url = a.require("base-url");
  o.client_id = a.require("client-id");
  o.client_secret = secret_string(option_or_env(a, "client-secret", "BENCHLING_CLIENT_SECRET", true));
  o.credentials_in_body = a.flag("credentials-in-body");
  if (auto t = timeout_option(a)) o.call.timeout = *t;
  online_session s(a);
  benchling::client c(s.transport, std::move(o));
  const auto t = s.run(c.async_generate_token());
  json::value::object_type out;
  out.emplace_back("access_token", t.access_token.reveal());  // the command's purpose is to print it
  out.emplace_back("token_type", t.token_type);
  out.emplace_back("expires_in", static_cast<std::int64_t>(t.expires_in.count()));
  print_line(json::write(json::value(std::move(out))));
  return ok;
}

// ------------------------------------------------------------------------------------ Alterian

const char* const alterian_usage =
    "usage: tokenmint alterian <command> --base-url URL --api-key K [options]\n"
    "  create-static-token        --user-id N [--client-id N]\n"
    "  create-impersonation-token --client-id N [--user-id N]\n"
    "  delete-static-token        --token UUID\n"
    "  update-static-token        --token UUID --user-id N\n"
    "  list-tokens                [--client-id N] [--include-static] [--include-sa] [--include-standard]\n"
    "                             [--include-non-user] [--from N --to N]\n"
    "Each also takes --ca-file PATH --timeout MS --proxy URL --resolve HOST:PORT:ADDR. --base-url is\n"
    "the server's JSON SDK base, e.g. https://host/services/api.svc/jsonsdk; --api-key may come from\n"
    "ALTERIAN_API_KEY. Prints the service's OperationResult (StatusCode, Detail, DebugMessage, Result).\n";

template <class Call>
int alterian_run(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags,
                 Call call) {
  const args a(argv, with(with(transport_option_names, {"api-key"}), valued), flags);
  a.no_positional();
  alterian::client_options o;
  o.base_url = a.require("base-url");
  o.api_key = secret_string(option_or_env(a, "api-key", "ALTERIAN_API_KEY", true));
  if (auto t = timeout_option(a)) o.call.timeout = *t;
  online_session s(a);
  alterian::client c(s.transport, std::move(o));
  const auto answer = s.run(call(a, c));
  print_line(json::write(answer));
  // The answer is printed either way; a StatusCode other than Success (NotFound, ...) is a failure.
  if (answer.status_code && *answer.status_code != "Success") {
    std::cerr << "tokenmint alterian: StatusCode " << *answer.status_code
              << (answer.debug_text().empty() ? "" : ": " + answer.debug_text()) << '\n';
    return data_error;
  }
  return ok;
}

int alterian_create_static(const std::vector<std::string>& argv) {
  return alterian_run(argv, {"user-id", "client-id"}, {}, [](const args& a, alterian::client& c) {
    alterian::create_static_token_request r;
    r.user_id = int32_option(a, "user-id");
    r.client_id = optional_int32(a, "client-id");
    return c.async_create_static_token(std::move(r));
  });
}

int alterian_create_impersonation(const std::vector<std::string>& argv) {
  return alterian_run(argv, {"user-id", "client-id"}, {}, [](const args& a, alterian::client& c) {
    alterian::create_impersonation_token_request r;
    r.client_id = int32_option(a, "client-id");
    r.user_id = optional_int32(a, "user-id");
    return c.async_create_impersonation_token(std::move(r));
  });
}

int alterian_delete_static(const std::vector<std::string>& argv) {
  return alterian_run(argv, {"token"}, {}, [](const args& a, alterian::client& c) {
    alterian::delete_static_token_request r;
    r.token_to_delete = secret_string(a.require("token"));
    return c.async_delete_static_token(std::move(r));
  });
}

int alterian_update_static(const std::vector<std::string>& argv) {
  return alterian_run(argv, {"token", "user-id"}, {}, [](const args& a, alterian::client& c) {
    alterian::update_static_token_request r;
    r.token_to_update = secret_string(a.require("token"));
    r.user_id = int32_option(a, "user-id");
    return c.async_update_static_token(std::move(r));
  });
}

int alterian_list(const std::vector<std::string>& argv) {
  return alterian_run(argv, {"client-id", "from", "to"}, {"include-static", "include-sa", "include-standard", "include-non-user"},
                      [](const args& a, alterian::client& c) {
                        alterian::get_tokens_request r;
                        r.client_id = optional_int32(a, "client-id");
                        r.include_static = a.flag("include-static");
                        r.include_sa = a.flag("include-sa");
                        r.include_standard = a.flag("include-standard");
                        r.include_non_user = a.flag("include-non-user");
                        if (a.get("from") || a.get("to")) {
                          if (!a.get("from") || !a.get("to")) throw usage_failure("--from and --to go together");
                          r.cursor.emplace();
                          r.cursor->from = int32_option(a, "from");
                          r.cursor->to = int32_option(a, "to");
                        }
                        return c.async_get_tokens(std::move(r));
                      });
}

}  // namespace

int run_hubspot(const std::vector<std::string>& argv) {
  static const command_table commands = {
      {"visitor-token", hubspot_visitor_token},
      {"oauth-token", hubspot_oauth_token},
      {"oauth-introspect", [](const std::vector<std::string>& v) { return hubspot_oauth_introspect_or_revoke(v, false); }},
      {"oauth-revoke", [](const std::vector<std::string>& v) { return hubspot_oauth_introspect_or_revoke(v, true); }},
      {"authorize-url", hubspot_authorize_url}};
  return dispatch("hubspot", hubspot_usage, commands, argv);
}

int run_benchling(const std::vector<std::string>& argv) {
  static const command_table commands = {{"token", benchling_token}};
  return dispatch("benchling", benchling_usage, commands, argv);
}

int run_alterian(const std::vector<std::string>& argv) {
  static const command_table commands = {{"create-static-token", alterian_create_static},
                                         {"create-impersonation-token", alterian_create_impersonation},
                                         {"delete-static-token", alterian_delete_static},
                                         {"update-static-token", alterian_update_static},
                                         {"list-tokens", alterian_list}};
  return dispatch("alterian", alterian_usage, commands, argv);
}

}  // namespace tokenmint::cli
