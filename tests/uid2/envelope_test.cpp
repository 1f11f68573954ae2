// uid2/envelope: the shared vectors byte for byte, the operator's own envelopes and messages,
// tamper and truncation, and IV/nonce uniqueness over a million envelopes.
#include <tokenmint/codec/base64.hpp>
#include <tokenmint/testing/testing.hpp>
#include <tokenmint/codec/hex.hpp>
#include <tokenmint/uid2/envelope.hpp>

#include "../common/test_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace tokenmint;
using tokenmint::test::from_hex_array;
using tokenmint::test::load_json;

namespace {

uid2::request_params params_from(const nlohmann::json& v) {
  uid2::request_params p;
  p.timestamp_ms = v.at("timestamp_ms").get<std::int64_t>();
  p.nonce = from_hex_array<8>(v.at("nonce_hex").get<std::string>());
  p.iv = from_hex_array<12>(v.at("iv_hex").get<std::string>());
  return p;
}

std::vector<nlohmann::json> request_vectors() {
  const auto doc = load_json("uid2.json");
  std::vector<nlohmann::json> out(doc.at("request_envelopes").begin(), doc.at("request_envelopes").end());
  out.push_back(doc.at("derived").at(0));
  return out;
}

bool contains(std::span<const std::uint8_t> hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

}  // namespace

TEST(Envelope, RequestVectorsByteForByte) {
  for (const auto& v : request_vectors()) {
    auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
    const std::string json = v.at("plaintext_json").get<std::string>();
    const std::string expected = v.at("expected_envelope_b64").get<std::string>();

    auto sealed = uid2::seal_request(key, params_from(v), json);
    ASSERT_TRUE(sealed) << sealed.error();
    EXPECT_EQ(*sealed, expected) << json;
    EXPECT_EQ(sealed->size(), uid2::sealed_request_size(json.size()));

    std::vector<std::uint8_t> binary(json.size() + uid2::request_overhead);
    ASSERT_TRUE(uid2::seal_request_binary(key, params_from(v), json, binary));
    EXPECT_EQ(base64::encode(binary), expected);
  }
}

TEST(Envelope, OperatorSideOpensTheVectors) {
  for (const auto& v : request_vectors()) {
    auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
    std::vector<std::uint8_t> scratch;
    const auto p = params_from(v);
    auto opened = tokenmint::testing::open_request(key, v.at("expected_envelope_b64").get<std::string>(), p.timestamp_ms,
                                                   uid2::flavour::uid2, scratch);
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened->json, v.at("plaintext_json").get<std::string>());
    EXPECT_EQ(opened->timestamp_ms, p.timestamp_ms);
    EXPECT_EQ(opened->nonce, p.nonce);
  }
}

TEST(Envelope, ProtocolPageInternalsOfTheFirstVector) {
  // Section 8.1: ciphertext and tag of {"email":"test@example.com"}.
  const auto v = request_vectors().front();
  auto bytes = base64::decode(v.at("expected_envelope_b64").get<std::string>()).value();
  ASSERT_EQ(bytes.size(), 1 + 12 + 44 + 16u);
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(hex::encode(std::span(bytes).subspan(1, 12)), "cc3ccaca9889eab3800e787e");
  EXPECT_EQ(hex::encode(std::span(bytes).subspan(13, 44)),
            "27dd5754c1e95f9d6bca7f00573c26efc862b0fbee92fb2583098fc62a0fd12cac6dddd9dda3d07ee46631f8");
  EXPECT_EQ(hex::encode(std::span(bytes).subspan(57)), "d58b0d2e9155087fa871edbccfd2fdba");
}

TEST(Envelope, ResponseVector) {
  const auto v = load_json("uid2.json").at("derived").at(1);
  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  const auto nonce = from_hex_array<8>(v.at("nonce_hex").get<std::string>());
  const auto iv = from_hex_array<12>(v.at("iv_hex").get<std::string>());
  const std::string expected = v.at("expected_response_b64").get<std::string>();

  auto sealed =
      tokenmint::testing::seal_response(key, v.at("timestamp_ms").get<std::int64_t>(), nonce, R"({"status":"optout"})", iv);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(*sealed, expected);

  std::vector<std::uint8_t> scratch;
  auto opened = uid2::open_response(key, expected, nonce, scratch);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->json, R"({"status":"optout"})");
  EXPECT_EQ(opened->server_timestamp_ms, 1667885600000);
}

