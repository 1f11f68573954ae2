// Build configuration shared by every tokenmint header. Include first.
#pragma once

// clang++ 16 with libstdc++ 12 supports coroutines, but Asio 1.22 only enables
// awaitable/co_spawn when it sees ASIO_HAS_CO_AWAIT; it must be set before the
// first Asio include, so it lives here rather than in every user's build flags.
// Asio decides between aligned_alloc/free and operator new/delete for its recycled handler memory
// from libstdc++'s _GLIBCXX_HAVE_ALIGNED_ALLOC, which only exists once a standard header has been
// included. A translation unit whose first include is Asio would otherwise pick the other pair
// than its neighbours, and memory allocated in one is freed in another (ASan: alloc-dealloc
// mismatch). Including a standard header here makes every tokenmint TU agree.
#include <cstddef>

#if defined(__cpp_impl_coroutine) && !defined(ASIO_HAS_CO_AWAIT)
#define ASIO_HAS_CO_AWAIT 1
#endif

#define TOKENMINT_VERSION_MAJOR 0
#define TOKENMINT_VERSION_MINOR 1
#define TOKENMINT_VERSION_PATCH 0
#define TOKENMINT_VERSION_STRING "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define TOKENMINT_LIKELY(x) __builtin_expect(!!(x), 1)
#define TOKENMINT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TOKENMINT_NOINLINE __attribute__((noinline))
#else
#define TOKENMINT_LIKELY(x) (x)
#define TOKENMINT_UNLIKELY(x) (x)
#define TOKENMINT_NOINLINE
#endif

// g++ 12 at -O2 reports a false -Wmismatched-new-delete on coroutine frames allocated by Asio's
// awaitable_frame_base (its class-specific operator new/delete pair is matched). Every header
// that defines coroutines wraps them in this pair, so the warning is silenced there only.
#if defined(__GNUC__) && !defined(__clang__)
#define TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wmismatched-new-delete\"")
#define TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END _Pragma("GCC diagnostic pop")
#else
#define TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN
#define TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END
#endif
