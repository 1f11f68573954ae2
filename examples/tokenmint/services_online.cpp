// `tokenmint hubspot|benchling|alterian ...`: the other three services' clients over HTTPS.
#include "cli.hpp"
#include "commands.hpp"
#include "online.hpp"

#include <tokenmint/alterian/client.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/hubspot/client.hpp>
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
    std::cerr << "tokenmint " << group << ": unknown command '" << argv[0] << "'\n" << usage;
    return usage_error;
  }
  try {
    return it->second({argv.begin() + 1, argv.end()});
  } catch (const usage_failure& e) {
    std::cerr << "tokenmint " << group << ' ' << argv[0] << ": " << e.what() << "\n" << usage;
    return usage_error;
  } catch (const data_failure& e) {
    std::cerr << "tokenmint " << group << ' ' << argv[0] << ": " << e.what() << '\n';
    return data_error;
  }
}

// ------------------------------------------------------------------------------------- HubSpot

const char* const hubspot_usage =
    "usage: tokenmint hubspot visitor-token --access-token T --email E [--first-name F] [--last-name L]\n"
    "                 [--base-url URL] [--path PATH] [--ca-file PATH] [--timeout MS] [--proxy URL]\n"
    "                 [--resolve HOST:PORT:ADDR]\n"
    "Prints {\"token\":...}. --access-token may come from HUBSPOT_ACCESS_TOKEN; --base-url defaults\n"
    "to https://api.hubapi.com; --path to /conversations/v3/visitor-identification/tokens/create.\n";

int hubspot_visitor_token(const std::vector<std::string>& argv) {
  const args a(argv, with(transport_option_names, {"access-token", "email", "first-name", "last-name", "path"}), {});
  a.no_positional();
  hubspot::visitor_token_request req;
  req.email = a.require("email");
  req.first_name = a.get("first-name");
  req.last_name = a.get("last-name");
  hubspot::client_options o;
  o.access_token = secret_string(option_or_env(a, "access-token", "HUBSPOT_ACCESS_TOKEN", true));
  if (auto b = a.get("base-url")) o.base_url = *b;
  if (auto p = a.get("path")) o.path = *p;
  if (auto t = timeout_option(a)) o.call.timeout = *t;
  online_session s(a);
  hubspot::client c(s.transport, std::move(o));
  print_line(json::write(s.run(c.async_create_visitor_token(std::move(req)))));
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
  print_line(json::write(s.run(call(a, c))));
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
  static const command_table commands = {{"visitor-token", hubspot_visitor_token}};
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