TEST(Envelope, RefreshResponseVector) {
  const auto v = load_json("uid2.json").at("derived").at(2);
  auto key = uid2::make_key(v.at("key_b64").get<std::string>(), "refresh_response_key").value();
  const auto iv = from_hex_array<12>(v.at("iv_hex").get<std::string>());
  const std::string expected = v.at("expected_response_b64").get<std::string>();

  auto sealed = tokenmint::testing::seal_refresh_response(key, R"({"status":"optout"})", iv);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(*sealed, expected);
  EXPECT_EQ(base64::decode(expected)->size(), 47u);  // 12 + 19 + 16, as the protocol page says

  std::vector<std::uint8_t> scratch;
  auto opened = uid2::open_refresh_response(key, expected, scratch);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(*opened, R"({"status":"optout"})");
}

TEST(Envelope, ResponseTamperingNeverReleasesPlaintext) {
  const auto v = load_json("uid2.json").at("derived").at(1);
  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  const auto nonce = from_hex_array<8>(v.at("nonce_hex").get<std::string>());
  const auto good = base64::decode(v.at("expected_response_b64").get<std::string>()).value();

  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x01;
    std::vector<std::uint8_t> scratch;
    auto r = uid2::open_response(key, base64::encode(bad), nonce, scratch);
    ASSERT_FALSE(r) << "flipped byte " << i << " was accepted";
    EXPECT_EQ(r.error().code, errc::authentication_failed) << i;
    EXPECT_FALSE(contains(scratch, "optout")) << "plaintext left in scratch after tampering at " << i;
  }
  // Every truncation fails: too short, or the tag no longer verifies.
  for (std::size_t n = 0; n < good.size(); ++n) {
    std::vector<std::uint8_t> scratch;
    auto r = uid2::open_response(key, base64::encode(std::span(good).first(n)), nonce, scratch);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, n < uid2::response_overhead ? errc::envelope_too_short : errc::authentication_failed) << n;
  }
}

TEST(Envelope, NonceMismatchWipesThePlaintext) {
  const auto v = load_json("uid2.json").at("derived").at(1);
  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  auto nonce = from_hex_array<8>(v.at("nonce_hex").get<std::string>());
  nonce[7] ^= 1;
  std::vector<std::uint8_t> scratch;
  auto r = uid2::open_response(key, v.at("expected_response_b64").get<std::string>(), nonce, scratch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::nonce_mismatch);
  EXPECT_FALSE(contains(scratch, "optout"));
}

TEST(Envelope, ResponseWithWrongKeyOrGarbage) {
  const auto v = load_json("uid2.json").at("derived").at(1);
  const auto nonce = from_hex_array<8>(v.at("nonce_hex").get<std::string>());
  auto wrong = uid2::make_key("P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU=").value();
  std::vector<std::uint8_t> scratch;
  auto r = uid2::open_response(wrong, v.at("expected_response_b64").get<std::string>(), nonce, scratch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::authentication_failed);

  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  auto g = uid2::open_response(key, R"({"status":"unauthorized"})", nonce, scratch);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, errc::invalid_base64);
  EXPECT_EQ(g.error().message, "response: body is not valid base64 (offset 0)");

  auto s = uid2::open_response(key, "AAAA", nonce, scratch);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "response: 3 bytes after base64 decoding, at least 44 needed");

  std::array<std::uint8_t, 4> tiny{};
  auto t = uid2::open_response(key, v.at("expected_response_b64").get<std::string>(), nonce, std::span<std::uint8_t>(tiny));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, errc::buffer_too_small);

  auto rr = uid2::open_refresh_response(key, "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", scratch);  // 21 bytes
  ASSERT_FALSE(rr);
  EXPECT_EQ(rr.error().code, errc::envelope_too_short);
}

TEST(Envelope, KeysMustBeBase64Of32Bytes) {
  struct c {
    const char* in;
    const char* msg;
  };
  const c cases[] = {
      {"", "client_secret: expected base64 of 32 bytes, got 0 bytes"},
      {"not base64!", "client_secret: not valid base64 (offset 3)"},
      {"ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Sp==", "client_secret: not valid base64 (offset 41)" /* non-zero pad bits */},
      {"ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16", "client_secret: expected base64 of 32 bytes, got 30 bytes"},
      {"ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16SpoA", "client_secret: expected base64 of 32 bytes, got 33 bytes"},
      {"ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16SpoAAAAA", "client_secret: longer than base64 of 32 bytes"},
      {" ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=", "client_secret: not valid base64 (offset 0)"},
  };
  for (const auto& k : cases) {
    auto r = uid2::make_key(k.in);
    ASSERT_FALSE(r) << k.in;
    EXPECT_EQ(r.error().code, errc::invalid_key);
    EXPECT_EQ(r.error().message, k.msg) << k.in;
  }
  const secret_string s{std::string("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=")};
  EXPECT_TRUE(uid2::make_key(s));
}

TEST(Envelope, SealRejectsSmallBuffersAndHugeJson) {
  auto key = uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=").value();
  uid2::request_params p{};
  std::string out(10, '\0');
  auto r = uid2::seal_request(key, p, "{}", std::span<char>(out.data(), out.size()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::buffer_too_small);
  const std::string huge = "{\"a\":\"" + std::string(800000, 'x') + "\"}";
  auto h = uid2::seal_request(key, p, huge);
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, errc::invalid_argument);
  EXPECT_NE(h.error().message.find("1 MiB"), std::string::npos);
}

