// `tokenmint uid2 generate|refresh|validate|map|keys`: the UID2/EUID client over HTTPS, and
// `tokenmint sandbox`: the local operator.
#include "cli.hpp"
#include "commands.hpp"
#include "online.hpp"
#include "uid2_online.hpp"

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
  auto parsed = uid2::identity::from_json(read_stdin());
  if (!parsed) throw data_failure("stdin: " + parsed.error().message);
  const auto id = std::move(*parsed);
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
      {"generate", generate}, {"client-generate", client_generate},
      {"refresh", refresh},   {"validate", validate},
      {"map", map_command},   {"keys", keys}};
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
  current_command() = "sandbox";
  try {
    const args a(argv,
                 {"port", "api-key", "client-secret", "cstg-private-key", "cstg-subscription-id", "cstg-origin", "cstg-app-name",
                  "latency-ms", "fail-rate", "seed", "map-salt"},
                 {});
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
    if (auto l = a.get("latency-ms")) {
      const auto ms = parse_int64(*l, "latency-ms");
      if (ms < 0 || ms > 60'000) throw usage_failure("--latency-ms: 0 to 60000");
      o.faults.latency = std::chrono::milliseconds(ms);
    }
    if (auto f = a.get("fail-rate")) {
      char* end = nullptr;
      const double rate = std::strtod(f->c_str(), &end);
      if (f->empty() || end != f->c_str() + f->size() || !(rate >= 0 && rate <= 1))
        throw usage_failure("--fail-rate: a number from 0 to 1, got '" + *f + "'");
      o.faults.fail_rate = rate;
    }
    if (auto s = a.get("seed")) o.faults.seed = static_cast<std::uint64_t>(parse_int64(*s, "seed"));
    if (auto salt = a.get("map-salt")) o.map_salt = *salt;
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
    std::cerr << "tokenmint sandbox: " << e.what() << "\nsee: tokenmint sandbox --help\n";
    return usage_error;
  } catch (const data_failure& e) {
    std::cerr << "tokenmint sandbox: " << e.what() << '\n';
    return data_error;
  }
}

}  // namespace tokenmint::cli
