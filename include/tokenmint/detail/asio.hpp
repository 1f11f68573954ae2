// Asio pieces shared by the transports; one place for Asio 1.22's experimental spellings.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

namespace tokenmint::detail {

/// Completion token for `co_await op(..., use_tuple)`: errors come back as values, never thrown.
inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace tokenmint::detail
