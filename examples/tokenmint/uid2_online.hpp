// What the online `tokenmint uid2` subcommands share: their options and a UID2/EUID client
// run to completion.
#pragma once

#include "cli.hpp"
#include "online.hpp"

#include <tokenmint/uid2/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tokenmint::cli {

// Options every online subcommand takes.
inline const std::set<std::string> connection_options = with(transport_option_names, {"api-key", "secret"});
inline const std::set<std::string> identity_options = {"email", "phone", "email-hash", "phone-hash"};

inline std::optional<std::string> option_or_env(const args& a, const char* name, const char* env) {
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

/// `tokenmint uid2 map` (uid2_map.cpp).
int map_command(const std::vector<std::string>& argv);

}  // namespace tokenmint::cli
