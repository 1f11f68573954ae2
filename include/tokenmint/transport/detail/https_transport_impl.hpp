// The definitions behind https_transport.hpp: the pool, TLS, proxy tunnel and exchange. Inline
// in header-only mode (included by https_transport.hpp); compiled once, by the one .cpp that
// includes <tokenmint/separate_compilation.hpp>, with -DTOKENMINT_SEPARATE_COMPILATION.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/http/parser.hpp>
#include <tokenmint/http/serializer.hpp>
#include <tokenmint/transport/detail/connection.hpp>
#include <tokenmint/transport/detail/teardown.hpp>
#include <tokenmint/transport/https_transport.hpp>

#include <asio/ip/address.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tokenmint {

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

// Everything copies of the transport share: the executor, options, TLS context and pools.
struct https_transport::impl final : detail::io_owner {
  using connection_ptr = std::unique_ptr<detail::connection>;

  // The connections of one scheme://host:port, and the requests waiting for one.
  struct origin_pool {
    std::vector<connection_ptr> idle;  // most recently used last
    std::size_t open = 0;
    std::vector<asio::steady_timer*> waiters;
  };

  // What one request on one connection gave, and whether the connection can be reused.
  struct exchange_result {
    result<http::response> res;
    bool started = false;   // a response byte arrived
    bool reusable = false;  // the connection may carry another request
  };

  impl(asio::any_io_executor e, https_transport_options o)
      : ex(std::move(e)), options(std::move(o)), tls_ctx(asio::ssl::context::tls_client) {
    init = detail::configure_tls_context(tls_ctx, options.tls);
    if (init && options.proxy) {
      auto pu = http::parse_url(options.proxy->url);
      if (!pu) init = error{errc::invalid_url, "proxy " + pu.error().message};
      else proxy_url = std::move(*pu);
    }
    for (const auto& o : options.resolve) {
      asio::error_code ec;
      asio::ip::make_address(o.address, ec);
      if (ec && init) init = error{errc::invalid_argument, "resolve: '" + o.address + "' is not an IP address"};
    }
    if (options.max_connections_per_origin == 0 && init)
      init = error{errc::invalid_argument, "max_connections_per_origin: must be at least 1"};
  }

  asio::any_io_executor ex;
  https_transport_options options;
  asio::ssl::context tls_ctx;
  result<void> init;
  std::optional<http::url> proxy_url;
  std::unordered_map<std::string, origin_pool> pools;  // node-based: references survive inserts

  // The io_context is shutting down: its sockets must be freed now, not when the last handle
  // goes (which may be after the context is gone).
  void on_context_shutdown() noexcept override {
    for (auto& [key, pool] : pools) {
      for (auto& c : pool.idle) c->close();
      pool.open -= pool.idle.size();
      pool.idle.clear();
    }
  }

  asio::awaitable<result<http::response>> send(http::request req, request_options opts) {
    if (!init) co_return init.error();
    auto u = http::parse_url(req.url);
    if (!u) co_return u.error();
    std::string wire;
    wire.reserve(256 + req.body.size());
    if (auto s = http::serialize(req, *u, wire, options.user_agent); !s) co_return s.error();

    auto op = std::make_shared<detail::op_state>();
    op->timeout = opts.timeout;
    asio::steady_timer deadline(ex);
    deadline.expires_after(opts.timeout);
    deadline.async_wait([w = std::weak_ptr<detail::op_state>(op)](const asio::error_code& ec) {
      if (ec) return;
      if (auto o = w.lock()) o->expire();
    });

    const bool replay_safe = opts.replay_safe.value_or(http::is_idempotent(req.method));
    const std::string key = u->scheme + "://" + u->host_port();
    for (int attempt = 0;; ++attempt) {
      auto c = co_await acquire(*u, key, *op);
      if (!c) co_return std::move(c).error();
      connection_ptr conn = std::move(*c);
      op->sock = &conn->sock;
      auto x = co_await exchange(*conn, wire, req.method == http::verb::head, opts, *op);
      op->sock = nullptr;
      const bool reused = conn->reused;
      if (x.res && x.reusable) release(key, std::move(conn));
      else discard(key, std::move(conn));
      // A keep-alive connection the server closed just as we reused it: nothing was processed,
      // so a replay-safe request goes once more, on a fresh connection.
      if (!x.res && reused && !x.started && attempt == 0 && replay_safe &&
          (x.res.error() == errc::network || x.res.error() == errc::http_truncated))
        continue;
      co_return std::move(x.res);
    }
  }

