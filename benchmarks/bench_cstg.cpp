// Client-side generate, the CPU side: what one request costs the client to build (a fresh P-256
// key pair, ECDH with the server key, hashing, AES-256-GCM seal) against the same with a key pair
// reused across requests (the baseline that justifies, or not, drawing a fresh one), and what the
// sandbox's operator side costs to open it. compare.py cstg reads the report.
#include <tokenmint/testing/uid2_client_side.hpp>
#include <tokenmint/uid2/client_side.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

using namespace tokenmint;

namespace {
// The operator's published fixture pair (tests/data/uid2_tokens.json, cstg_ecdh).
constexpr const char* server_public =
    "UID2-X-L-MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsziOqRXZ7II0uJusaMxxCxlxgj8el/"
    "MUYLFMtWfB71Q3G1juyrAnzyqruNiPPnIuTETfFOridglP9UQNlwzNQg==";
constexpr const char* server_private =
    "MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCBop1Dw/IwDcstgicr/3tDoyR3OIpgAWgw8mD6oTO+1ug==";

const crypto::p256_public_key& server_key() {
  static const auto k = uid2::parse_server_public_key(server_public, uid2::flavour::uid2).value();
  return k;
}
const uid2::identity_input& email() {
  static const auto e = uid2::identity_input::from_email_unhashed("jane.doe@example.com").value();
  return e;
}

std::string build(const crypto::p256_private_key& client) {
  uid2::client_side_request_params p;
  p.client_key = &client;
  p.timestamp_ms = 1'700'000'000'000;
  auto r = uid2::seal_client_side_request(server_key(), email(), "4WvryDGbR5", std::nullopt, p);
  if (!r) std::abort();
  return std::move(r->body);
}

void keygen(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crypto::p256_private_key::generate());
  state.SetItemsProcessed(state.iterations());
}

void derive(benchmark::State& state) {
  const auto client = crypto::p256_private_key::generate().value();
  for (auto _ : state) benchmark::DoNotOptimize(client.derive(server_key()));
  state.SetItemsProcessed(state.iterations());
}

// What the client does per request: a fresh key pair, then derive, hash and seal.
void request_fresh_key(benchmark::State& state) {
  for (auto _ : state) {
    auto client = crypto::p256_private_key::generate();
    benchmark::DoNotOptimize(build(*client));
  }
  state.SetItemsProcessed(state.iterations());
}

// The baseline: one key pair for every request (derive, hash and seal only).
void request_reused_key(benchmark::State& state) {
  const auto client = crypto::p256_private_key::generate().value();
  for (auto _ : state) benchmark::DoNotOptimize(build(client));
  state.SetItemsProcessed(state.iterations());
}

// The sandbox's side: parse, check, ECDH, open, read the payload.
void operator_open(benchmark::State& state) {
  const auto server = crypto::p256_private_key::from_pkcs8_base64(server_private).value();
  const std::vector<std::string> domains{"example.com"}, apps{"com.example.app"};
  const testing::client_side_site site{&server, "4WvryDGbR5", &domains, &apps};
  const std::string body = build(crypto::p256_private_key::generate().value());
  for (auto _ : state) {
    auto r = testing::open_client_side_request(site, body, "https://example.com");
    if (r.index() != 0) std::abort();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
}  // namespace

BENCHMARK(keygen)->Name("cstg/keygen");
BENCHMARK(derive)->Name("cstg/derive");
BENCHMARK(request_fresh_key)->Name("cstg/request/fresh_key");
BENCHMARK(request_reused_key)->Name("cstg/request/reused_key");
BENCHMARK(operator_open)->Name("cstg/operator_open");
BENCHMARK_MAIN();
