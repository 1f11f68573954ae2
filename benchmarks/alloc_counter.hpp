// Counts heap allocations made by the current thread (global operator new is replaced in
// alloc_counter.cpp), so a benchmark can report allocations per operation.
#pragma once

#include <cstdint>

namespace bench {
std::uint64_t thread_allocations() noexcept;
}
