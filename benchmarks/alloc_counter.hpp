// Counts heap allocations made by the current thread (global operator new is replaced in
// alloc_counter.cpp), so a benchmark can report allocations per operation.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace bench {
std::uint64_t thread_allocations() noexcept;

/// For the life of a benchmark's timing loop: reports `allocs_per_op` (and bytes/s when
/// `bytes_per_op` is set) when it goes out of scope.
struct alloc_scope {
  benchmark::State& state;
  std::int64_t bytes_per_op = 0;
  std::uint64_t start = thread_allocations();
  ~alloc_scope() {
    state.counters["allocs_per_op"] =
        benchmark::Counter(static_cast<double>(thread_allocations() - start), benchmark::Counter::kAvgIterations);
    if (bytes_per_op != 0) state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bytes_per_op);
  }
};
}  // namespace bench
