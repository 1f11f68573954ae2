// The sandbox on a thread of its own for the benchmarks that call it over loopback, and the CPU
// clock of a thread (to split the CPU of a call between client and sandbox).
#pragma once

#include <tokenmint/testing/sandbox.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <pthread.h>
#include <time.h>

#include <thread>

namespace bench {

inline double thread_cpu_seconds(pthread_t t) {
  clockid_t id;
  timespec ts{};
  if (pthread_getcpuclockid(t, &id) != 0 || clock_gettime(id, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// A started sandbox serving on its own thread until destroyed.
struct sandbox_thread {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  tokenmint::testing::sandbox box;
  std::thread thread;
  pthread_t handle{};

  explicit sandbox_thread(tokenmint::testing::sandbox_options o = {}) : box(io.get_executor(), std::move(o)) {
    box.start();
    thread = std::thread([this] { io.run(); });
    handle = thread.native_handle();
  }
  ~sandbox_thread() {
    asio::post(io, [this] {
      box.stop();
      work.reset();
      io.stop();
    });
    thread.join();
  }
  sandbox_thread(const sandbox_thread&) = delete;
  sandbox_thread& operator=(const sandbox_thread&) = delete;
};

}  // namespace bench
