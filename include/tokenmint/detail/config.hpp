// Build configuration shared by every tokenmint header. Include first.
#pragma once

// Asio's configuration is part of tokenmint's build interface, never set by a header: two
// translation units that configured Asio differently would compile its inline code differently
// (an ODR violation nobody sees until it crashes). Meson's dependency('tokenmint'),
// `pkg-config --cflags tokenmint` and CMake's tokenmint::tokenmint pass both macros:
// - ASIO_DISABLE_STD_ALIGNED_ALLOC: Asio picks aligned_alloc/free or operator new/delete for its
//   recycled handler memory from libstdc++'s _GLIBCXX_HAVE_ALIGNED_ALLOC, which exists only once
//   a standard header was included; a unit whose first include is <asio.hpp> and one that
//   includes a standard header first would free each other's memory with the wrong function
//   (ASan: alloc-dealloc-mismatch). Disabled, every unit uses operator new/delete.
// - ASIO_HAS_CO_AWAIT=1: Asio 1.22 enables awaitable/co_spawn for clang++ with libstdc++ only
//   when told.
#if !defined(ASIO_DISABLE_STD_ALIGNED_ALLOC) || !defined(ASIO_HAS_CO_AWAIT)
#error \
    "tokenmint: compile every translation unit with -DASIO_DISABLE_STD_ALIGNED_ALLOC -DASIO_HAS_CO_AWAIT=1 (pkg-config --cflags tokenmint, Meson dependency('tokenmint') and CMake target tokenmint::tokenmint add them; see README, Using the library)"
#endif
#if defined(ASIO_HAS_STD_ALIGNED_ALLOC)
#error \
    "tokenmint: Asio was included before tokenmint with ASIO_HAS_STD_ALIGNED_ALLOC; build every translation unit with -DASIO_DISABLE_STD_ALIGNED_ALLOC so that all of them allocate Asio's handler memory alike"
#endif

// Separate compilation (like Asio's ASIO_SEPARATE_COMPILATION): with
// -DTOKENMINT_SEPARATE_COMPILATION in every translation unit, the headers declare the heavy
// engines (the HTTPS transport, the default clients over it) and one .cpp that includes
// <tokenmint/separate_compilation.hpp> defines them. Without it (the default), everything is
// inline in the headers. TOKENMINT_DECL marks those definitions.
#if defined(TOKENMINT_SEPARATE_COMPILATION)
#define TOKENMINT_DECL
#else
#define TOKENMINT_DECL inline
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
