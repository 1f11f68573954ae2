// Mapping a list of 1,000,000 rows (200 batches: a CRM list of millions is what the mapper is for,
// and the batches in flight spend most of the run in their steady state, not in the first wave
// or the tail) against the sandbox with 20 ms added to every request (a network round trip),
// side by side in one run: one batch at a time (concurrency 1, what the one-shot call did before)
// against 4 and 8 batches in flight (uid2::async_map_stream). compare.py map checks that 8
// reaches 6x the sequential rate.
// The sandbox runs on its own thread; client_cpu_us_per_krow and sandbox_cpu_us_per_krow split
// the CPU per 1,000 mapped rows.
#include <tokenmint/service/blocking.hpp>
#include <tokenmint/testing/sandbox.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/identity_mapper.hpp>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include "sandbox_thread.hpp"

#include <benchmark/benchmark.h>

#include <pthread.h>
#include <time.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace tokenmint;

bench::sandbox_thread& sandbox() {
  static bench::sandbox_thread s([] {
    tokenmint::testing::sandbox_options o;
    o.faults.latency = std::chrono::milliseconds(20);
    return o;
  }());
  return s;
}

constexpr std::size_t list_rows = 1'000'000;

/// 200,000 distinct emails, hashed once before the clocks start; the list goes through them five
/// times (the sandbox maps each one the same way every time).
const std::vector<uid2::identity_input>& hashed() {
  static const auto r = [] {
    std::vector<uid2::identity_input> v;
    for (int i = 0; i < 200'000; ++i) v.push_back(*uid2::identity_input::from_email("user" + std::to_string(i) + "@example.com"));
    return v;
  }();
  return r;
}

/// The list, a row at a time: a copy of a hashed input, as a range source makes.
struct list_source {
  std::size_t next = 0;
  std::optional<uid2::map_input> operator()() {
    if (next == list_rows) return std::nullopt;
    return uid2::map_input(hashed()[next++ % hashed().size()]);
  }
};

void map_list(benchmark::State& state) {
  auto& sb = sandbox();
  asio::io_context io;
  https_transport transport(io.get_executor());
  uid2::client_options o;
  o.base_url = sb.box.base_url();
  o.api_key = secret<std::string>(sb.box.api_key());
  o.client_secret = secret<std::string>(sb.box.client_secret());
  uid2::client c(transport, o);
  uid2::map_options mo;
  mo.concurrency = static_cast<std::size_t>(state.range(0));
  (void)hashed();  // built before the CPU clocks start
  std::uint64_t mapped = 0;
  const double client0 = bench::thread_cpu_seconds(pthread_self()), sandbox0 = bench::thread_cpu_seconds(sb.handle);
  for (auto _ : state) {
    auto r = service::run_to_completion(io, uid2::async_map_stream(
                                                c, list_source{}, [](uid2::map_row&&) {}, mo));
    if (!r || r->mapped != list_rows) state.SkipWithError("mapping failed");
    else mapped += r->mapped;
  }
  const double krows = static_cast<double>(mapped) / 1000;
  state.counters["client_cpu_us_per_krow"] = krows > 0 ? (bench::thread_cpu_seconds(pthread_self()) - client0) * 1e6 / krows : 0;
  state.counters["sandbox_cpu_us_per_krow"] = krows > 0 ? (bench::thread_cpu_seconds(sb.handle) - sandbox0) * 1e6 / krows : 0;
  state.SetItemsProcessed(static_cast<std::int64_t>(mapped));
}

}  // namespace

BENCHMARK(map_list)->Name("map/1M_rows/concurrency")->Arg(1)->Arg(4)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
