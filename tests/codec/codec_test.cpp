// codec/: strict base64 (RFC 4648), hex, UTF-8 validation.
#include <tokenmint/codec/base64.hpp>
#include <tokenmint/codec/hex.hpp>
#include <tokenmint/codec/utf8.hpp>

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace tokenmint;

namespace {

std::string enc(std::string_view s, base64::alphabet a = base64::alphabet::standard,
                base64::padding p = base64::padding::required) {
  return base64::encode(s, a, p);
}

codec_result dec(std::string_view s, std::string* out = nullptr, base64::alphabet a = base64::alphabet::standard,
                 base64::padding p = base64::padding::required) {
  std::vector<std::uint8_t> buf(base64::max_decoded_size(s.size()));
  const codec_result r = base64::decode(s, std::span<std::uint8_t>(buf), a, p);
  if (r && out) out->assign(reinterpret_cast<const char*>(buf.data()), r.size);
  return r;
}

}  // namespace

// RFC 4648 section 10.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {{"", ""},
                                                   {"f", "Zg=="},
                                                   {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="},
                                                   {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, b64] : v) {
    EXPECT_EQ(enc(plain), b64);
    std::string back;
    ASSERT_TRUE(dec(b64, &back)) << b64;
    EXPECT_EQ(back, plain);
  }
}

TEST(Base64, UrlAlphabetAndUnpadded) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(enc(bytes), "+/+/");
  EXPECT_EQ(enc(bytes, base64::alphabet::url), "-_-_");
  EXPECT_EQ(enc("f", base64::alphabet::url, base64::padding::none), "Zg");
  EXPECT_EQ(enc("fo", base64::alphabet::url, base64::padding::none), "Zm8");
  std::string back;
  ASSERT_TRUE(dec("-_-_", &back, base64::alphabet::url));
  EXPECT_EQ(back, bytes);
  ASSERT_TRUE(dec("Zm8", &back, base64::alphabet::url, base64::padding::none));
  EXPECT_EQ(back, "fo");
  // Each alphabet rejects the other's specials.
  EXPECT_EQ(dec("-_-_").ec, errc::invalid_base64);
  EXPECT_EQ(dec("+/+/", nullptr, base64::alphabet::url).ec, errc::invalid_base64);
  // Unpadded input may not carry '=' nor be 1 mod 4.
  EXPECT_FALSE(dec("Zg==", nullptr, base64::alphabet::url, base64::padding::none));
  EXPECT_FALSE(dec("Zm9vY", nullptr, base64::alphabet::url, base64::padding::none));
}

TEST(Base64, RejectsNonCanonicalInputWithOffset) {
  struct bad {
    const char* in;
    std::size_t offset;
  };
  const bad cases[] = {
      {"Zg=", 0},                               // length not a multiple of 4
      {"Zg", 0},                                // missing padding
      {"Zm9vYg", 4},                            // missing padding after full groups
      {"Zh==", 1},                              // non-zero pad bits (canonical is Zg==)
      {"Zm9=", 2},                              // non-zero pad bits (canonical is Zm8=)
      {"Zm 9v", 2},                             // whitespace (reported before the length problem)
      {"Zm9 ", 3},                              // whitespace inside a group
      {"Zm9v\n", 4},                            // trailing newline
      {"Z===", 1},                              // too much padding
      {"=Zm9", 0},                              // padding first
      {"Zm=v", 2},                              // padding in the middle
      {"Zm9v====", 4},                          // a group of padding
      {"Zm9vZm9v*m9v", 8}, {"\xc3\xa9Zm9", 0},  // non-ASCII
  };
  for (const auto& c : cases) {
    const codec_result r = dec(c.in);
    EXPECT_EQ(r.ec, errc::invalid_base64) << c.in;
    EXPECT_EQ(r.offset, c.offset) << c.in;
  }
}

TEST(Base64, BufferLimitsAreHonoured) {
  std::array<std::uint8_t, 2> small{};
  EXPECT_EQ(base64::decode("Zm9v", std::span<std::uint8_t>(small)).ec, errc::buffer_too_small);
  std::array<char, 3> tiny{};
  const std::array<std::uint8_t, 3> in{1, 2, 3};
  EXPECT_EQ(base64::encode(in, std::span<char>(tiny)).ec, errc::buffer_too_small);
  EXPECT_EQ(base64::decoded_size("Zm9vYg==").size, 4u);
  EXPECT_EQ(base64::decoded_size("Zm9vYmE=").size, 5u);
  EXPECT_EQ(base64::decoded_size("Zm8", base64::padding::none).size, 2u);
}

