// Runs one awaitable to completion: how the tests call coroutines.
#pragma once

#include <tokenmint/service/blocking.hpp>

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

namespace tokenmint::test {

/// Runs `a` on `io` until it completes while whatever else lives on `io` (a sandbox, a server)
/// keeps serving: the library's own loop of the blocking facades.
template <class T>
T run_on(asio::io_context& io, asio::awaitable<T> a) {
  return service::run_to_completion(io, std::move(a));
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
