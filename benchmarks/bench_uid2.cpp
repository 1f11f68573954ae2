// UID2 generate end to end against the sandbox operator over loopback, side by side in one run with
// the raw POST rate of the same transport to nginx (run under tests/transport/servers.py):
//   generate/sandbox/1conn        one coroutine, one keep-alive connection
//   generate/sandbox/8coroutines  eight coroutines sharing the client (up to 8 connections)
//   post/nginx/1conn              https_transport POSTing a small JSON body to nginx (the ceiling)
// The sandbox runs on its own thread; client_cpu_us and sandbox_cpu_us split the CPU per call.
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/testing/sandbox.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include "sandbox_thread.hpp"

#include <benchmark/benchmark.h>

#include <pthread.h>
#include <time.h>

#include <cstdlib>
#include <thread>

namespace {

using namespace tokenmint;

bench::sandbox_thread& sandbox() {
  static bench::sandbox_thread s;
  return s;
}

void generate(benchmark::State& state, int coroutines) {
  auto& sb = sandbox();
  asio::io_context io(1);
  https_transport_options to;
  to.max_connections_per_origin = static_cast<std::size_t>(coroutines);
  uid2::client_options o;
  o.base_url = sb.box.base_url();
  o.api_key = secret<std::string>(sb.box.api_key());
  o.client_secret = secret<std::string>(sb.box.client_secret());
  uid2::client client(https_transport(io.get_executor(), to), o);
  const auto input = *uid2::identity_input::from_email("bench@example.com");
  const double sandbox_before = bench::thread_cpu_seconds(sb.handle);
  const double client_before = bench::thread_cpu_seconds(pthread_self());
  std::int64_t done = 0;
  bool failed = false;
  // Google Benchmark's loop runs in the first coroutine; the others keep calling until it ends.
  bool running = true;
  auto worker = [&](bool timed) -> asio::awaitable<void> {
    if (timed) {
      for (auto _ : state) {
        auto r = co_await client.async_generate_token(input);
        if (!r || r->status != uid2::token_status::success) {
          failed = true;
          state.SkipWithError(r ? "unexpected status" : r.error().message.c_str());
          break;
        }
        ++done;
      }
      running = false;
    } else {
      while (running) {
        auto r = co_await client.async_generate_token(input);
        if (!r) break;
        ++done;
      }
    }
  };
  asio::co_spawn(io, worker(true), asio::detached);
  for (int i = 1; i < coroutines; ++i) asio::co_spawn(io, worker(false), asio::detached);
  io.run();
  if (failed) return;
  const double client_cpu = bench::thread_cpu_seconds(pthread_self()) - client_before;
  const double sandbox_cpu = bench::thread_cpu_seconds(sb.handle) - sandbox_before;
  state.SetItemsProcessed(done);
  state.counters["client_cpu_us"] = benchmark::Counter(client_cpu * 1e6 / static_cast<double>(done));
  state.counters["sandbox_cpu_us"] = benchmark::Counter(sandbox_cpu * 1e6 / static_cast<double>(done));
}

void nginx_post(benchmark::State& state) {
  const char* port = std::getenv("TM_NGINX_HTTP");
  if (port == nullptr) return state.SkipWithError("run under tests/transport/servers.py");
  const std::string url = std::string("http://127.0.0.1:") + port + "/bench";
  asio::io_context io(1);
  https_transport transport(io.get_executor());
  // The same shape as a generate call: a ~130-character base64 body.
  const std::string body(132, 'A');
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (auto _ : state) {
          http::request req;
          req.method = http::verb::post;
          req.url = url;
          req.headers.add("Content-Type", "text/plain");
          req.body = body;
          auto res = co_await transport.async_send(std::move(req), {});
          if (!res || res->status != 200) {
            state.SkipWithError("POST failed");
            break;
          }
        }
      },
      asio::detached);
  io.run();
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(generate, 1conn, 1)->Name("generate/sandbox/1conn")->UseRealTime();
BENCHMARK_CAPTURE(generate, 8coroutines, 8)->Name("generate/sandbox/8coroutines")->UseRealTime();
BENCHMARK(nginx_post)->Name("post/nginx/1conn")->UseRealTime();

BENCHMARK_MAIN();
