// The real transport: HTTP/1.1 over TCP or TLS with standalone Asio and OpenSSL, pooled per origin.
#pragma once

#include <tokenmint/core/secret.hpp>
#include <tokenmint/http/url.hpp>
#include <tokenmint/transport/tls_options.hpp>
#include <tokenmint/transport/transport.hpp>
#include <tokenmint/version.hpp>

#include <asio/any_io_executor.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tokenmint {

/// An HTTP CONNECT proxy (what `https_proxy`/`http_proxy` name), with optional Basic auth.
/// Every request, `http://` or `https://`, goes through a tunnel; TLS runs end to end inside it.
struct proxy_options {
  std::string url;  ///< "http://proxy.example:3128"
  std::string username;
  secret<std::string> password;

  /// Parses a proxy URL as found in the environment; `user:password@` is taken (percent-decoded)
  /// into the credentials rather than kept in the URL.
  static result<proxy_options> parse(std::string_view text) {
    proxy_options p;
    std::string rest(text);
    if (rest.find("://") == std::string::npos) rest = "http://" + rest;
    const auto scheme_end = rest.find("://") + 3;
    const auto at = rest.find('@', scheme_end);
    if (at != std::string::npos && at < rest.find('/', scheme_end)) {
      const std::string userinfo = rest.substr(scheme_end, at - scheme_end);
      const auto colon = userinfo.find(':');
      auto user = http::percent_decode(userinfo.substr(0, colon));
      auto pass = http::percent_decode(colon == std::string::npos ? std::string{} : userinfo.substr(colon + 1));
      if (!user || !pass) return error{errc::invalid_url, "proxy: invalid percent-escape in the credentials"};
      p.username = std::move(*user);
      p.password = secret<std::string>(std::move(*pass));
      rest.erase(scheme_end, at - scheme_end + 1);
    }
    auto u = http::parse_url(rest);
    if (!u) return error{errc::invalid_url, "proxy " + u.error().message};
    if (u->tls()) return error{errc::invalid_url, "proxy: only http:// proxies are supported (the tunnel carries TLS)"};
    p.url = u->scheme + "://" + u->host_port();
    return p;
  }

  /// The proxy for `scheme` from `https_proxy`/`HTTPS_PROXY` or `http_proxy`/`HTTP_PROXY`, if set.
  static std::optional<result<proxy_options>> from_environment(std::string_view scheme) {
    const char* names[2] = {scheme == "https" ? "https_proxy" : "http_proxy", scheme == "https" ? "HTTPS_PROXY" : "HTTP_PROXY"};
    for (const char* n : names)
      if (const char* v = std::getenv(n); v != nullptr && *v != '\0') return parse(v);
    return std::nullopt;
  }
};

/// Connect to `address` whenever a URL names `host`:`port`, while still sending SNI for and
/// verifying the certificate against `host` (curl's `--resolve`).
struct address_override {
  std::string host;
  std::uint16_t port = 443;
  std::string address;  ///< IPv4 or IPv6 literal
};

/// How an `https_transport` connects: TLS settings, an optional CONNECT proxy, address
/// overrides, pool size and idle time, and the User-Agent it sends when a request has none.
struct https_transport_options {
  tls_options tls;                                 ///< verification on by default; CA store, client certificate
  std::optional<proxy_options> proxy;              ///< every origin through this CONNECT proxy
  std::vector<address_override> resolve;           ///< curl's `--resolve`: connect elsewhere, verify the named host
  std::size_t max_connections_per_origin = 8;      ///< requests beyond it wait for a connection
  std::chrono::milliseconds idle_timeout{30'000};  ///< a pooled connection idle longer is closed
  std::string user_agent = std::string("tokenmint/") + std::string(version_string);
};

/// HTTP/1.1 over TCP and TLS (1.2+, peer and hostname verification and SNI on by default),
/// keep-alive pool per origin, a deadline on every request, CONNECT proxies.
///
/// A handle: copies share one pool and one TLS context. Use it from one thread or one strand
/// (the executor given here); requests may overlap freely on it. Cancellation: `async_send`
/// honours Asio per-operation cancellation (terminal) and then fails with `errc::cancelled`;
/// the connection in use is closed, never returned to the pool half-read.
///
/// Teardown in any order: the handle may be destroyed before or after its io_context. When the
/// io_context shuts down (its destructor, or `shutdown()`), the pooled connections are closed
/// and freed while the context can still free them; a handle that outlives it holds no I/O
/// object and can only be destroyed (no call can run once its context has shut down).
class https_transport {
 public:
  /// Builds the pool and the TLS context; a bad option is kept and reported by `status()`.
  TOKENMINT_DECL explicit https_transport(asio::any_io_executor ex, https_transport_options options = {});

  /// Whether the options could be applied (CA files readable, key matches certificate, ...).
  /// When not, every request fails with this error.
  TOKENMINT_DECL result<void> status() const;

  /// Sends `req` and reads the whole response (body decoded, trailers kept).
  /// Contract:
  /// - Lifetime: `req` and `opts` are taken by value; the pool is shared by the call, so the
  ///   handle may go away while a request is in flight. Copies may outlive the io_context (the
  ///   pool is emptied when it shuts down).
  /// - Cancellation: terminal per-operation cancellation; the call returns `errc::cancelled` and
  ///   the connection it used is closed (never pooled half-read). The handle stays usable.
  /// - Deadline: `opts.timeout` bounds the whole exchange (pool wait, resolve, connect, TLS,
  ///   write, read): `errc::timeout` when it passes.
  /// - Thread-safety: from the executor given to the constructor only (one thread or strand);
  ///   any number of calls may overlap there.
  /// - Errors: `invalid_url`, `resolve_failed`, `connect_failed`, `tls_handshake_failed`
  ///   (verification included), `proxy_failed`, `network`, `http_truncated`, `http_protocol`,
  ///   `http_limit_exceeded`, `timeout`, `cancelled`. Any HTTP status is a value, not an error.
  TOKENMINT_DECL asio::awaitable<result<http::response>> async_send(http::request req, request_options opts = {});

  /// Connections currently open to `origin` ("https://host:port"), idle and in use; for tests
  /// and metrics.
  TOKENMINT_DECL std::size_t open_connections(const std::string& origin) const;

 private:
  struct impl;  // the pool, the TLS context and the I/O (detail/https_transport_impl.hpp)
  std::shared_ptr<impl> impl_;
};

static_assert(http_transport<https_transport>);

}  // namespace tokenmint

#if !defined(TOKENMINT_SEPARATE_COMPILATION)
#include <tokenmint/transport/detail/https_transport_impl.hpp>
#endif