  asio::awaitable<result<connection_ptr>> acquire(const http::url& u, const std::string& key, detail::op_state& op) {
    origin_pool& pool = pools[key];
    for (;;) {
      const auto now = std::chrono::steady_clock::now();
      while (!pool.idle.empty()) {
        connection_ptr c = std::move(pool.idle.back());
        pool.idle.pop_back();
        if (now - c->idle_since < options.idle_timeout && c->idle_and_open()) {
          c->reused = true;
          co_return c;
        }
        c->close();
        --pool.open;
      }
      if (pool.open < options.max_connections_per_origin) {
        ++pool.open;
        auto c = co_await connect(u, op);
        if (!c) {
          --pool.open;
          wake_one(pool);
        }
        co_return c;
      }
      asio::steady_timer wait(ex, asio::steady_timer::time_point::max());
      pool.waiters.push_back(&wait);
      op.waiter = &wait;
      op.step = "waiting for a free pooled connection";
      auto [ec] = co_await wait.async_wait(detail::use_tuple);
      op.waiter = nullptr;
      std::erase(pool.waiters, &wait);
      if (op.timed_out || (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
        co_return co_await detail::io_error(op, errc::timeout, "waiting for a connection", ec);
    }
  }

  void release(const std::string& key, connection_ptr c) {
    origin_pool& pool = pools[key];
    c->idle_since = std::chrono::steady_clock::now();
    pool.idle.push_back(std::move(c));
    wake_one(pool);
  }
  void discard(const std::string& key, connection_ptr c) {
    origin_pool& pool = pools[key];
    c->close();
    --pool.open;
    wake_one(pool);
  }
  static void wake_one(origin_pool& pool) {
    if (pool.waiters.empty()) return;
    pool.waiters.front()->cancel();
    pool.waiters.erase(pool.waiters.begin());
  }

  asio::awaitable<result<connection_ptr>> connect(const http::url& u, detail::op_state& op) {
    const http::url& hop = proxy_url ? *proxy_url : u;
    std::vector<asio::ip::tcp::endpoint> endpoints;
    for (const auto& o : options.resolve)
      if (!proxy_url && o.host == u.host && o.port == u.port) endpoints.emplace_back(asio::ip::make_address(o.address), u.port);
    if (endpoints.empty()) {
      asio::ip::tcp::resolver resolver(ex);
      op.resolver = &resolver;
      op.step = "resolving the host name";
      auto [ec, found] = co_await resolver.async_resolve(hop.host, std::to_string(hop.port), detail::use_tuple);
      op.resolver = nullptr;
      if (ec) co_return co_await detail::io_error(op, errc::resolve_failed, "resolve '" + hop.host + "'", ec);
      for (const auto& e : found) endpoints.push_back(e.endpoint());
    }
    auto c = std::make_unique<detail::connection>(ex);
    c->peer = u.host_port();
    op.sock = &c->sock;
    op.step = "connecting";
    auto [ec, ep] = co_await asio::async_connect(c->sock, endpoints, detail::use_tuple);
    if (ec) {
      op.sock = nullptr;
      co_return co_await detail::io_error(
          op, errc::connect_failed,
          "connect to " + hop.host_port() + " (" + std::to_string(endpoints.size()) + " address(es) tried)", ec);
    }
    asio::error_code ignored;
    c->sock.set_option(asio::ip::tcp::no_delay(true), ignored);
    if (proxy_url) {
      auto t = co_await tunnel(*c, u, op);
      if (!t) {
        op.sock = nullptr;
        co_return std::move(t).error();
      }
    }
    if (u.tls()) {
      c->tls.emplace(c->sock, tls_ctx);
      if (auto p = detail::prepare_tls_stream(c->tls->native_handle(), u.host, u.ipv6 || is_ip(u.host), options.tls.verify_peer);
          !p) {
        op.sock = nullptr;
        co_return std::move(p).error();
      }
      op.step = "in the TLS handshake";
      auto [hec] = co_await c->tls->async_handshake(asio::ssl::stream_base::client, detail::use_tuple);
      if (hec) {
        op.sock = nullptr;
        if (op.timed_out || (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none)
          co_return co_await detail::io_error(op, errc::tls_handshake_failed, "", hec);
        co_return detail::handshake_error(c->tls->native_handle(), hec, u.host_port());
      }
    }
    op.sock = nullptr;
    co_return c;
  }

  static bool is_ip(const std::string& host) {
    asio::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
  }

  asio::awaitable<result<void>> tunnel(detail::connection& c, const http::url& u, detail::op_state& op) {
    std::string head = "CONNECT " + u.host_port() + " HTTP/1.1\r\nHost: " + u.host_port() + "\r\n";
    const auto& p = *options.proxy;
    if (!p.username.empty() || !p.password.reveal().empty()) {
      std::string cred = p.username + ':' + p.password.reveal();
      head += "Proxy-Authorization: Basic " + base64::encode(cred) + "\r\n";
      detail::cleanse(cred.data(), cred.size());
    }
    head += "User-Agent: " + options.user_agent + "\r\n\r\n";
    op.step = "sending CONNECT to the proxy";
    auto [wec, wn] = co_await c.write(asio::buffer(head));
    detail::cleanse(head.data(), head.size());
    if (wec) co_return co_await detail::io_error(op, errc::proxy_failed, "proxy CONNECT", wec);
    http::response_parser parser;
    parser.reset(true);
    op.step = "waiting for the proxy's CONNECT answer";
    while (!parser.done()) {
      auto [ec, n] = co_await c.read_some();
      if (ec) {
        if (ec == asio::error::eof && !op.timed_out) {
          auto f = parser.finish();
          co_return error{errc::proxy_failed, "proxy closed the connection: " + (f ? "" : f.error().message)};
        }
        co_return co_await detail::io_error(op, errc::proxy_failed, "proxy CONNECT", ec);
      }
      auto used = parser.feed({c.buf.data(), n});
      if (!used) co_return error{errc::proxy_failed, "proxy answer: " + used.error().message};
      if (!parser.done()) continue;
      const auto& r = parser.get();
      if (r.status / 100 != 2)
        co_return error{errc::proxy_failed, "proxy refused CONNECT " + u.host_port() + ": " + std::to_string(r.status) +
                                                (r.reason.empty() ? "" : " " + r.reason)};
      // The tunnel starts right after the answer; the server speaks first only in TLS's reply.
      if (*used != n) co_return error{errc::proxy_failed, "proxy sent bytes after its CONNECT answer"};
    }
    co_return result<void>{};
  }

  asio::awaitable<exchange_result> exchange(detail::connection& c, const std::string& wire, bool head,
                                            const request_options& opts, detail::op_state& op) {
    op.step = "writing the request";
    auto [wec, wn] = co_await c.write(asio::buffer(wire));
    // (g++ 12 mishandles co_await inside a braced initializer: await into a local first.)
    if (wec) {
      auto e = co_await detail::io_error(op, errc::network, "write to " + c.peer, wec);
      co_return exchange_result{std::move(e)};
    }
    http::response_parser parser({opts.max_header_bytes, opts.max_body_bytes});
    parser.reset(head);
    op.step = "reading the response";
    for (;;) {
      auto [ec, n] = co_await c.read_some();
      if (ec) {
        if (!op.timed_out && (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)) {
          if (auto f = parser.finish(); !f) co_return exchange_result{std::move(f).error(), parser.started()};
          co_return exchange_result{parser.release(), true, false};
        }
        auto e = co_await detail::io_error(op, errc::network, "read from " + c.peer, ec);
        co_return exchange_result{std::move(e), parser.started()};
      }
      auto used = parser.feed({c.buf.data(), n});
      if (!used) co_return exchange_result{std::move(used).error(), true};
      if (parser.done()) {
        const bool reusable = *used == n && !parser.close_delimited() && parser.get().keep_alive();
        co_return exchange_result{parser.release(), true, reusable};
      }
    }
  }
};

TOKENMINT_DECL https_transport::https_transport(asio::any_io_executor ex, https_transport_options options)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(options))) {
  detail::teardown_service::watch(impl_->ex, impl_);
}

TOKENMINT_DECL result<void> https_transport::status() const { return impl_->init; }

TOKENMINT_DECL asio::awaitable<result<http::response>> https_transport::async_send(http::request req, request_options opts) {
  auto self = impl_;  // the pool outlives the request even if this handle goes away
  // Cancellation is reported as errc::cancelled, not thrown; the flag belongs to the caller's
  // coroutine thread, so it is restored before returning.
  const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  auto r = co_await self->send(std::move(req), opts);
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  co_return r;
}

TOKENMINT_DECL std::size_t https_transport::open_connections(const std::string& origin) const {
  const auto it = impl_->pools.find(origin);
  return it == impl_->pools.end() ? 0 : it->second.open;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint
