// crypto/: SHA-256, AES-256-GCM known answers and tamper checks, IV sequence, CSPRNG pool, fork.
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/crypto/ecdh.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/codec/hex.hpp>

#include "../common/test_data.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <set>
#include <vector>

namespace tokenmint::crypto {
struct aes256_gcm_test_access {
  static void set_counter(aes256_gcm& k, std::uint32_t c) { k.counter_ = c; }
};
}  // namespace tokenmint::crypto

using namespace tokenmint;
using tokenmint::test::from_hex;

namespace {
crypto::aes256_gcm zero_key() {
  const std::array<std::uint8_t, 32> k{};
  return crypto::aes256_gcm::create(k).value();
}
}  // namespace

// FIPS 180-2 examples.
TEST(Sha256, KnownAnswers) {
  EXPECT_EQ(hex::encode(crypto::sha256("").value()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex::encode(crypto::sha256("abc").value()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex::encode(crypto::sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").value()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14 (AES-256).
TEST(Aes256Gcm, KnownAnswers) {
  auto key = zero_key();
  const crypto::gcm_iv iv{};
  crypto::gcm_tag tag{};
  ASSERT_EQ(key.seal(iv, {}, nullptr, tag), errc{});
  EXPECT_EQ(hex::encode(tag), "530f8afbc74536b9a963b4f1c4cb738b");

  const std::array<std::uint8_t, 16> pt{};
  std::array<std::uint8_t, 16> ct{};
  ASSERT_EQ(key.seal(iv, {pt}, ct.data(), tag), errc{});
  EXPECT_EQ(hex::encode(ct), "cea7403d4d606b6e074ec5d3baf39d18");
  EXPECT_EQ(hex::encode(tag), "d0d1c8a799996bf0265b98b5d48ab919");

  std::array<std::uint8_t, 16> back{};
  ASSERT_EQ(key.open(iv, ct, tag, back.data()), errc{});
  EXPECT_EQ(back, pt);
  EXPECT_EQ(key.sealed_count(), 2u);
}

TEST(Aes256Gcm, MultiPartSealEqualsOneShot) {
  auto key = zero_key();
  const crypto::gcm_iv iv{1, 2, 3};
  const std::string a = "0123456789abcdef-header", b = "and a body that is not block aligned";
  const std::string whole = a + b;
  std::vector<std::uint8_t> c1(whole.size()), c2(whole.size());
  crypto::gcm_tag t1{}, t2{};
  ASSERT_EQ(key.seal(iv, {as_bytes(a), as_bytes(b)}, c1.data(), t1), errc{});
  ASSERT_EQ(key.seal(iv, {as_bytes(whole)}, c2.data(), t2), errc{});
  EXPECT_EQ(c1, c2);
  EXPECT_EQ(t1, t2);
}

TEST(Aes256Gcm, EveryFlippedBitFailsAndReleasesNothing) {
  auto key = zero_key();
  const crypto::gcm_iv iv{9};
  const std::string msg = "{\"status\":\"success\",\"body\":{\"advertising_token\":\"secret\"}}";
  std::vector<std::uint8_t> ct(msg.size());
  crypto::gcm_tag tag{};
  ASSERT_EQ(key.seal(iv, {as_bytes(msg)}, ct.data(), tag), errc{});
  for (std::size_t i = 0; i < ct.size() + tag.size() + iv.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      auto c = ct;
      auto t = tag;
      auto v = iv;
      std::uint8_t* target = i < c.size() ? &c[i] : i < c.size() + t.size() ? &t[i - c.size()] : &v[i - c.size() - t.size()];
      *target ^= static_cast<std::uint8_t>(1u << bit);
      std::vector<std::uint8_t> out(c.size(), 0xEE);
      EXPECT_EQ(key.open(v, c, t, out.data()), errc::authentication_failed) << i;
      EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t x) { return x == 0; })) << "plaintext released at " << i;
    }
  }
  // A different key fails too.
  std::array<std::uint8_t, 32> other{};
  other[31] = 1;
  auto wrong = crypto::aes256_gcm::create(other).value();
  std::vector<std::uint8_t> out(ct.size());
  EXPECT_EQ(wrong.open(iv, ct, tag, out.data()), errc::authentication_failed);
}

TEST(Aes256Gcm, OpenInPlace) {
  auto key = zero_key();
  const crypto::gcm_iv iv{4};
  const std::string msg = "in place please, across more than one block of data";
  std::vector<std::uint8_t> buf(msg.begin(), msg.end());
  crypto::gcm_tag tag{};
  ASSERT_EQ(key.seal(iv, {std::span<const std::uint8_t>(buf)}, buf.data(), tag), errc{});
  ASSERT_EQ(key.open(iv, buf, tag, buf.data()), errc{});
  EXPECT_EQ(std::string(buf.begin(), buf.end()), msg);
}

TEST(Aes256Gcm, RejectsWrongKeySizes) {
  for (std::size_t n : {0u, 16u, 31u, 33u, 64u}) {
    std::vector<std::uint8_t> k(n, 1);
    auto r = crypto::aes256_gcm::create(k);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, errc::invalid_key);
    EXPECT_EQ(r.error().message, "AES-256 key: expected 32 bytes, got " + std::to_string(n));
  }
}