// Cross-check against OpenSSL's own encoder: an independent implementation.
TEST(Base64, MatchesOpenSslForRandomData) {
  std::mt19937 rng(1234);
  for (std::size_t len = 0; len < 300; ++len) {
    std::vector<std::uint8_t> data(len);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    std::string theirs(4 * ((len + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(theirs.data()), data.data(), static_cast<int>(len));
    theirs.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(base64::encode(data), theirs) << len;
    auto back = base64::decode(theirs);
    ASSERT_TRUE(back) << len;
    EXPECT_EQ(*back, data);
  }
}

TEST(Base64, EncodeInPlaceFromTheTail) {
  for (std::size_t len = 0; len < 64; ++len) {
    std::vector<std::uint8_t> data(len);
    for (std::size_t i = 0; i < len; ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const std::string expected = base64::encode(data);
    std::string buf(expected.size(), '\0');
    if (len > 0) std::memcpy(buf.data() + buf.size() - len, data.data(), len);
    const auto tail = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(buf.data()) + buf.size() - len, len);
    ASSERT_TRUE(base64::encode(tail, std::span<char>(buf.data(), buf.size())));
    EXPECT_EQ(buf, expected) << len;
  }
}

TEST(Base64, DecodeInPlace) {
  std::string s = "Zm9vYmFyYmF6";
  auto* p = reinterpret_cast<std::uint8_t*>(s.data());
  const codec_result r = base64::decode(s, std::span<std::uint8_t>(p, s.size()));
  ASSERT_TRUE(r);
  EXPECT_EQ(std::string(s.data(), r.size), "foobarbaz");
}

TEST(Base64, ConvenienceDecodeReportsOffset) {
  auto r = base64::decode("Zm9v!m9v");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_base64);
  EXPECT_EQ(r.error().message, "invalid base64 at offset 4");
}

TEST(Hex, RoundTripAndErrors) {
  const std::vector<std::uint8_t> bytes{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(hex::encode(bytes), "0001abff");
  auto back = hex::decode("0001ABff");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(hex::decode("abc").error().code, errc::invalid_hex);
  auto bad = hex::decode("0g");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "invalid hex digit at offset 1");
  auto iv = hex::decode_array<12>("cc3ccaca9889eab3800e787e", "iv");
  ASSERT_TRUE(iv);
  EXPECT_EQ((*iv)[0], 0xcc);
  auto short_iv = hex::decode_array<12>("cc3c", "iv");
  ASSERT_FALSE(short_iv);
  EXPECT_EQ(short_iv.error().message, "iv: expected 24 hex digits (12 bytes), got 4");
}

TEST(Utf8, AcceptsValidRejectsInvalid) {
  EXPECT_TRUE(utf8::is_valid(""));
  EXPECT_TRUE(utf8::is_valid("plain ascii"));
  EXPECT_TRUE(utf8::is_valid("caf\xc3\xa9"));             // U+00E9
  EXPECT_TRUE(utf8::is_valid("\xe2\x82\xac"));            // U+20AC
  EXPECT_TRUE(utf8::is_valid("\xf0\x9f\x98\x8a"));        // U+1F60A
  EXPECT_TRUE(utf8::is_valid("\xf4\x8f\xbf\xbf"));        // U+10FFFF
  EXPECT_EQ(utf8::find_invalid("ab\x80"), 2u);            // lone continuation
  EXPECT_EQ(utf8::find_invalid("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(utf8::find_invalid("\xe0\x80\xaf"), 0u);      // overlong 3-byte
  EXPECT_EQ(utf8::find_invalid("\xed\xa0\x80"), 0u);      // surrogate U+D800
  EXPECT_EQ(utf8::find_invalid("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8::find_invalid("x\xf0\x9f\x98"), 1u);     // truncated
  EXPECT_EQ(utf8::find_invalid("\xff"), 0u);
}