TEST(Envelope, FreshParamsDifferEveryTime) {
  auto a = uid2::make_request_params(1).value();
  auto b = uid2::make_request_params(1).value();
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_FALSE(a.iv.has_value());
}

// ---------------------------------------------------------------------------------------------
// Operator side, judged by the operator's own test envelopes and messages.

TEST(OperatorSide, OpensTheOperatorsValidEnvelope) {
  const auto doc = load_json("uid2_operator.json");
  const auto& v = doc.at("valid_request");
  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  std::vector<std::uint8_t> scratch;
  auto r = tokenmint::testing::open_request(key, v.at("body").get<std::string>(), v.at("now_ms").get<std::int64_t>(),
                                            uid2::flavour::uid2, scratch);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(nlohmann::json::parse(r->json), v.at("expected_payload"));
}

TEST(OperatorSide, MalformedJsonPayload) {
  const auto doc = load_json("uid2_operator.json");
  const auto& v = doc.at("malformed_json_request");
  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  std::vector<std::uint8_t> scratch;
  auto r = tokenmint::testing::open_request(key, v.at("body").get<std::string>(), v.at("now_ms").get<std::int64_t>(),
                                            uid2::flavour::uid2, scratch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_json);
  EXPECT_EQ(r.error().message, v.at("expected_message").get<std::string>());
}

TEST(OperatorSide, MessagesInTheOperatorsOrder) {
  const auto doc = load_json("uid2_operator.json");
  const auto& m = doc.at("messages");
  auto key = uid2::make_key(doc.at("valid_request").at("secret_b64").get<std::string>()).value();
  const std::int64_t now = 1710907366130;
  std::vector<std::uint8_t> scratch;
  auto open = [&](std::string_view body, uid2::flavour f = uid2::flavour::uid2) {
    return tokenmint::testing::open_request(key, body, now, f, scratch);
  };
  auto starts = [](const std::string& s, const nlohmann::json& prefix) { return s.rfind(prefix.get<std::string>(), 0) == 0; };

  auto missing = open("");
  EXPECT_EQ(missing.error().code, errc::body_missing);
  EXPECT_EQ(missing.error().message, m.at("missing").get<std::string>());

  auto not_b64 = open("test string");
  EXPECT_EQ(not_b64.error().code, errc::invalid_base64);
  EXPECT_TRUE(starts(not_b64.error().message, m.at("not_base64_prefix")));
  EXPECT_NE(not_b64.error().message.find(m.at("docs_uid2").get<std::string>()), std::string::npos);

  const std::string plain = R"({"email_hash": "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=", "version": 2})";
  auto unenc = open(base64::encode(plain));
  EXPECT_EQ(unenc.error().code, errc::unencrypted_payload);
  EXPECT_EQ(unenc.error().message, m.at("unencrypted_uid2").get<std::string>());
  EXPECT_EQ(open(base64::encode(std::string(R"({"version": 2})"))).error().code,
            errc::unencrypted_payload);  // before "too short"
  EXPECT_EQ(open(R"({"email_hash": "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="})").error().code, errc::unencrypted_payload);
  auto euid = open(R"({"email_hash": "x"})", uid2::flavour::euid);
  EXPECT_NE(euid.error().message.find(m.at("docs_euid").get<std::string>()), std::string::npos);

  auto short_body = open("dGVzdA==");
  EXPECT_EQ(short_body.error().code, errc::envelope_too_short);
  EXPECT_TRUE(starts(short_body.error().message, m.at("too_short_prefix")));

  auto version = open(base64::encode(std::vector<std::uint8_t>(64, 2)));
  EXPECT_EQ(version.error().code, errc::envelope_version);
  EXPECT_TRUE(starts(version.error().message, m.at("version_2_prefix")));

  auto wrong = uid2::make_key(doc.at("wrong_secret_b64").get<std::string>()).value();
  auto wrong_key = tokenmint::testing::open_request(wrong, doc.at("valid_request").at("body").get<std::string>(), now,
                                                    uid2::flavour::uid2, scratch);
  EXPECT_EQ(wrong_key.error().code, errc::authentication_failed);
  EXPECT_TRUE(starts(wrong_key.error().message, m.at("wrong_key_prefix")));
  EXPECT_NE(wrong_key.error().message.find(m.at("docs_uid2").get<std::string>()), std::string::npos);
}