TEST(Aes256Gcm, MovedFromFailsCleanly) {
  auto a = zero_key();
  auto b = std::move(a);
  crypto::gcm_tag tag{};
  EXPECT_EQ(a.seal(crypto::gcm_iv{}, {}, nullptr, tag), errc::invalid_key);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.seal(crypto::gcm_iv{}, {}, nullptr, tag), errc{});
}

namespace {
struct gcm_vector {
  const char* name;
  const char *key, *iv, *aad, *pt, *ct, *tag;
};
// Published AES-256-GCM vectors with a 96-bit IV. McGrew & Viega, "The Galois/Counter Mode of
// Operation" (the test cases SP 800-38D cites), cases 15 (no AAD) and 16 (20 bytes of AAD); NIST
// CAVP gcmEncryptExtIV256.rsp, [PTlen = 128][AADlen = 128] Count = 0 and [PTlen = 0][AADlen = 128]
// Count = 0. Cases 17 and 18 use 64- and 480-bit IVs, which this API (UID2's 12-byte IVs) does
// not take.
constexpr gcm_vector aad_vectors[] = {
    {"gcm-spec 15", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aa"
     "fd255",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898"
     "015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"gcm-spec 16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
    {"cavp 256/96/128/128 #0", "92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b", "ac93a1a6145299bde902f21a",
     "1e0889016f67601c8ebea4943bc23ad6", "2d71bcfa914e4ac045b2aa60955fad24", "8995ae2e6df3dbf96fac7b7137bae67f",
     "eca5aa77d51d4a0a14d9c51e1da474ab"},
};
}  // namespace

TEST(Aes256GcmAad, PublishedVectorsSealAndOpen) {
  for (const auto& v : aad_vectors) {
    SCOPED_TRACE(v.name);
    auto key = crypto::aes256_gcm::create(from_hex(v.key)).value();
    const auto iv = test::from_hex_array<12>(v.iv);
    const auto aad = from_hex(v.aad), pt = from_hex(v.pt);
    std::vector<std::uint8_t> ct(pt.size());
    crypto::gcm_tag tag{};
    ASSERT_EQ(key.seal(iv, aad, {std::span<const std::uint8_t>(pt)}, ct.data(), tag), errc{});
    EXPECT_EQ(hex::encode(ct), v.ct);
    EXPECT_EQ(hex::encode(tag), v.tag);
    std::vector<std::uint8_t> back(ct.size());
    ASSERT_EQ(key.open(iv, aad, ct, tag, back.data()), errc{});
    EXPECT_EQ(back, pt);
  }
}

TEST(Aes256GcmAad, AnyOtherAadFailsAndReleasesNothing) {
  const auto& v = aad_vectors[1];
  auto key = crypto::aes256_gcm::create(from_hex(v.key)).value();
  const auto iv = test::from_hex_array<12>(v.iv);
  const auto aad = from_hex(v.aad), ct = from_hex(v.ct);
  const auto tag = test::from_hex_array<16>(v.tag);
  auto fails = [&](std::span<const std::uint8_t> other) {
    std::vector<std::uint8_t> out(ct.size(), 0xEE);
    const bool refused = key.open(iv, other, ct, tag, out.data()) == errc::authentication_failed;
    return refused && std::all_of(out.begin(), out.end(), [](std::uint8_t x) { return x == 0; });
  };
  for (std::size_t i = 0; i < aad.size(); ++i) {
    auto flipped = aad;
    flipped[i] ^= 0x01;
    EXPECT_TRUE(fails(flipped)) << "flipped AAD byte " << i;
  }
  EXPECT_TRUE(fails({}));                                    // AAD left out
  EXPECT_TRUE(fails(std::span(aad).first(aad.size() - 1)));  // one byte short
  auto longer = aad;
  longer.push_back(0);
  EXPECT_TRUE(fails(longer));
  // The no-AAD overload is the empty AAD: case 15's message under case 16's AAD does not open without it.
  std::vector<std::uint8_t> out(ct.size());
  EXPECT_EQ(key.open(iv, ct, tag, out.data()), errc::authentication_failed);
}

// ---------------------------------------------------------------------------------------------
// P-256 and ECDH: the operator's fixture pairs (tests/data/uid2_tokens.json, cstg_ecdh).

namespace {
const nlohmann::json& cstg() {
  static const nlohmann::json v = test::load_json("uid2_tokens.json")["cstg_ecdh"];
  return v;
}
std::string strip_prefix(const std::string& s) { return s.substr(9); }  // UID2-X-L- / UID2-Y-L-
// Made with `openssl ecparam -name secp384r1 -genkey` and `openssl genpkey -algorithm ed25519`.
constexpr const char* p384_spki =
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEUyI2uYwoasuaUNsLra/+1SwXiLMu3tHGWrHLwmXvO5d6vVqEPrfRhsBiLMnadhuesxfTRjn9/"
    "kP7qsHaKgptlsmoiJpmzSRNh8uIhf5O3pgFNWqgLixJt6kJJgizppyF";
constexpr const char* p384_pkcs8 =
    "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCDDPn2vGrAisfaN0yrhs/5yW+CVMcN12+t3FTcnqLtWcnLYcMXQptCjWu8kFtQ+"
    "oehZANiAARTIja5jChqy5pQ2wutr/7VLBeIsy7e0cZascvCZe87l3q9WoQ+t9GGwGIsydp2G56zF9NGOf3+Q/uqwdoqCm2WyaiImmbNJE2Hy4iF/"
    "k7emAU1aqAuLEm3qQkmCLOmnIU=";
constexpr const char* ed25519_spki = "MCowBQYDK2VwAyEAbuSr+v2/K7eyrcD/SKFDhaR5j+hnQHV8/aS005iKnqc=";
// The fixture server key with its point compressed (`openssl ec -conv_form compressed`).
constexpr const char* server_compressed = "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgACsziOqRXZ7II0uJusaMxxCxlxgj8el/MUYLFMtWfB71Q=";

std::vector<std::uint8_t> b64(const std::string& s) {
  std::vector<std::uint8_t> out(base64::max_decoded_size(s.size()));
  const auto r = base64::decode(s, std::span<std::uint8_t>(out));
  if (!r) throw std::runtime_error("bad base64 in test");
  out.resize(r.size);
  return out;
}
}  // namespace

TEST(P256Ecdh, OperatorFixtureSharedSecretBothWays) {
  const auto& v = cstg();
  auto server_priv = crypto::p256_private_key::from_pkcs8_base64(strip_prefix(v["server_private_key"])).value();
  auto client_priv = crypto::p256_private_key::from_pkcs8_base64(v["client_private_key_pkcs8_b64"].get<std::string>()).value();
  auto server_pub = crypto::p256_public_key::from_spki_base64(strip_prefix(v["server_public_key"])).value();
  auto client_pub = crypto::p256_public_key::from_spki_base64(v["client_public_key_spki_b64"].get<std::string>()).value();
  // Each private key's public half is the published public key, byte for byte.
  EXPECT_EQ(server_priv.public_key_base64(), strip_prefix(v["server_public_key"]));
  EXPECT_EQ(client_priv.public_key_base64(), v["client_public_key_spki_b64"].get<std::string>());
  EXPECT_EQ(client_pub.spki_base64(), v["client_public_key_spki_b64"].get<std::string>());
  const auto a = client_priv.derive(server_pub).value();
  const auto b = server_priv.derive(client_pub).value();
  EXPECT_EQ(hex::encode(a.reveal()), v["shared_secret_hex"].get<std::string>());
  EXPECT_EQ(hex::encode(b.reveal()), v["shared_secret_hex"].get<std::string>());
}

TEST(P256Ecdh, FreshKeysAgreeAndDiffer) {
  auto a = crypto::p256_private_key::generate().value();
  auto b = crypto::p256_private_key::generate().value();
  EXPECT_EQ(a.public_key_der().size(), 91u);
  EXPECT_NE(a.public_key_der(), b.public_key_der());
  const auto ab = a.derive(b.public_key().value()).value();
  const auto ba = b.derive(a.public_key().value()).value();
  EXPECT_EQ(ab.reveal(), ba.reveal());
  // The public half re-imports as the same key, and it holds no private scalar: only the SPKI.
  EXPECT_EQ(crypto::p256_public_key::from_spki_der(a.public_key_der()).value().spki_der(), a.public_key_der());
}

// Key generation keeps a context per thread, and one key derives from several threads at once:
// run under ThreadSanitizer (suite `threads`).
TEST(P256Ecdh, ThreadsGenerateAndDeriveAtOnce) {
  const auto server = crypto::p256_private_key::from_pkcs8_base64(strip_prefix(cstg()["server_private_key"])).value();
  const auto server_pub = server.public_key().value();
  std::atomic<int> agreed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto mine = crypto::p256_private_key::generate();
        auto mine_pub = mine ? mine->public_key() : result<crypto::p256_public_key>(error{errc::crypto_backend});
        if (!mine || !mine_pub) continue;
        auto a = mine->derive(server_pub);
        auto b = server.derive(*mine_pub);  // the shared key, from every thread at once
        if (a && b && a->reveal() == b->reveal()) ++agreed;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(agreed.load(), 80);
}

TEST(P256Ecdh, CompressedPointImportsAndExportsUncompressed) {
  auto k = crypto::p256_public_key::from_spki_base64(server_compressed).value();
  EXPECT_EQ(k.spki_base64(), strip_prefix(cstg()["server_public_key"]));
}

TEST(P256Ecdh, BadPublicKeysAreClearErrors) {
  auto fails_with = [](std::string_view b64text, std::string_view message) {
    auto r = crypto::p256_public_key::from_spki_base64(b64text);
    ASSERT_FALSE(r) << message;
    EXPECT_EQ(r.error().code, errc::invalid_key);
    EXPECT_EQ(r.error().message, message);
  };
  fails_with(p384_spki, "P-256 public key: on curve secp384r1, P-256 (prime256v1) expected");
  fails_with(ed25519_spki, "P-256 public key: not an EC key (P-256 expected)");
  fails_with("not base64!", "P-256 public key: not base64");
  fails_with("", "P-256 public key: not valid DER");
  fails_with("MAMCAQE=", "P-256 public key: not valid DER");  // SEQUENCE { INTEGER 1 }
  // The fixture key with its y coordinate changed: well-formed, but off the curve.
  auto der = b64(strip_prefix(cstg()["server_public_key"]));
  der.back() ^= 0x01;
  auto r = crypto::p256_public_key::from_spki_der(der);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "P-256 public key: the point is not on the P-256 curve");
  // Truncated, and with a byte after it.
  der.back() ^= 0x01;
  EXPECT_EQ(crypto::p256_public_key::from_spki_der(std::span(der).first(der.size() - 1)).error().code, errc::invalid_key);
  der.push_back(0);
  EXPECT_EQ(crypto::p256_public_key::from_spki_der(der).error().message, "P-256 public key: not valid DER");
}

