// A small HTTP/1.1 server on tokenmint's own sans-io code, for the sandbox operator and tests:
// plain TCP, keep-alive, bounded requests, a synchronous handler.
#pragma once

#include <tokenmint/http/request_parser.hpp>
#include <tokenmint/detail/asio.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <array>
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <set>
#include <string>

namespace tokenmint::testing {

/// What a fault hook decides for one request (tests and demos of a client's retries): answer as
/// usual, answer `replace` instead, or close the connection without answering (`drop`), after
/// `delay` (a usual answer is made when the request arrives, then held for `delay`).
struct http_fault {
  std::chrono::milliseconds delay{0};
  std::optional<http::response> replace;
  bool drop = false;
};

/// Where an `http_server` listens and what it accepts.
struct http_server_options {
  std::string address = "127.0.0.1";                       ///< loopback by default: the sandbox is not a public server
  std::uint16_t port = 0;                                  ///< 0: the system picks a free port
  http::parser_limits limits{64 * 1024, 2 * 1024 * 1024};  ///< header and body sizes past which a request is refused
  std::chrono::milliseconds idle_timeout{60'000};          ///< a keep-alive connection idle longer is closed
  /// Once a request's first byte arrived, its request line and header fields must all arrive
  /// within this, or the connection is closed (a stalled or non-HTTP client fails fast).
  std::chrono::milliseconds header_timeout{5'000};
  /// Asked before each request is handled; empty: no faults.
  std::function<http_fault(const http::incoming_request&)> faults;
  /// SO_SNDBUF of each connection; 0 keeps the system's. One that holds a whole answer lets the
  /// answer go in one write, so the server's one thread does not come back to a slow-reading
  /// connection again and again between other requests.
  int send_buffer_bytes = 0;
};

/// Accepts connections and answers each request with `handler(request)`. Malformed requests get
/// 400, oversized ones 431/413, and the connection is closed after them. Start with `start()`,
/// end with `stop()` (or by destroying the server). Single-threaded: run its executor on one
/// thread or strand.
class http_server {
 public:
  using handler_type = std::function<http::response(const http::incoming_request&)>;

  http_server(asio::any_io_executor ex, handler_type handler, http_server_options options = {})
      : state_(std::make_shared<state>(std::move(ex), std::move(handler), std::move(options))) {
    asio::error_code ec;
    const auto addr = asio::ip::make_address(state_->options.address, ec);
    if (ec) {
      init_ = error{errc::invalid_argument, "address: '" + state_->options.address + "' is not an IP address"};
      return;
    }
    asio::ip::tcp::endpoint ep(addr, state_->options.port);
    auto& a = state_->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      init_ = error{errc::connect_failed,
                    "listen on " + state_->options.address + ":" + std::to_string(state_->options.port) + ": " + ec.message()};
  }
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;
  ~http_server() { stop(); }

  /// Whether the listening socket could be opened (address valid, port free).
  const result<void>& status() const noexcept { return init_; }
  std::uint16_t port() const {
    asio::error_code ec;
    return state_->acceptor.local_endpoint(ec).port();
  }
  std::string base_url() const {
    const bool v6 = state_->options.address.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + state_->options.address + "]" : state_->options.address) + ":" + std::to_string(port());
  }

  void start() {
    if (!init_) return;
    asio::co_spawn(state_->ex, accept_loop(state_), asio::detached);
  }

  /// Stops accepting and closes every open connection.
  void stop() {
    asio::error_code ignored;
    state_->acceptor.close(ignored);
    for (auto* s : state_->open) s->close(ignored);
    state_->open.clear();
  }

 private:
  // Owned jointly by the server and its connections' coroutines, so that `stop()` and the
  // server's destruction never leave a coroutine with a dangling pointer.
  struct state {
    state(asio::any_io_executor e, handler_type h, http_server_options o)
        : ex(std::move(e)), handler(std::move(h)), options(std::move(o)), acceptor(ex) {}
    asio::any_io_executor ex;
    handler_type handler;
    http_server_options options;
    asio::ip::tcp::acceptor acceptor;
    std::set<asio::ip::tcp::socket*> open;
  };

  static asio::awaitable<void> accept_loop(std::shared_ptr<state> st) {
    // After a failed accept (EMFILE/ENFILE: out of file descriptors, ENOBUFS, ...) the pending
    // connection stays queued and the next accept fails at once: wait before trying again, from
    // 1 ms doubling to 100 ms, so that the loop does not spin while the served connections close.
    std::chrono::milliseconds backoff{0};
    asio::steady_timer pause(st->ex);
    for (;;) {
      auto [ec, sock] = co_await st->acceptor.async_accept(tokenmint::detail::use_tuple);
      if (ec) {
        if (!st->acceptor.is_open()) co_return;
        backoff = std::clamp(backoff * 2, std::chrono::milliseconds(1), std::chrono::milliseconds(100));
        pause.expires_after(backoff);
        auto [wait_ec] = co_await pause.async_wait(tokenmint::detail::use_tuple);
        if (wait_ec || !st->acceptor.is_open()) co_return;
        continue;  // keep serving the connections we have
      }
      backoff = std::chrono::milliseconds(0);
      asio::error_code ignored;
      sock.set_option(asio::ip::tcp::no_delay(true), ignored);
      sock.non_blocking(true, ignored);  // serve() reads what has arrived without waiting
      if (st->options.send_buffer_bytes > 0)
        sock.set_option(asio::socket_base::send_buffer_size(st->options.send_buffer_bytes), ignored);
      asio::co_spawn(st->ex, serve(st, std::move(sock)), asio::detached);
    }
  }

  static http::response error_response(int status, std::string_view message) {
    http::response r;
    r.status = status;
    r.reason = std::string(http::reason_phrase(status));
    r.headers.add("Content-Type", "application/json");
    r.headers.add("Connection", "close");
    r.body = std::string(R"({"status":"error","message":")") + std::string(message) + "\"}";
    return r;
  }

  static asio::awaitable<void> serve(std::shared_ptr<state> st, asio::ip::tcp::socket sock) {
    st->open.insert(&sock);
    asio::steady_timer idle(st->ex);
    std::array<char, 16 * 1024> buf;
    std::string pending;  // bytes read past the end of the previous request
    std::string out;
    http::request_parser parser(st->options.limits);
    bool keep = true;
    // Closes the connection when the timer fires: `idle_timeout` while waiting for a request,
    // `header_timeout` once its first byte arrived and until its head is complete.
    const auto arm = [&](std::chrono::milliseconds d) {
      idle.expires_after(d);
      idle.async_wait([s = &sock, st](const asio::error_code& ec) {
        if (!ec && st->open.count(s)) {
          asio::error_code ignored;
          s->close(ignored);
        }
      });
    };
    while (keep) {
      arm(st->options.idle_timeout);
      bool reading_head = false;
      parser.reset();
      std::optional<http::response> early;
      while (!parser.done()) {
        std::string_view chunk;
        if (!pending.empty()) {
          chunk = pending;
        } else {
          // What has arrived is read at once, without a turn of the event loop per 16 KB: a
          // 600 KB body then comes in one go instead of waiting behind the other connections'
          // handlers for every slice. Only when nothing is there does the coroutine wait.
          asio::error_code ec;
          std::size_t n = 0;
          for (;;) {
            n = sock.read_some(asio::buffer(buf), ec);  // non-blocking socket
            if (ec != asio::error::would_block && ec != asio::error::try_again) break;
            auto [wait_ec] = co_await sock.async_wait(asio::ip::tcp::socket::wait_read, tokenmint::detail::use_tuple);
            if (wait_ec) {
              ec = wait_ec;
              break;
            }
          }
          if (ec) {
            idle.cancel();
            st->open.erase(&sock);
            co_return;
          }
          chunk = std::string_view(buf.data(), n);
        }
        auto used = parser.feed(chunk);
        if (!used) {
          const bool limit = used.error() == errc::http_limit_exceeded;
          early = error_response(limit ? (parser.head_too_large() ? 431 : 413) : 400, "malformed or oversized request");
          break;
        }
        std::string rest(chunk.substr(*used));
        pending = std::move(rest);
        if (!reading_head && parser.started() && !parser.head_done()) {
          reading_head = true;
          arm(std::min(st->options.header_timeout, st->options.idle_timeout));
        } else if (reading_head && parser.head_done()) {
          reading_head = false;
          arm(st->options.idle_timeout);  // the body has the idle timeout again
        }
      }
      idle.cancel();
      http::response res;
      if (early) {
        res = std::move(*early);
        keep = false;
      } else {
        const auto req = parser.release();
        http_fault fault;
        if (st->options.faults) fault = st->options.faults(req);
        // The request is handled when it arrives and the delay holds its answer, as a slow
        // network on the way back would: requests that came in one after another are handled
        // one after another, not all at once when their delays end together.
        if (!fault.drop) res = fault.replace ? std::move(*fault.replace) : st->handler(req);
        if (fault.delay.count() > 0) {
          asio::steady_timer wait(st->ex);
          wait.expires_after(fault.delay);
          auto [ec] = co_await wait.async_wait(tokenmint::detail::use_tuple);
          if (ec || !st->open.count(&sock)) break;
        }
        if (fault.drop) break;  // closed with no answer, as a crashed or reset peer leaves it
        if (res.reason.empty()) res.reason = std::string(http::reason_phrase(res.status));
        keep = req.keep_alive() && !(res.headers.get("connection") && http::iequals(*res.headers.get("connection"), "close"));
      }
      out.clear();
      http::serialize_response(res, out);
      auto [wec, wn] =
          co_await asio::async_write(sock, asio::buffer(out), tokenmint::detail::transfer_whole{}, tokenmint::detail::use_tuple);
      if (wec) break;
    }
    asio::error_code ignored;
    sock.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    sock.close(ignored);
    st->open.erase(&sock);
  }

  std::shared_ptr<state> state_;
  result<void> init_;
};

}  // namespace tokenmint::testing
