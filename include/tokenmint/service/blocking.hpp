// The event loop behind the blocking facades (`uid2::blocking_client`, ...): a private
// io_context on which each call runs to completion on the calling thread.
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/transport/https_transport.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <exception>
#include <mutex>
#include <optional>
#include <utility>

namespace tokenmint::service {

/// Runs `a` on `io`, one handler at a time on the calling thread, until it completes, and
/// returns its result; whatever else lives on `io` (a server, other calls) runs meanwhile, and
/// what is still pending afterwards stays queued. An exception the coroutine throws is rethrown.
template <class T>
T run_to_completion(asio::io_context& io, asio::awaitable<T> a) {
  std::optional<T> out;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    failure = e;
    if (!e) out.emplace(std::move(v));
    done = true;
  });
  io.restart();
  while (!done) io.run_one();  // the spawned coroutine counts as work until its handler ran
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

/// A private, single-threaded io_context for code without an event loop (command-line tools,
/// scripts, tests). `run(a)` drives `a` to completion on the calling thread and returns its
/// result. Calls from several threads are serialized (one runs at a time); a call made from
/// inside another call (from a hook) would deadlock and is not allowed. Not copyable or movable.
class blocking_loop {
 public:
  blocking_loop() : io_(1) {}
  blocking_loop(const blocking_loop&) = delete;
  blocking_loop& operator=(const blocking_loop&) = delete;

  /// The executor the facade's transport and client run on.
  asio::any_io_executor executor() { return io_.get_executor(); }

  /// Runs `a` until it completes. What `a` returns is returned; an exception it throws (only
  /// `std::bad_alloc` and the like: tokenmint's operations report errors as values) is rethrown.
  template <class T>
  T run(asio::awaitable<T> a) {
    const std::lock_guard lock(mutex_);
    return run_to_completion(io_, std::move(a));
  }

 private:
  std::mutex mutex_;
  asio::io_context io_;
};

/// What every blocking facade holds: its loop, then a `Client` over an `https_transport` on it
/// (declared in that order, so the client goes first). `async_client()` reaches the coroutine
/// client (its options, its transport) between calls.
template <class Client>
class blocking_facade {
 public:
  /// `make(transport)` builds the client over the facade's transport.
  template <class Make>
  blocking_facade(https_transport_options transport, Make make)
      : client_(make(https_transport(loop_.executor(), std::move(transport)))) {}

  /// The coroutine client the calls run on; do not call it while a blocking call runs.
  Client& async_client() noexcept { return client_; }

 protected:
  /// Runs `(client.*op)(args...)` on the loop and returns what it returns.
  template <class Op, class... Args>
  auto call(Op op, Args&&... args) {
    return loop_.run((client_.*op)(std::forward<Args>(args)...));
  }

  blocking_loop loop_;
  Client client_;
};

}  // namespace tokenmint::service