TEST(P256Ecdh, BadPrivateKeysAreClearErrors) {
  auto r = crypto::p256_private_key::from_pkcs8_base64(p384_pkcs8);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_key);
  EXPECT_EQ(r.error().message, "P-256 private key: on curve secp384r1, P-256 (prime256v1) expected");
  // A public key where a private one belongs.
  r = crypto::p256_private_key::from_pkcs8_base64(strip_prefix(cstg()["server_public_key"]));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "P-256 private key: not valid DER");
  EXPECT_EQ(crypto::p256_private_key::from_pkcs8_base64("%%%").error().message, "P-256 private key: not base64");
}

TEST(IvSequence, PrefixThenBigEndianCounter) {
  auto key = zero_key();
  crypto::gcm_iv a{}, b{}, c{};
  ASSERT_EQ(key.next_iv(a), errc{});
  ASSERT_EQ(key.next_iv(b), errc{});
  ASSERT_EQ(key.next_iv(c), errc{});
  EXPECT_TRUE(std::equal(a.begin(), a.begin() + 8, b.begin()));
  EXPECT_EQ(hex::encode(std::span(a).subspan(8)), "00000000");
  EXPECT_EQ(hex::encode(std::span(b).subspan(8)), "00000001");
  EXPECT_EQ(hex::encode(std::span(c).subspan(8)), "00000002");
  // Two keys draw independent prefixes.
  auto other = zero_key();
  crypto::gcm_iv d{};
  ASSERT_EQ(other.next_iv(d), errc{});
  EXPECT_FALSE(std::equal(a.begin(), a.begin() + 8, d.begin()));
}

