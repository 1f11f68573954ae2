// Runs one awaitable to completion: how the tests call coroutines.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace tokenmint::test {

/// Runs `a` on `io` one handler at a time until it completes, so that whatever else lives on
/// `io` (a sandbox, a server) keeps serving meanwhile; what is left pending stays queued. An
/// exception thrown by the coroutine is rethrown here.
template <class T>
T run_on(asio::io_context& io, asio::awaitable<T> a) {
  std::optional<T> out;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    failure = e;
    if (!e) out.emplace(std::move(v));
    done = true;
  });
  io.restart();
  while (!done) io.run_one();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

/// Runs `a` to completion on a fresh io_context.
template <class T>
T run(asio::awaitable<T> a) {
  asio::io_context io;
  return run_on(io, std::move(a));
}

/// A variable the test's runner script sets (a server's port, a base URL); unset is a failure
/// that names the script to run through.
inline std::string required_env(const char* name, const char* runner) {
  const char* v = std::getenv(name);
  if (v == nullptr) throw std::runtime_error(std::string(name) + " not set: run through " + runner);
  return v;
}

}  // namespace tokenmint::test
