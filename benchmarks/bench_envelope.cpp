// The envelope hot path, side by side in one run:
//   naive     - what a first OpenSSL user writes: a new context and key per message,
//               EVP_aes_256_gcm(), two RAND_bytes per envelope, heap buffers, EVP_EncodeBlock
//   bare_evp  - a pre-keyed EVP context sealing/opening the same bytes: the floor through OpenSSL
//   tokenmint - uid2::seal_request / open_response with a kept key and buffers
// Requests carry a 61-byte JSON; responses are 1,180 base64 characters (a generate response).
// Each case reports allocs_per_op from a counting global operator new.
#include "alloc_counter.hpp"

#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/testing/testing.hpp>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace tokenmint;

constexpr std::string_view secret_b64 = "ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=";
constexpr std::string_view request_json = R"({"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="})";
static_assert(request_json.size() == 61);

std::array<std::uint8_t, 32> raw_key() {
  std::array<std::uint8_t, 32> k{};
  EVP_DecodeBlock(k.data(), reinterpret_cast<const unsigned char*>(secret_b64.data()), 44);
  return k;
}

// A generate response body of 841 JSON bytes: 841 + 44 = 885 bytes = 1,180 base64 characters.
std::string response_json() {
  std::string j = R"({"body":{"advertising_token":")";
  const std::string tail =
      R"(","refresh_token":")" + std::string(388, 'R') +
      R"(","identity_expires":1667889197644,"refresh_expires":1667971997644,)"
      R"("refresh_from":1667886497644,"refresh_response_key":"P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU="},"status":"success"})";
  j += std::string(841 - j.size() - tail.size(), 'A');
  j += tail;
  return j;
}

const uid2::nonce_bytes response_nonce{0x31, 0x2f, 0xe5, 0xaa, 0x08, 0xb2, 0xa0, 0x49};

const std::string& response_body() {
  static const std::string body = [] {
    auto key = uid2::make_key(secret_b64).value();
    return tokenmint::testing::seal_response(key, 1667885600000, response_nonce, response_json()).value();
  }();
  return body;
}

// ---------------------------------------------------------------------------------------------
// Seal a request envelope.

void seal_naive(benchmark::State& state) {
  const auto key = raw_key();
  bench::alloc_scope allocs{state};
  for (auto _ : state) {
    std::uint8_t iv[12], nonce[8];
    RAND_bytes(iv, sizeof iv);
    RAND_bytes(nonce, sizeof nonce);
    std::vector<std::uint8_t> plain(16 + request_json.size());
    const std::int64_t ts = 1667885597644;
    for (int i = 0; i < 8; ++i) plain[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(ts) >> (56 - 8 * i));
    std::memcpy(plain.data() + 8, nonce, 8);
    std::memcpy(plain.data() + 16, request_json.data(), request_json.size());
    std::vector<std::uint8_t> env(1 + 12 + plain.size() + 16);
    env[0] = 1;
    std::memcpy(env.data() + 1, iv, 12);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.data(), iv);
    int len = 0;
    EVP_EncryptUpdate(ctx, env.data() + 13, &len, plain.data(), static_cast<int>(plain.size()));
    EVP_EncryptFinal_ex(ctx, env.data() + 13 + len, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, env.data() + 13 + plain.size());
    EVP_CIPHER_CTX_free(ctx);
    std::string out(4 * ((env.size() + 2) / 3) + 1, '\0');
    out.resize(static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), env.data(), static_cast<int>(env.size()))));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void seal_bare_evp(benchmark::State& state) {
  const auto key = raw_key();
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex2(ctx, cipher, key.data(), nullptr, nullptr);
  std::uint8_t header[16] = {}, iv[12] = {};
  std::uint8_t out[16 + 61 + 16];
  std::uint32_t counter = 0;
  bench::alloc_scope allocs{state};
  for (auto _ : state) {
    std::memcpy(iv + 8, &++counter, 4);
    int len = 0;
    EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr);
    EVP_EncryptUpdate(ctx, out, &len, header, 16);
    EVP_EncryptUpdate(ctx, out + 16, &len, reinterpret_cast<const std::uint8_t*>(request_json.data()), 61);
    EVP_EncryptFinal_ex(ctx, out + 77, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + 77);
    benchmark::DoNotOptimize(out);
  }
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
  state.SetItemsProcessed(state.iterations());
}