TEST(IvSequence, CounterWrapDrawsAFreshPrefix) {
  auto key = zero_key();
  crypto::gcm_iv first{}, before_wrap{}, after_wrap{};
  ASSERT_EQ(key.next_iv(first), errc{});
  crypto::aes256_gcm_test_access::set_counter(key, 0xFFFFFFFEu);
  ASSERT_EQ(key.next_iv(before_wrap), errc{});
  EXPECT_EQ(hex::encode(std::span(before_wrap).subspan(8)), "ffffffff");
  EXPECT_TRUE(std::equal(first.begin(), first.begin() + 8, before_wrap.begin()));
  ASSERT_EQ(key.next_iv(after_wrap), errc{});
  EXPECT_EQ(hex::encode(std::span(after_wrap).subspan(8)), "00000000");
  EXPECT_FALSE(std::equal(first.begin(), first.begin() + 8, after_wrap.begin())) << "prefix reused after the counter wrapped";
}

TEST(Random, BytesDifferAndSpanSizesWork) {
  std::set<std::vector<std::uint8_t>> seen;
  for (std::size_t n : {1u, 8u, 12u, 32u, 1000u, 5000u, 100000u}) {
    std::vector<std::uint8_t> buf(n);
    ASSERT_EQ(crypto::random_bytes(buf), errc{});
    EXPECT_TRUE(seen.insert(buf).second);
    if (n >= 32) {
      EXPECT_FALSE(std::all_of(buf.begin(), buf.end(), [](std::uint8_t b) { return b == 0; }));
    }
  }
}

