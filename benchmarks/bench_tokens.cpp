// Advertising-token decryption and sharing encryption, side by side in one run:
//   sdk_pattern - the per-call pattern of the C++ SDK (protocol page, section 5.2): a mutex and a
//                 shared_ptr copy per call, the whole token scanned for '-'/'_', the header decoded
//                 into a heap vector, a padded string copy decoded into another, a new
//                 EVP_CIPHER_CTX + EVP_DecryptInit_ex(EVP_aes_256_gcm(), key, iv) per layer, heap
//                 vectors, a std::string out. (For v2 the SDK uses a software AES that allocates per
//                 row shift; the baseline here uses EVP-CBC per call instead, which is faster: the
//                 v2 ratio understates the SDK's cost.)
//   floor       - two pre-keyed EVP GCM opens of the already-decoded bytes: the floor through OpenSSL
//   floor_decode- the floor plus tokenmint's base64url decode of the token
//   tokenmint   - uid2::key_store::decrypt / encrypt (1 and 2 threads; a 10,000-key container)
// Inputs: the published v4 vector and its keys; a v2 token built here with EVP for the same keys.
// Each case reports allocs_per_op from a counting global operator new.
#include "alloc_counter.hpp"

#include <tokenmint/uid2/key_store.hpp>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

using namespace tokenmint;
using bytes = std::vector<std::uint8_t>;

// The published v4 vector (tests/data/uid2_tokens.json).
const std::string v4_token =
    "AIAAAACkOqJj9VoxXJNnuX3v-ymceRf8_Av0vA5asOj9YBZJc1kV1vHdmb0AIjlzWnFF-gxIlgXqhRFhPo3iXpugPBl3gv4GKnGkw-Zgm2QqMsDPPLpMCYiWrIU"
    "qHPm8hQiq9PuTU-Ba9xecRsSIAN0WCwKLwA_EDVdzmnLJu64dQoeYmuu3u1G2EuTkuMrevmP98tJqSUePKwnfK73-0Zdshw";
const std::string master_b64 = "iyXxrRJcJOilqBcSJsN7XKCIuShbraXdqBCppCaLCJs=";
const std::string site_b64 = "IPsHwoSa+lbKdGgdg8CL1zCkC0HibqcObDP+fUEYF4U=";
constexpr std::int64_t master_id = 164, site_id = 165;
constexpr std::int64_t now_ms = 1672534861000 + 1000;
const std::string raw_uid = "ywsvDNINiZOVSsfkHpLpSJzXzhr6Jx9Z/4Q0+lsEUvM=";

bytes decode_b64(std::string t) {
  for (char& c : t) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (t.size() % 4) t += '=';
  bytes out(t.size() / 4 * 3);
  EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(t.data()), static_cast<int>(t.size()));
  out.resize(out.size() - static_cast<std::size_t>(std::count(t.end() - 2, t.end(), '=')));
  return out;
}

std::string encode_b64(const bytes& b) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  out.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()))));
  return out;
}

std::string key_answer(int extra_keys, bool sharing) {
  std::string keys;
  auto add = [&](std::int64_t id, const std::string& secret, int keyset) {
    if (!keys.empty()) keys += ',';
    keys += "{\"id\":" + std::to_string(id) + (sharing ? ",\"keyset_id\":" + std::to_string(keyset) : std::string()) +
            ",\"created\":1609459200,\"activates\":1609459200,\"expires\":2524608000,\"secret\":\"" + secret + "\"}";
  };
  for (int i = 0; i < extra_keys; ++i) add(100000 + i, site_b64, 7);
  add(master_id, master_b64, 1);
  add(site_id, site_b64, 2);
  std::string body = "{\"identity_scope\":\"UID2\",\"keys\":[" + keys + "]";
  if (sharing)
    body += ",\"caller_site_id\":9000,\"master_keyset_id\":1,\"default_keyset_id\":2,\"token_expiry_seconds\":\"2592000\"";
  return "{\"status\":\"success\",\"body\":" + body + "}}";
}

uid2::key_store& store(int extra_keys = 0) {
  static std::map<int, std::unique_ptr<uid2::key_store>> stores;
  auto& s = stores[extra_keys];
  if (!s) {
    s = std::make_unique<uid2::key_store>();
    (void)s->refresh_from_json(key_answer(extra_keys, true));
  }
  return *s;
}

