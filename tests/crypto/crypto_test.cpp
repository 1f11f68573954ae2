// crypto/: SHA-256, AES-256-GCM known answers and tamper checks, IV sequence, CSPRNG pool, fork.
#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/codec/hex.hpp>

#include "../common/test_data.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
