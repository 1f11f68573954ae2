// One client connection (plain TCP or TLS over it) and the per-request state its deadline needs.
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/transport/detail/tls.hpp>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <poll.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <tuple>

namespace tokenmint::detail {

/// A connection owned by the pool or by the one request using it. TLS, when present, runs over
/// `sock`; closing `sock` aborts every pending operation on either layer.
struct connection {
  explicit connection(const asio::any_io_executor& ex) : sock(ex) {}
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  asio::ip::tcp::socket sock;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls;
  std::chrono::steady_clock::time_point idle_since{};
  bool reused = false;  ///< taken from the pool rather than freshly connected
  std::string peer;     ///< "host:port" for messages
  std::array<char, 16 * 1024> buf{};

  asio::awaitable<std::tuple<asio::error_code, std::size_t>> write(asio::const_buffer b) {
    if (tls) co_return co_await asio::async_write(*tls, b, use_tuple);
    co_return co_await asio::async_write(sock, b, transfer_whole{}, use_tuple);
  }
  asio::awaitable<std::tuple<asio::error_code, std::size_t>> read_some() {
    if (tls) co_return co_await tls->async_read_some(asio::buffer(buf), use_tuple);
    co_return co_await sock.async_read_some(asio::buffer(buf), use_tuple);
  }

  /// A pooled connection the server has closed (or sent unsolicited bytes on) is readable while
  /// idle; such a connection must not carry a request.
  bool idle_and_open() {
    if (!sock.is_open()) return false;
    if (tls && SSL_pending(tls->native_handle()) > 0) return false;
    pollfd p{sock.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

  void close() noexcept {
    asio::error_code ignored;
    sock.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    sock.close(ignored);
  }
};

/// What a request's deadline can abort, and what it was doing when it fired. The deadline timer's
/// handler holds only a weak reference, so it is harmless once the request has finished.
struct op_state {
  std::chrono::milliseconds timeout{};
  const char* step = "starting";
  bool timed_out = false;
  asio::ip::tcp::resolver* resolver = nullptr;
  asio::ip::tcp::socket* sock = nullptr;
  asio::steady_timer* waiter = nullptr;

  void expire() noexcept {
    timed_out = true;
    if (resolver) resolver->cancel();
    if (sock) {
      asio::error_code ignored;
      sock->close(ignored);
    }
    if (waiter) waiter->cancel();
  }
};

/// The error for a failed I/O step: the deadline or the caller's cancellation when either caused
/// it, otherwise `code` with what failed and the system's reason.
inline asio::awaitable<tokenmint::error> io_error(const op_state& op, errc code, std::string what, const asio::error_code& ec) {
  if (op.timed_out)
    co_return tokenmint::error{errc::timeout,
                               "deadline of " + std::to_string(op.timeout.count()) + " ms passed while " + op.step};
  const auto cs = co_await asio::this_coro::cancellation_state;
  if (cs.cancelled() != asio::cancellation_type::none || ec == asio::error::operation_aborted)
    co_return tokenmint::error{errc::cancelled, std::string("cancelled while ") + op.step};
  co_return tokenmint::error{code, what + ": " + ec.message()};
}

}  // namespace tokenmint::detail
