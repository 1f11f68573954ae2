// A sandbox serving on a thread of its own, for tests that make blocking calls from theirs.
#pragma once

#include <tokenmint/testing/sandbox.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <thread>

namespace tokenmint::test {

/// Starts `box` on its own io_context and thread (check `box.status()` first); the destructor
/// stops it on that thread (the sandbox is not thread-safe) and joins.
struct sandbox_thread {
  asio::io_context io;
  tokenmint::testing::sandbox box{io.get_executor()};
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
  std::thread serving;

  sandbox_thread() {
    if (box.status()) box.start();
    serving = std::thread([this] { io.run(); });
  }
  ~sandbox_thread() {
    asio::post(io, [this] { box.stop(); });
    guard.reset();
    serving.join();
  }
  sandbox_thread(const sandbox_thread&) = delete;
  sandbox_thread& operator=(const sandbox_thread&) = delete;
};

}  // namespace tokenmint::test