// A v2 token (AES-256-CBC, two layers) for the same keys, built with EVP.
bytes cbc(const bytes& key, const bytes& iv, const bytes& in, bool enc) {
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  EVP_CipherInit_ex(c, EVP_aes_256_cbc(), nullptr, key.data(), iv.data(), enc);
  bytes out(in.size() + 16);
  int n = 0, m = 0;
  EVP_CipherUpdate(c, out.data(), &n, in.data(), static_cast<int>(in.size()));
  EVP_CipherFinal_ex(c, out.data() + n, &m);
  EVP_CIPHER_CTX_free(c);
  out.resize(static_cast<std::size_t>(n + m));
  return out;
}
void put(bytes& b, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
const std::string& v2_token() {
  static const std::string t = [] {
    bytes ip;
    put(ip, 9000, 4);
    put(ip, raw_uid.size(), 4);
    ip.insert(ip.end(), raw_uid.begin(), raw_uid.end());
    put(ip, 0, 4);
    put(ip, 1672531261000, 8);
    const bytes iv1(16, 1), iv2(16, 2);
    bytes mp;
    put(mp, 2303254861000, 8);
    put(mp, site_id, 4);
    mp.insert(mp.end(), iv1.begin(), iv1.end());
    const bytes inner = cbc(decode_b64(site_b64), iv1, ip, true);
    mp.insert(mp.end(), inner.begin(), inner.end());
    bytes tok{2};
    put(tok, master_id, 4);
    tok.insert(tok.end(), iv2.begin(), iv2.end());
    const bytes outer = cbc(decode_b64(master_b64), iv2, mp, true);
    tok.insert(tok.end(), outer.begin(), outer.end());
    return encode_b64(tok);
  }();
  return t;
}

// ---------------------------------------------------------------------------------------------
// The C++ SDK's per-call pattern.

struct sdk_container {
  std::map<std::int64_t, bytes> keys;
};
struct sdk_client {
  std::mutex m;
  std::shared_ptr<const sdk_container> keys = [] {
    auto c = std::make_shared<sdk_container>();
    c->keys[master_id] = decode_b64(master_b64);
    c->keys[site_id] = decode_b64(site_b64);
    return c;
  }();
  std::shared_ptr<const sdk_container> get() {
    std::lock_guard<std::mutex> l(m);
    return keys;
  }
};

bool sdk_gcm_open(const bytes& key, const std::uint8_t* iv, const std::uint8_t* ct, int n, const std::uint8_t* tag,
                  std::uint8_t* out) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx, nullptr, nullptr, key.data(), iv) == 1 && EVP_DecryptUpdate(ctx, out, &len, ct, n) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag)) == 1 &&
            EVP_DecryptFinal_ex(ctx, out + len, &fin) == 1;
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

std::string sdk_decrypt_v4(sdk_client& client, const std::string& token) {
  auto keys = client.get();
  const bool url = token.find_first_of("-_") != std::string::npos;
  bytes header = decode_b64(token.substr(0, 4));
  if (header.size() < 2 || header[1] != 128) return {};
  std::string padded = token;
  (void)url;
  bytes b = decode_b64(padded);
  const std::int64_t mid = (b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5];
  const auto mk = keys->keys.find(mid);
  if (mk == keys->keys.end()) return {};
  std::uint8_t mp[256];
  const int mlen = static_cast<int>(b.size()) - 6 - 28;
  if (!sdk_gcm_open(mk->second, b.data() + 6, b.data() + 18, mlen, b.data() + b.size() - 16, mp)) return {};
  const std::int64_t sid = (mp[29] << 24) | (mp[30] << 16) | (mp[31] << 8) | mp[32];
  const auto sk = keys->keys.find(sid);
  if (sk == keys->keys.end()) return {};
  std::uint8_t sp[128];
  const int slen = mlen - 33 - 28;
  if (!sdk_gcm_open(sk->second, mp + 33, mp + 45, slen, mp + mlen - 16, sp)) return {};
  bytes id(sp + 36, sp + slen);
  return encode_b64(id);
}

