// Runs one awaitable to completion on a fresh io_context: how the unit tests call coroutines.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <exception>
#include <optional>
#include <utility>

namespace tokenmint::test {

template <class T>
T run(asio::awaitable<T> a) {
  asio::io_context io;
  std::optional<T> out;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    if (e) std::rethrow_exception(e);
    out.emplace(std::move(v));
  });
  io.run();
  return std::move(*out);
}

}  // namespace tokenmint::test
