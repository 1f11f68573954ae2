// Injected latency and failures for an `http_server`, for tests and demos of a client's retries:
// the plan (`sandbox_faults`) and the hook that carries it out, seeded so that one seed gives one
// sequence.
#pragma once

#include <tokenmint/http/message.hpp>
#include <tokenmint/testing/http_server.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace tokenmint::testing {

/// Faults to inject: every request waits `latency`; a share `fail_rate` (0 to 1) of them is
/// answered 429 with `Retry-After: 1`, 429 without it, 503, or not at all (the connection
/// closed), in equal parts, drawn from a generator seeded with `seed` (the same seed, the same
/// sequence).
struct sandbox_faults {
  std::chrono::milliseconds latency{0};
  double fail_rate = 0;
  std::uint64_t seed = 1;
  bool any() const noexcept { return latency.count() > 0 || fail_rate > 0; }
};

/// An injected failure's answer, as a load balancer in front of a service words it.
inline http::response fault_answer(int status, std::string_view reason, bool retry_after) {
  http::response r;
  r.status = status;
  r.reason = std::string(reason);
  r.headers.add("Content-Type", "application/json");
  if (retry_after) r.headers.add("Retry-After", "1");
  r.body = R"({"status":"error","message":"injected by the sandbox"})";
  return r;
}

/// The `http_server_options::faults` hook that carries out `f`; requests whose path `exempt`
/// accepts pass untouched (and draw nothing from the generator).
inline std::function<http_fault(const http::incoming_request&)> fault_hook(sandbox_faults f,
                                                                           std::function<bool(std::string_view)> exempt) {
  auto rng = std::make_shared<std::mt19937_64>(f.seed);
  return [f, rng, exempt = std::move(exempt)](const http::incoming_request& r) {
    http_fault out;
    if (exempt && exempt(r.path())) return out;
    out.delay = f.latency;
    if (f.fail_rate <= 0 || std::uniform_real_distribution<double>(0, 1)(*rng) >= f.fail_rate) return out;
    switch ((*rng)() % 4) {
      case 0: out.drop = true; break;
      case 1: out.replace = fault_answer(503, "Service Unavailable", false); break;
      case 2: out.replace = fault_answer(429, "Too Many Requests", true); break;
      default: out.replace = fault_answer(429, "Too Many Requests", false); break;
    }
    return out;
  };
}

}  // namespace tokenmint::testing
