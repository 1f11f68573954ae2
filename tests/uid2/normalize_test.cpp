// uid2/normalize: the shared vectors and the protocol page's table.
#include <tokenmint/uid2/normalize.hpp>

#include "../common/test_data.hpp"

#include <gtest/gtest.h>

using namespace tokenmint;
using tokenmint::test::load_json;

namespace {
void check_rows(const nlohmann::json& rows) {
  for (const auto& row : rows) {
    const std::string in = row.at("input").get<std::string>();
    auto n = uid2::normalize_email(in);
    ASSERT_TRUE(n) << in << ": " << n.error();
    EXPECT_EQ(*n, row.at("normalized").get<std::string>()) << in;
    auto h = uid2::hash_email(in);
    ASSERT_TRUE(h);
    EXPECT_EQ(*h, row.at("hash_b64").get<std::string>()) << in;
  }
}
}  // namespace

TEST(Normalize, SharedEmailVectors) { check_rows(load_json("uid2.json").at("email_normalization")); }

TEST(Normalize, ProtocolTableRows) { check_rows(load_json("uid2_normalization_extra.json").at("email_normalization")); }

TEST(Normalize, HashingWithoutNormalizingIsWrong) {
  const auto v = load_json("uid2_normalization_extra.json").at("unnormalized_hash");
  const std::string in = v.at("input").get<std::string>();
  EXPECT_EQ(uid2::hash_identity(in).value(), v.at("wrong_hash_b64").get<std::string>());
  EXPECT_NE(uid2::hash_email(in).value(), v.at("wrong_hash_b64").get<std::string>());
}

TEST(Normalize, InvalidEmails) {
  auto all = load_json("uid2.json").at("invalid_emails");
  const auto extra = load_json("uid2_normalization_extra.json");  // named: a temporary would die before the loop body
  for (const auto& e : extra.at("invalid_emails")) all.push_back(e);
  for (const auto& e : all) {
    const std::string in = e.get<std::string>();
    auto r = uid2::normalize_email(in);
    ASSERT_FALSE(r) << "'" << in << "' was accepted as " << *r;
    EXPECT_EQ(r.error().code, errc::invalid_email);
    EXPECT_EQ(r.error().message.rfind("email: ", 0), 0u);
    if (in.size() > 3) {
      EXPECT_EQ(r.error().message.find(in), std::string::npos) << "error echoes the address";
    }
    EXPECT_FALSE(uid2::hash_email(in));
  }
}

TEST(Normalize, EmailReasons) {
  EXPECT_EQ(uid2::normalize_email("no-at-sign").error().message, "email: no '@'");
  EXPECT_EQ(uid2::normalize_email("a@b@c").error().message, "email: more than one '@'");
  EXPECT_EQ(uid2::normalize_email("a@   ").error().message, "email: empty domain");
  EXPECT_EQ(uid2::normalize_email(".+x@gmail.com").error().message, "email: empty local part");
  EXPECT_EQ(uid2::normalize_email("a\xff@b.com").error().message, "email: not valid UTF-8 at byte 1");
  // Domain spaces: interior kept, trailing dropped, leading kept when a non-space follows.
  EXPECT_EQ(uid2::normalize_email("a@ b c ").value(), "a@ b c");
  // gmail rules apply only to exactly gmail.com.
  EXPECT_EQ(uid2::normalize_email("a.b+c@googlemail.com").value(), "a.b+c@googlemail.com");
}

TEST(Normalize, Phones) {
  const auto doc = load_json("uid2.json");
  for (const auto& p : doc.at("valid_phones")) EXPECT_TRUE(uid2::validate_phone(p.get<std::string>())) << p;
  auto invalid = doc.at("invalid_phones");
  const auto extra = load_json("uid2_normalization_extra.json");
  for (const auto& p : extra.at("invalid_phones")) invalid.push_back(p);
  for (const auto& p : invalid) {
    auto r = uid2::validate_phone(p.get<std::string>());
    ASSERT_FALSE(r) << p;
    EXPECT_EQ(r.error().code, errc::invalid_phone);
    EXPECT_FALSE(uid2::hash_phone(p.get<std::string>()));
  }
  const auto& ph = doc.at("phone_hash");
  EXPECT_EQ(uid2::hash_phone(ph.at("phone").get<std::string>()).value(), ph.at("hash_b64").get<std::string>());
  EXPECT_EQ(uid2::validate_phone("+123456789").error().message, "phone: expected 10 to 15 digits after '+', got 9");
  EXPECT_EQ(uid2::validate_phone("12345678901").error().message, "phone: must start with '+' (E.164, e.g. +12345678901)");
  EXPECT_EQ(uid2::validate_phone("+1234 567890").error().message, "phone: only digits may follow '+' (offset 5)");
}

TEST(Normalize, PrecomputedHashes) {
  const auto v = load_json("uid2_normalization_extra.json").at("hex_hash");
  EXPECT_EQ(uid2::normalize_hash(v.at("hex").get<std::string>(), "email_hash").value(), v.at("b64").get<std::string>());
  EXPECT_EQ(uid2::normalize_hash(v.at("b64").get<std::string>(), "email_hash").value(), v.at("b64").get<std::string>());
  for (const char* bad : {"", "abc", "user@example.com", "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ!",
                          "g4c9a289323b21a01c3e940f150eb9b8c542587f1abfd8f0e1cc1ffc5e475514"}) {
    auto r = uid2::normalize_hash(bad, "phone_hash");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, errc::invalid_argument);
    EXPECT_EQ(r.error().message.rfind("phone_hash: ", 0), 0u);
  }
}
