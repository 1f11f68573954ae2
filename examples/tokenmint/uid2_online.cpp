// `tokenmint uid2 generate|refresh|validate|map|keys`: the UID2/EUID client over HTTPS, and
// `tokenmint sandbox`: the local operator.
#include "cli.hpp"
#include "commands.hpp"
#include "online.hpp"

#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/client_side_client.hpp>
#include <tokenmint/testing/sandbox.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <cstdlib>
#include <iostream>

namespace tokenmint::cli {

namespace {

// Options every online subcommand takes.
const std::set<std::string> connection_options = with(transport_option_names, {"api-key", "secret"});
const std::set<std::string> identity_options = {"email", "phone", "email-hash", "phone-hash"};

std::optional<std::string> option_or_env(const args& a, const char* name, const char* env) {
  if (auto v = a.get(name)) return v;
  if (const char* e = std::getenv(env); e != nullptr && *e != '\0') return std::string(e);
  return std::nullopt;
}

struct online {
  asio::io_context io;
  https_transport transport;
  uid2::client_options options;
  bool euid = false;

  online(const args& a, bool needs_secret) : transport(io.get_executor(), transport_options(a)), euid(a.flag("euid")) {
    if (auto s = transport.status(); !s) throw data_failure(s.error().message);
    options.base_url = a.require("base-url");
    if (auto k = option_or_env(a, "api-key", "UID2_API_KEY")) options.api_key = secret<std::string>(std::move(*k));
    if (auto s = option_or_env(a, "secret", "UID2_CLIENT_SECRET")) options.client_secret = secret<std::string>(std::move(*s));
    else if (needs_secret) throw usage_failure("--secret is required (or set UID2_CLIENT_SECRET)");
    if (needs_secret && options.api_key.reveal().empty()) throw usage_failure("--api-key is required (or set UID2_API_KEY)");
    if (auto t = timeout_option(a)) options.call.timeout = *t;
  }

