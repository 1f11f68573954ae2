// Build configuration shared by every tokenmint header. Include first.
#pragma once

// clang++ 16 with libstdc++ 12 supports coroutines, but Asio 1.22 only enables
// awaitable/co_spawn when it sees ASIO_HAS_CO_AWAIT; it must be set before the
// first Asio include, so it lives here rather than in every user's build flags.
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
