// Asio pieces shared by the transports; one place for Asio 1.22's experimental spellings.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/error_code.hpp>
#include <asio/use_awaitable.hpp>

#include <cstddef>
#include <limits>

namespace tokenmint::detail {

/// Completion token for `co_await op(..., use_tuple)`: errors come back as values, never thrown.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

/// Completion condition for `asio::async_write` on a plain socket: offer the kernel all that is
/// left in each write. Asio's default (`transfer_all`) hands it 64 KB at a time, each slice a turn
/// of the event loop; on a busy thread a 500 KB body then waits behind other work between slices,
/// where one system call would have queued it all.
struct transfer_whole {
  std::size_t operator()(const asio::error_code& ec, std::size_t) const noexcept {
    return ec ? 0 : std::numeric_limits<std::size_t>::max();
  }
};

}  // namespace tokenmint::detail