TEST(Random, PoolRefillsAcrossItsCapacity) {
  // Draw well past the pool's 4 KiB in nonce-sized pieces: all distinct.
  std::set<std::uint64_t> nonces;
  for (int i = 0; i < 5000; ++i) {
    std::array<std::uint8_t, 8> n{};
    ASSERT_EQ(crypto::random_bytes(n), errc{});
    std::uint64_t v = 0;
    std::memcpy(&v, n.data(), 8);
    EXPECT_TRUE(nonces.insert(v).second);
  }
}

TEST(Random, ThreadsDrawDistinctStreams) {
  std::array<std::uint8_t, 64> a{}, b{};
  std::thread t1([&] { (void)crypto::random_bytes(a); });
  std::thread t2([&] { (void)crypto::random_bytes(b); });
  t1.join();
  t2.join();
  EXPECT_NE(a, b);
}

// A child must not replay the parent's buffered random bytes, nor its IV prefix.
TEST(Random, ForkedChildDoesNotReplayParent) {
  std::array<std::uint8_t, 8> warm{};
  ASSERT_EQ(crypto::random_bytes(warm), errc{});  // the pool now holds bytes a child would inherit
  auto key = zero_key();
  crypto::gcm_iv before{};
  ASSERT_EQ(key.next_iv(before), errc{});

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::array<std::uint8_t, 64 + 12> out{};
    const bool ok = crypto::random_bytes(std::span(out).first(64)) == errc{};
    crypto::gcm_iv iv{};
    const bool ok2 = key.next_iv(iv) == errc{};
    std::memcpy(out.data() + 64, iv.data(), 12);
    const ssize_t w = ::write(fds[1], out.data(), out.size());
    ::_exit(ok && ok2 && w == static_cast<ssize_t>(out.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  std::array<std::uint8_t, 64 + 12> child{};
  std::size_t got = 0;
  while (got < child.size()) {
    const ssize_t r = ::read(fds[0], child.data() + got, child.size() - got);
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, child.size());

  std::array<std::uint8_t, 64> parent{};
  ASSERT_EQ(crypto::random_bytes(parent), errc{});
  EXPECT_FALSE(std::equal(parent.begin(), parent.end(), child.begin())) << "child replayed the parent's random stream";
  crypto::gcm_iv parent_iv{};
  ASSERT_EQ(key.next_iv(parent_iv), errc{});
  EXPECT_TRUE(std::equal(before.begin(), before.begin() + 8, parent_iv.begin()));  // parent keeps its prefix
  EXPECT_FALSE(std::equal(before.begin(), before.begin() + 8, child.begin() + 64)) << "child reused the parent's IV prefix";
}