void seal_tokenmint(benchmark::State& state) {
  auto key = uid2::make_key(secret_b64).value();  // per thread: a key object is not shared
  std::string out(uid2::sealed_request_size(request_json.size()), '\0');
  {
    auto warm = uid2::make_request_params(0);
    benchmark::DoNotOptimize(warm);
  }  // first touch of the pool
  bench::alloc_scope allocs{state};
  for (auto _ : state) {
    // Same constant timestamp as the other cases: reading the clock is not part of sealing.
    auto params = uid2::make_request_params(1667885597644);
    auto n = uid2::seal_request(key, *params, request_json, std::span<char>(out.data(), out.size()));
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// ---------------------------------------------------------------------------------------------
// Open a generate response.

void open_naive(benchmark::State& state) {
  const auto key = raw_key();
  const std::string& body = response_body();
  bench::alloc_scope allocs{state};
  for (auto _ : state) {
    std::vector<std::uint8_t> bin(body.size() / 4 * 3);
    int n = EVP_DecodeBlock(bin.data(), reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(body.size()));
    while (n > 0 && body[body.size() - 1 - (bin.size() - static_cast<std::size_t>(n))] == '=') --n;  // strip pad bytes
    bin.resize(static_cast<std::size_t>(n));
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.data(), bin.data());
    std::vector<std::uint8_t> plain(bin.size() - 28);
    int len = 0;
    EVP_DecryptUpdate(ctx, plain.data(), &len, bin.data() + 12, static_cast<int>(plain.size()));
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, bin.data() + bin.size() - 16);
    const int ok = EVP_DecryptFinal_ex(ctx, plain.data() + len, &len);
    EVP_CIPHER_CTX_free(ctx);
    const bool nonce_ok = std::memcmp(plain.data() + 8, response_nonce.data(), 8) == 0;
    std::string json(reinterpret_cast<const char*>(plain.data()) + 16, plain.size() - 16);
    if (ok != 1 || !nonce_ok) state.SkipWithError("naive open failed");
    benchmark::DoNotOptimize(json.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void open_bare_evp(benchmark::State& state) {
  const auto key = raw_key();
  const auto bin = base64::decode(response_body()).value();
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_DecryptInit_ex2(ctx, cipher, key.data(), nullptr, nullptr);
  std::vector<std::uint8_t> plain(bin.size() - 28);
  bench::alloc_scope allocs{state};
  for (auto _ : state) {
    int len = 0;
    EVP_DecryptInit_ex2(ctx, nullptr, nullptr, bin.data(), nullptr);
    EVP_DecryptUpdate(ctx, plain.data(), &len, bin.data() + 12, static_cast<int>(plain.size()));
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(bin.data() + bin.size() - 16));
    if (EVP_DecryptFinal_ex(ctx, plain.data() + len, &len) != 1) state.SkipWithError("bare open failed");
    benchmark::DoNotOptimize(plain.data());
  }
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
  state.SetItemsProcessed(state.iterations());
}

void open_tokenmint(benchmark::State& state) {
  auto key = uid2::make_key(secret_b64).value();
  const std::string& body = response_body();
  std::vector<std::uint8_t> scratch(uid2::open_scratch_size(body.size()));
  bench::alloc_scope allocs{state};
  for (auto _ : state) {
    auto r = uid2::open_response(key, body, response_nonce, std::span<std::uint8_t>(scratch));
    if (!r) state.SkipWithError("tokenmint open failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(seal_naive)->Name("seal_61B/naive");
BENCHMARK(seal_bare_evp)->Name("seal_61B/bare_evp");
BENCHMARK(seal_tokenmint)->Name("seal_61B/tokenmint")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(open_naive)->Name("open_1180/naive");
BENCHMARK(open_bare_evp)->Name("open_1180/bare_evp");
BENCHMARK(open_tokenmint)->Name("open_1180/tokenmint")->Threads(1)->Threads(2)->UseRealTime();

BENCHMARK_MAIN();