std::string sdk_decrypt_v2(sdk_client& client, const std::string& token) {
  auto keys = client.get();
  bytes header = decode_b64(token.substr(0, 4));
  if (header.empty() || header[0] != 2) return {};
  bytes b = decode_b64(token);
  const std::int64_t mid = (b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4];
  const auto mk = keys->keys.find(mid);
  if (mk == keys->keys.end()) return {};
  const bytes mp = cbc(mk->second, bytes(b.begin() + 5, b.begin() + 21), bytes(b.begin() + 21, b.end()), false);
  const std::int64_t sid = (mp[8] << 24) | (mp[9] << 16) | (mp[10] << 8) | mp[11];
  const auto sk = keys->keys.find(sid);
  if (sk == keys->keys.end()) return {};
  const bytes ip = cbc(sk->second, bytes(mp.begin() + 12, mp.begin() + 28), bytes(mp.begin() + 28, mp.end()), false);
  const int len = (ip[4] << 24) | (ip[5] << 16) | (ip[6] << 8) | ip[7];
  return std::string(ip.begin() + 8, ip.begin() + 8 + len);
}

bool sdk_gcm_seal(const bytes& key, const std::uint8_t* in, int n, std::uint8_t* out) {  // out: iv | ct | tag
  RAND_bytes(out, 12);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  bool ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.data(), out) == 1 &&
            EVP_EncryptUpdate(ctx, out + 12, &len, in, n) == 1 && EVP_EncryptFinal_ex(ctx, out + 12 + len, &fin) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + 12 + n) == 1;
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

std::string sdk_encrypt(sdk_client& client, const std::string& uid) {
  auto keys = client.get();
  const bytes id = decode_b64(uid);
  auto now = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  bytes sp;
  put(sp, 9000, 4);
  put(sp, 0, 8);
  put(sp, 0, 4);
  put(sp, 0, 4);
  put(sp, static_cast<std::uint64_t>(now() - 60000), 8);
  put(sp, static_cast<std::uint64_t>(now() - 40000), 8);
  sp.insert(sp.end(), id.begin(), id.end());
  bytes mp;
  put(mp, static_cast<std::uint64_t>(now() + 2592000000), 8);
  put(mp, static_cast<std::uint64_t>(now()), 8);
  put(mp, 0, 4);
  mp.push_back(0);
  put(mp, 0, 4);
  put(mp, 0, 4);
  put(mp, site_id, 4);
  bytes blob(sp.size() + 28);
  sdk_gcm_seal(keys->keys.at(site_id), sp.data(), static_cast<int>(sp.size()), blob.data());
  mp.insert(mp.end(), blob.begin(), blob.end());
  bytes tok{3, 128};
  put(tok, master_id, 4);
  bytes outer(mp.size() + 28);
  sdk_gcm_seal(keys->keys.at(master_id), mp.data(), static_cast<int>(mp.size()), outer.data());
  tok.insert(tok.end(), outer.begin(), outer.end());
  std::string s = encode_b64(tok);
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// ---------------------------------------------------------------------------------------------

// Made before any benchmark thread starts (the 2-thread cases share them).
const bool stores_ready = (store(0), store(10000 - 2), true);

void decrypt_v4_sdk(benchmark::State& state) {
  sdk_client c;
  if (sdk_decrypt_v4(c, v4_token) != raw_uid) state.SkipWithError("sdk pattern decrypts wrongly");
  bench::alloc_scope a{state};
  for (auto _ : state) benchmark::DoNotOptimize(sdk_decrypt_v4(c, v4_token));
  state.SetItemsProcessed(state.iterations());
}

struct floor_keys {
  EVP_CIPHER_CTX* master = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* site = EVP_CIPHER_CTX_new();
  floor_keys() {
    EVP_DecryptInit_ex(master, EVP_aes_256_gcm(), nullptr, decode_b64(master_b64).data(), nullptr);
    EVP_DecryptInit_ex(site, EVP_aes_256_gcm(), nullptr, decode_b64(site_b64).data(), nullptr);
  }
  ~floor_keys() {
    EVP_CIPHER_CTX_free(master);
    EVP_CIPHER_CTX_free(site);
  }
  static bool open(EVP_CIPHER_CTX* c, const std::uint8_t* blob, int n, std::uint8_t* out) {
    int len = 0, fin = 0;
    return EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, blob) == 1 && EVP_DecryptUpdate(c, out, &len, blob + 12, n) == 1 &&
           EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(blob + 12 + n)) == 1 &&
           EVP_DecryptFinal_ex(c, out + len, &fin) == 1;
  }
  bool two_layers(const std::uint8_t* b, std::size_t size) {
    std::uint8_t mp[256], sp[128];
    const int mlen = static_cast<int>(size) - 6 - 28;
    return open(master, b + 6, mlen, mp) && open(site, mp + 33, mlen - 33 - 28, sp);
  }
};

