// What every online subcommand shares: --ca-file, --timeout, --proxy, --resolve, and running
// one client call to completion on an io_context.
#pragma once

#include "cli.hpp"

#include <tokenmint/transport/https_transport.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cctype>
#include <chrono>
#include <exception>
#include <optional>
#include <set>
#include <string>

namespace tokenmint::cli {

/// Options of every online subcommand.
inline const std::set<std::string> transport_option_names = {"base-url", "ca-file", "timeout", "proxy", "resolve"};

inline std::set<std::string> with(std::set<std::string> a, const std::set<std::string>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

/// `--resolve HOST:PORT:ADDR` (ADDR may be an IPv6 literal, with or without brackets).
inline address_override parse_resolve(const std::string& text) {
  const auto c1 = text.find(':');
  const auto c2 = c1 == std::string::npos ? c1 : text.find(':', c1 + 1);
  if (c2 == std::string::npos) throw usage_failure("--resolve: expected HOST:PORT:ADDR");
  address_override o;
  o.host = text.substr(0, c1);
  for (char& ch : o.host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const std::string port = text.substr(c1 + 1, c2 - c1 - 1);
  const auto p = parse_int64(port, "resolve");
  if (p < 1 || p > 65535) throw usage_failure("--resolve: port out of range");
  o.port = static_cast<std::uint16_t>(p);
  o.address = text.substr(c2 + 1);
  if (o.address.size() > 2 && o.address.front() == '[' && o.address.back() == ']')
    o.address = o.address.substr(1, o.address.size() - 2);
  return o;
}

inline https_transport_options transport_options(const args& a) {
  https_transport_options o;
  if (auto ca = a.get("ca-file")) o.tls.ca_file = *ca;
  if (auto p = a.get("proxy")) o.proxy = take(proxy_options::parse(*p));
  if (auto r = a.get("resolve")) o.resolve.push_back(parse_resolve(*r));
  return o;
}

/// `--timeout MS`, if given.
inline std::optional<std::chrono::milliseconds> timeout_option(const args& a) {
  auto t = a.get("timeout");
  if (!t) return std::nullopt;
  const auto ms = parse_int64(*t, "timeout");
  if (ms <= 0) throw usage_failure("--timeout: milliseconds, more than 0");
  return std::chrono::milliseconds(ms);
}

/// An io_context and the HTTPS transport on it, from the command's options.
struct online_session {
  asio::io_context io;
  https_transport transport;

  explicit online_session(const args& a) : transport(io.get_executor(), transport_options(a)) {
    if (auto s = transport.status(); !s) throw data_failure(s.error().message);
  }

  /// Runs one awaitable call to completion; an error becomes a data failure with the whole
  /// description (HTTP status, service status and message, correlation id).
  template <class R>
  auto run(asio::awaitable<R> call) {
    std::optional<R> out;
    asio::co_spawn(io, std::move(call), [&](std::exception_ptr e, R r) {
      if (e) std::rethrow_exception(e);
      out.emplace(std::move(r));
    });
    io.run();
    if (!*out) throw data_failure(out->error().describe());
    if constexpr (std::is_same_v<R, result<void>>) return;
    else return std::move(**out);
  }
};

}  // namespace tokenmint::cli
