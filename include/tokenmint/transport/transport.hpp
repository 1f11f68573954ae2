// The transport seam: what every client needs from whatever carries its HTTP requests.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <tokenmint/core/result.hpp>
#include <tokenmint/http/message.hpp>

#include <asio/awaitable.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <utility>

namespace tokenmint {

/// Per-request settings a client passes with each request.
struct request_options {
  /// Deadline for the whole exchange: waiting for a pooled connection, resolve, connect, TLS
  /// handshake, write and read. When it passes the request fails with `errc::timeout`.
  std::chrono::milliseconds timeout{30'000};
  /// Largest response body accepted (decoded); more is `errc::http_limit_exceeded`.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  /// Largest response header section accepted.
  std::size_t max_header_bytes = 64 * 1024;
  /// Whether the request may be sent a second time when a reused keep-alive connection turns
  /// out to be closed before any response byte arrived. Unset: only for idempotent methods
  /// (GET, HEAD, PUT, DELETE, OPTIONS).
  std::optional<bool> replay_safe;
};

/// A transport: anything that sends an `http::request` and produces an `http::response` or an
/// error, as an Asio awaitable. `https_transport` is the real one, `testing::fake_transport` the scripted
/// one; users may plug in their own (a recorder, a proxy, a mock).
template <class T>
concept http_transport = requires(T& t, http::request req, request_options opts) {
  { t.async_send(std::move(req), opts) } -> std::same_as<asio::awaitable<result<http::response>>>;
};

/// Checks `T` against `http_transport` one requirement at a time, so a type that misses
/// says which part in a readable message. Clients call it in a `static_assert`.
template <class T>
consteval bool check_http_transport() {
  static_assert(
      requires(T& t, http::request req, request_options opts) { t.async_send(std::move(req), opts); },
      "tokenmint: a transport needs a member function async_send(tokenmint::http::request, "
      "tokenmint::request_options)");
  if constexpr (requires(T& t, http::request req, request_options opts) { t.async_send(std::move(req), opts); }) {
    static_assert(
        std::same_as<decltype(std::declval<T&>().async_send(std::declval<http::request>(), std::declval<request_options>())),
                     asio::awaitable<result<http::response>>>,
        "tokenmint: a transport's async_send must return "
        "asio::awaitable<tokenmint::result<tokenmint::http::response>>");
  }
  return http_transport<T>;
}

}  // namespace tokenmint