  /// Runs `call` on a client of the chosen flavour and returns its result.
  template <class F>
  auto run(F call) {
    using R = decltype(call(std::declval<uid2::basic_client<https_transport>&>()).await_resume());
    std::optional<R> out;
    auto go = [&](auto& client) {
      asio::co_spawn(io, call(client), [&](std::exception_ptr e, R r) {
        if (e) std::rethrow_exception(e);
        out.emplace(std::move(r));
      });
      io.run();
    };
    if (euid) {
      euid::basic_client<https_transport> c(transport, options);
      go(c);
    } else {
      uid2::basic_client<https_transport> c(transport, options);
      go(c);
    }
    if (!*out) throw data_failure(out->error().describe());
    return std::move(**out);
  }
};

/// The one identity option given (`--email V` ...), as an input; `extra` positionals are refused.
uid2::identity_input identity_from(const args& a) {
  std::optional<std::pair<std::string, std::string>> found;
  for (const auto& name : identity_options)
    if (auto v = a.get(name)) {
      if (found) throw usage_failure("give exactly one of --email, --phone, --email-hash, --phone-hash");
      found.emplace(name, *v);
    }
  if (!found) throw usage_failure("give exactly one of --email, --phone, --email-hash, --phone-hash");
  const auto& [kind, value] = *found;
  if (kind == "email") return take(uid2::identity_input::from_email(value));
  if (kind == "phone") return take(uid2::identity_input::from_phone(value));
  if (kind == "email-hash") return take(uid2::identity_input::from_email_hash(value));
  return take(uid2::identity_input::from_phone_hash(value));
}

void print_outcome(const uid2::token_response& r) {
  if (r.status == uid2::token_status::success) print_line(r.identity->to_json());
  else print_line("{\"status\":\"" + std::string(uid2::to_string(r.status)) + "\"}");
}

int generate(const std::vector<std::string>& argv) {
  const args a(argv, with(with(connection_options, identity_options), {"tcf"}), {"euid"});
  a.no_positional();
  auto input = identity_from(a);
  online o(a, true);
  uid2::generate_options g;
  if (auto tcf = a.get("tcf")) {
    if (!o.euid) throw usage_failure("--tcf goes with --euid");
    g.tcf_consent_string = *tcf;
  }
  print_outcome(o.run([&](auto& c) { return c.async_generate_token(input, g); }));
  return ok;
}

int refresh(const std::vector<std::string>& argv) {
  const args a(argv, connection_options, {"euid"});
  a.no_positional();
  online o(a, false);
  const auto id = take(uid2::identity::from_json(read_stdin()));
  print_outcome(o.run([&](auto& c) { return c.async_refresh_token(id); }));
  return ok;
}

int validate(const std::vector<std::string>& argv) {
  const args a(argv, with(with(connection_options, identity_options), {"token"}), {"euid"});
  a.no_positional();
  auto input = identity_from(a);
  const std::string token = a.require("token");
  online o(a, true);
  print_line(o.run([&](auto& c) { return c.async_validate_token(token, input); }) ? "true" : "false");
  return ok;
}

int map(const std::vector<std::string>& argv) {
  const args a(argv, with(connection_options, identity_options), {"euid"});
  std::optional<std::string> kind;
  for (const auto& name : identity_options)
    if (a.get(name)) {
      if (kind) throw usage_failure("give one of --email, --phone, --email-hash, --phone-hash, then the values");
      kind = name;
    }
  if (!kind) throw usage_failure("give one of --email, --phone, --email-hash, --phone-hash, then the values");
  std::vector<std::string> values{*a.get(*kind)};
  values.insert(values.end(), a.positional().begin(), a.positional().end());
  std::vector<uid2::identity_input> inputs;
  for (const auto& v : values) {
    if (*kind == "email") inputs.push_back(take(uid2::identity_input::from_email(v)));
    else if (*kind == "phone") inputs.push_back(take(uid2::identity_input::from_phone(v)));
    else if (*kind == "email-hash") inputs.push_back(take(uid2::identity_input::from_email_hash(v)));
    else inputs.push_back(take(uid2::identity_input::from_phone_hash(v)));
  }
  online o(a, true);
  const auto mapped = o.run([&](auto& c) { return c.async_map_identities(inputs); });
  json::value::array_type out;
  for (std::size_t i = 0; i < mapped.size(); ++i) {
    json::value::object_type m;
    m.emplace_back("identifier", values[i]);
    if (mapped[i].mapped()) {
      m.emplace_back("uid", mapped[i].uid);
      m.emplace_back("previous_uid", mapped[i].previous_uid ? json::value(*mapped[i].previous_uid) : json::value(nullptr));
      m.emplace_back("refresh_from", mapped[i].refresh_from_s);
    } else {
      m.emplace_back("unmapped", mapped[i].unmapped_reason);
    }
    out.emplace_back(std::move(m));
  }
  print_line(json::write(json::value(std::move(out))));
  return ok;
}

int keys(const std::vector<std::string>& argv) {
  const args a(argv, connection_options, {"euid", "bidstream", "sharing"});
  a.no_positional();
  const auto which = bidstream_role(a) ? uid2::key_endpoint::bidstream : uid2::key_endpoint::sharing;
  online o(a, true);
  // The user asked for the key answer: it goes to stdout as received (it holds key secrets).
  print_line(o.run([&](auto& c) { return c.async_get_keys(which); }).reveal());
  return ok;
}

int client_generate(const std::vector<std::string>& argv) {
  const args a(argv,
               with(with(transport_option_names, identity_options), {"subscription-id", "public-key", "origin", "app-name"}),
               {"euid"});
  a.no_positional();
  auto input = identity_from(a);
  uid2::client_side_options o;
  o.base_url = a.require("base-url");
  o.subscription_id = a.require("subscription-id");
  o.server_public_key = a.require("public-key");
  o.origin = a.get("origin");
  o.app_name = a.get("app-name");
  if (o.origin.has_value() == o.app_name.has_value()) throw usage_failure("give exactly one of --origin, --app-name");
  if (auto t = timeout_option(a)) o.call.timeout = *t;
  online_session s(a);
  if (a.flag("euid")) {
    euid::basic_client_side_client<https_transport> c(s.transport, o);
    print_outcome(s.run(c.async_generate_token(input)));
  } else {
    uid2::basic_client_side_client<https_transport> c(s.transport, o);
    print_outcome(s.run(c.async_generate_token(input)));
  }
  return ok;
}

}  // namespace

const std::map<std::string, std::function<int(const std::vector<std::string>&)>>& uid2_online_commands() {
  static const std::map<std::string, std::function<int(const std::vector<std::string>&)>> commands = {
      {"generate", generate}, {"client-generate", client_generate}, {"refresh", refresh}, {"validate", validate}, {"map", map},
      {"keys", keys}};
  return commands;
}

namespace {
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}
}  // namespace