void decrypt_v4_floor(benchmark::State& state) {
  floor_keys k;
  const bytes b = decode_b64(v4_token);
  if (!k.two_layers(b.data(), b.size())) state.SkipWithError("floor fails");
  bench::alloc_scope a{state};
  for (auto _ : state) benchmark::DoNotOptimize(k.two_layers(b.data(), b.size()));
  state.SetItemsProcessed(state.iterations());
}

void decrypt_v4_floor_decode(benchmark::State& state) {
  floor_keys k;
  std::array<std::uint8_t, 256> b{};
  bench::alloc_scope a{state};
  for (auto _ : state) {
    const codec_result d = base64::decode(v4_token, b, base64::alphabet::url, base64::padding::none);
    benchmark::DoNotOptimize(k.two_layers(b.data(), d.size));
  }
  state.SetItemsProcessed(state.iterations());
}

void decrypt_tokenmint(benchmark::State& state, const std::string& token, int extra_keys) {
  const auto& s = store(extra_keys);
  if (s.decrypt(token, {}, now_ms).uid() != raw_uid) state.SkipWithError("tokenmint decrypts wrongly");  // also warms this thread
  bench::alloc_scope a{state};
  for (auto _ : state) benchmark::DoNotOptimize(s.decrypt(token, {}, now_ms));
  state.SetItemsProcessed(state.iterations());
}

void decrypt_v4_tokenmint(benchmark::State& state) { decrypt_tokenmint(state, v4_token, 0); }
void decrypt_v4_tokenmint_10k(benchmark::State& state) { decrypt_tokenmint(state, v4_token, 10000 - 2); }
void decrypt_v2_tokenmint(benchmark::State& state) { decrypt_tokenmint(state, v2_token(), 0); }

void decrypt_v2_sdk(benchmark::State& state) {
  sdk_client c;
  if (sdk_decrypt_v2(c, v2_token()) != raw_uid) state.SkipWithError("sdk pattern decrypts v2 wrongly");
  bench::alloc_scope a{state};
  for (auto _ : state) benchmark::DoNotOptimize(sdk_decrypt_v2(c, v2_token()));
  state.SetItemsProcessed(state.iterations());
}

void encrypt_sdk(benchmark::State& state) {
  sdk_client c;
  bench::alloc_scope a{state};
  for (auto _ : state) benchmark::DoNotOptimize(sdk_encrypt(c, raw_uid));
  state.SetItemsProcessed(state.iterations());
}

void encrypt_tokenmint(benchmark::State& state) {
  const auto& s = store();
  const auto e = s.encrypt(raw_uid, now_ms);
  if (!e.ok() || s.decrypt(e.token(), {}, now_ms).uid() != raw_uid) state.SkipWithError("tokenmint encrypts wrongly");
  bench::alloc_scope a{state};
  for (auto _ : state) benchmark::DoNotOptimize(s.encrypt(raw_uid, now_ms));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(decrypt_v4_sdk)->Name("decrypt_v4/sdk_pattern");
BENCHMARK(decrypt_v4_floor)->Name("decrypt_v4/floor");
BENCHMARK(decrypt_v4_floor_decode)->Name("decrypt_v4/floor_decode");
BENCHMARK(decrypt_v4_tokenmint)->Name("decrypt_v4/tokenmint")->UseRealTime()->Threads(1)->Threads(2);
BENCHMARK(decrypt_v4_tokenmint_10k)->Name("decrypt_v4/tokenmint_10k_keys");
BENCHMARK(decrypt_v2_sdk)->Name("decrypt_v2/sdk_pattern");
BENCHMARK(decrypt_v2_tokenmint)->Name("decrypt_v2/tokenmint");
BENCHMARK(encrypt_sdk)->Name("encrypt/sdk_pattern");
BENCHMARK(encrypt_tokenmint)->Name("encrypt/tokenmint")->UseRealTime()->Threads(1)->Threads(2);

BENCHMARK_MAIN();