TEST(OperatorSide, TimestampWindowMatchesJavaDurationArithmetic) {
  auto key = uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=").value();
  const std::int64_t now = 1'700'000'000'000;
  // d = now - ts. Accepted iff -119000 <= d < 120000 (floored seconds, truncated minutes).
  const std::pair<std::int64_t, bool> cases[] = {
      {0, true},      {119'999, true}, {120'000, false},   {-119'000, true},    {-119'001, false},
      {60'000, true}, {-60'000, true}, {3'600'000, false}, {-3'600'000, false},
  };
  for (const auto& [d, ok] : cases) {
    uid2::request_params p{};
    p.timestamp_ms = now - d;
    const std::string body = uid2::seal_request(key, p, R"({"email":"a@b.c"})").value();
    std::vector<std::uint8_t> scratch;
    auto r = tokenmint::testing::open_request(key, body, now, uid2::flavour::uid2, scratch);
    EXPECT_EQ(r.has_value(), ok) << "d=" << d;
    if (!ok) {
      EXPECT_EQ(r.error().code, errc::timestamp_out_of_window);
      EXPECT_EQ(r.error().message, "Invalid timestamp: Request too old or client time drift.");
    }
  }
  // Extreme timestamps do not overflow.
  for (std::int64_t ts : {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    uid2::request_params p{};
    p.timestamp_ms = ts;
    std::vector<std::uint8_t> scratch;
    auto r = tokenmint::testing::open_request(key, uid2::seal_request(key, p, "{}").value(), now, uid2::flavour::uid2, scratch);
    EXPECT_EQ(r.error().code, errc::timestamp_out_of_window);
  }
}

TEST(OperatorSide, EmptyPayloadAndNonObjects) {
  auto key = uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=").value();
  uid2::request_params p{};
  p.timestamp_ms = 1000;
  std::vector<std::uint8_t> scratch;
  auto empty = tokenmint::testing::open_request(key, uid2::seal_request(key, p, "").value(), 1000, uid2::flavour::uid2, scratch);
  ASSERT_TRUE(empty);  // exactly 45 bytes: the operator sees no payload
  EXPECT_TRUE(empty->json.empty());
  for (const char* bad : {"[1]", "\"s\"", "{\"a\":1} x", "{", "null"}) {
    auto r = tokenmint::testing::open_request(key, uid2::seal_request(key, p, bad).value(), 1000, uid2::flavour::uid2, scratch);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, "Invalid payload in body: Data is not valid json string.") << bad;
  }
}

TEST(OperatorSide, EveryFlippedByteIsRejected) {
  const auto v = request_vectors().front();
  auto key = uid2::make_key(v.at("secret_b64").get<std::string>()).value();
  const auto good = base64::decode(v.at("expected_envelope_b64").get<std::string>()).value();
  const std::int64_t now = v.at("timestamp_ms").get<std::int64_t>();
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x80;
    std::vector<std::uint8_t> scratch;
    auto r = tokenmint::testing::open_request(key, base64::encode(bad), now, uid2::flavour::uid2, scratch);
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().code, i == 0 ? errc::envelope_version : errc::authentication_failed) << i;
    EXPECT_FALSE(contains(scratch, "test@example.com")) << i;
  }
}

// A million envelopes under one key: no IV and no nonce repeats, and the key counts them.
TEST(Envelope, MillionEnvelopesNoRepeatedIvOrNonce) {
  auto key = uid2::make_key("ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=").value();
  const std::string json = R"({"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="})";
  constexpr std::size_t count = 1'000'000;
  std::vector<std::array<std::uint8_t, 12>> ivs;
  std::vector<std::uint64_t> nonces;
  ivs.reserve(count);
  nonces.reserve(count);
  std::string out(uid2::sealed_request_size(json.size()), '\0');
  for (std::size_t i = 0; i < count; ++i) {
    auto p = uid2::make_request_params(1667885597644).value();
    ASSERT_TRUE(uid2::seal_request(key, p, json, std::span<char>(out.data(), out.size())));
    // The first 20 characters encode bytes 0..14: version, IV and two ciphertext bytes.
    std::array<std::uint8_t, 15> head{};
    ASSERT_TRUE(base64::decode(std::string_view(out).substr(0, 20), std::span<std::uint8_t>(head)));
    std::array<std::uint8_t, 12> iv{};
    std::copy(head.begin() + 1, head.begin() + 13, iv.begin());
    ivs.push_back(iv);
    std::uint64_t n = 0;
    std::memcpy(&n, p.nonce.data(), 8);
    nonces.push_back(n);
  }
  EXPECT_EQ(key.sealed_count(), count);
  std::sort(ivs.begin(), ivs.end());
  std::sort(nonces.begin(), nonces.end());
  EXPECT_EQ(std::adjacent_find(ivs.begin(), ivs.end()), ivs.end()) << "an IV repeated";
  EXPECT_EQ(std::adjacent_find(nonces.begin(), nonces.end()), nonces.end()) << "a nonce repeated";
}