int run_sandbox(const std::vector<std::string>& argv) {
  static const char* const usage =
      "usage: tokenmint sandbox [--port N] [--api-key K] [--client-secret B64] [--cstg-private-key KEY]\n"
      "                         [--cstg-subscription-id ID] [--cstg-origin URL] [--cstg-app-name NAME]\n"
      "Serves the UID2 operator protocol on 127.0.0.1 (EUID under /euid), and HubSpot, Benchling\n"
      "and Alterian token endpoints beside it, until interrupted.\n"
      "Port 0 (the default) picks a free port. Prints the base URLs and the credentials it accepts.\n"
      "Client-side generate: by default the UID2 operator's published test key pair (UID2-Y-L-...)\n"
      "and subscription 4WvryDGbR5, origin https://example.com and app com.example.app; the --cstg-*\n"
      "options change them (KEY: PKCS#8 base64, bare or UID2-Y-<env>-...).\n";
  try {
    const args a(argv,
                 {"port", "api-key", "client-secret", "cstg-private-key", "cstg-subscription-id", "cstg-origin", "cstg-app-name"},
                 {"help"});
    if (a.flag("help")) {
      std::cout << usage;
      return ok;
    }
    a.no_positional();
    tokenmint::testing::sandbox_options o;
    if (auto p = a.get("port")) {
      const auto port = parse_int64(*p, "port");
      if (port < 0 || port > 65535) throw usage_failure("--port: 0 to 65535");
      o.port = static_cast<std::uint16_t>(port);
    }
    if (auto k = a.get("api-key")) o.api_key = *k;
    if (auto s = a.get("client-secret")) o.client_secret = *s;
    if (auto k = a.get("cstg-private-key")) o.cstg_private_key = *k;
    if (auto id = a.get("cstg-subscription-id")) o.cstg_subscription_id = *id;
    if (auto origin = a.get("cstg-origin")) {
      auto u = http::parse_url(*origin);
      if (!u) throw usage_failure("--cstg-origin: " + u.error().message);
      o.site_domains = {u->host};
    }
    if (auto app = a.get("cstg-app-name")) o.site_app_names = {*app};
    asio::io_context io(1);
    tokenmint::testing::sandbox box(io.get_executor(), o);
    if (!box.status()) throw data_failure(box.status().error().message);
    box.start();
    std::cout << "tokenmint sandbox: serving UID2/EUID, HubSpot, Benchling and Alterian\n"
              << "uid2_base_url: " << box.base_url() << '\n'
              << "euid_base_url: " << box.euid_base_url() << '\n'
              << "api_key: " << box.api_key() << '\n'
              << "client_secret: " << box.client_secret() << '\n'
              << "cstg_subscription_id: " << box.cstg_subscription_id() << '\n'
              << "cstg_public_key: " << box.cstg_public_key() << '\n'
              << "euid_cstg_public_key: " << box.cstg_public_key(uid2::flavour::euid) << '\n'
              << "cstg_domains: " << join(box.op().options().site_domains) << '\n'
              << "cstg_app_names: " << join(box.op().options().site_app_names) << '\n'
              << "hubspot_base_url: " << box.hubspot_base_url() << '\n'
              << "hubspot_access_token: " << box.services().hubspot_access_token << '\n'
              << "hubspot_client_id: " << box.services().hubspot_oauth.client_id << '\n'
              << "hubspot_client_secret: " << box.services().hubspot_oauth.client_secret << '\n'
              << "hubspot_refresh_token: " << box.services().hubspot_oauth.refresh_token << '\n'
              << "benchling_base_url: " << box.benchling_base_url() << '\n'
              << "benchling_client_id: " << box.services().benchling_client_id << '\n'
              << "benchling_client_secret: " << box.services().benchling_client_secret << '\n'
              << "alterian_base_url: " << box.alterian_base_url() << '\n'
              << "alterian_api_key: " << box.services().alterian_api_key << '\n'
              << std::flush;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const asio::error_code&, int) {
      box.stop();
      io.stop();
    });
    io.run();
    return ok;
  } catch (const usage_failure& e) {
    std::cerr << "tokenmint sandbox: " << e.what() << '\n' << usage;
    return usage_error;
  } catch (const data_failure& e) {
    std::cerr << "tokenmint sandbox: " << e.what() << '\n';
    return data_error;
  }
}

}  // namespace tokenmint::cli
