// core/: errc, error, result, secret, clocks.
#include <tokenmint/core/clock.hpp>
#include <tokenmint/core/errc.hpp>
#include <tokenmint/core/error.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <thread>

using namespace tokenmint;

TEST(Errc, CategoryNamesAndMessages) {
  const std::error_code ec = errc::nonce_mismatch;
  EXPECT_EQ(std::string(ec.category().name()), "tokenmint");
  EXPECT_EQ(ec.message(), "nonce mismatch");
  EXPECT_EQ(&ec.category(), &category());
  // Every enumerator has its own message (no fall-through to "unknown").
  for (int v = static_cast<int>(errc::invalid_argument); v <= static_cast<int>(errc::invalid_app_name); ++v)
    EXPECT_NE(category().message(v), "unknown tokenmint error") << v;
  EXPECT_EQ(category().message(9999), "unknown tokenmint error");
}

TEST(Error, DescribeCarriesDiagnostics) {
  error e{errc::invalid_argument, "email: no '@'"};
  e.diag.http_status = 400;
  e.diag.service_status = "client_error";
  e.diag.service_message = "Invalid Identifier";
  e.diag.correlation_id = "abc-123";
  const std::string d = e.describe();
  EXPECT_NE(d.find("email: no '@'"), std::string::npos);
  EXPECT_NE(d.find("HTTP 400"), std::string::npos);
  EXPECT_NE(d.find("status=client_error"), std::string::npos);
  EXPECT_NE(d.find("message=\"Invalid Identifier\""), std::string::npos);
  EXPECT_NE(d.find("correlation_id=abc-123"), std::string::npos);
  EXPECT_TRUE(e == errc::invalid_argument);
  std::ostringstream os;
  os << e;
  EXPECT_EQ(os.str(), d);
}

TEST(Result, ValueAndError) {
  result<int> ok = 42;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 42);
  EXPECT_EQ(ok.value(), 42);
  EXPECT_EQ(ok.value_or(7), 42);

  result<int> bad = error{errc::invalid_hex, "iv: odd number of digits"};
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::invalid_hex);
  EXPECT_EQ(bad.value_or(7), 7);
  try {
    (void)bad.value();
    FAIL() << "value() did not throw";
  } catch (const error_with_diagnostics& ex) {
    EXPECT_EQ(ex.code(), make_error_code(errc::invalid_hex));
    EXPECT_EQ(ex.get().message, "iv: odd number of digits");
    EXPECT_NE(std::string(ex.what()).find("iv: odd number of digits"), std::string::npos);
  }
  // error_with_diagnostics is a std::system_error, for code that catches the standard type.
  EXPECT_THROW((void)bad.value(), std::system_error);
}

TEST(Result, StringAndMoveOnly) {
  result<std::string> s = std::string("abc");
  EXPECT_EQ(*s, "abc");
  result<std::unique_ptr<int>> p = std::make_unique<int>(5);
  std::unique_ptr<int> taken = std::move(p).value();
  EXPECT_EQ(*taken, 5);
  result<std::string> e = errc::invalid_key;
  EXPECT_FALSE(e);
  EXPECT_EQ(e.error().code, errc::invalid_key);
}

TEST(Result, Void) {
  result<void> ok;
  EXPECT_TRUE(ok);
  EXPECT_NO_THROW(ok.value());
  result<void> bad = error{errc::invalid_phone, "phone: too short"};
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "phone: too short");
  EXPECT_THROW(bad.value(), error_with_diagnostics);
}

TEST(Secret, NeverPrintedInClear) {
  const secret_string s{std::string("sk-live-abcdefghijklmnopqrstuvwxyz")};
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
  EXPECT_EQ(to_string(s), "<redacted>");
  EXPECT_EQ(os.str().find("sk-live"), std::string::npos);
  EXPECT_EQ(s.reveal(), "sk-live-abcdefghijklmnopqrstuvwxyz");
}

TEST(Secret, MoveLeavesSourceEmpty) {
  secret_string a{std::string("short")};  // inline (SSO) storage: the case a plain move would leave behind
  secret_string b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract is that it is wiped
  EXPECT_EQ(b.reveal(), "short");
  secret_string c;
  c = std::move(b);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(c.reveal(), "short");
}

TEST(Secret, StorageIsWipedOnDestruction) {
  // Construct a fixed-size secret in storage we own, destroy it, and look at the bytes left behind.
  alignas(secret_bytes<32>) unsigned char storage[sizeof(secret_bytes<32>)];
  std::array<std::uint8_t, 32> key{};
  key.fill(0xA5);
  auto* s = new (storage) secret_bytes<32>(key);
  EXPECT_EQ(s->reveal()[0], 0xA5);
  s->~secret_bytes<32>();
  for (unsigned char b : storage) EXPECT_EQ(b, 0) << "secret bytes survived destruction";
}

TEST(Secret, WipeOverwritesHeapString) {
  secret_string s{std::string(64, 'k')};  // heap-allocated string
  const char* data = s.reveal().data();
  std::array<char, 64> seen{};
  s.wipe();
  // The buffer still belongs to the (now empty) string, so reading it is defined here.
  std::memcpy(seen.data(), data, seen.size());
  for (char c : seen) EXPECT_NE(c, 'k');
  EXPECT_TRUE(s.empty());
}

TEST(Clock, FixedClockMovesOnlyWhenTold) {
  fixed_clock c{1667885597644};
  EXPECT_EQ(c.now_ms(), 1667885597644);
  c.advance(std::chrono::seconds(2));
  EXPECT_EQ(c.now_ms(), 1667885599644);
  c.set(5);
  EXPECT_EQ(c.now_ms(), 5);
  const tokenmint::clock& as_base = c;  // qualified: ::clock from <ctime> is visible too
  EXPECT_EQ(as_base.now_ms(), 5);
}

TEST(Clock, SystemClockIsWallTime) {
  const auto before =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t got = default_clock().now_ms();
  const auto after =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GE(got, before);
  EXPECT_LE(got, after);
}

// Credentials from the environment: an unset or empty variable is an error naming it, not a crash.
TEST(Secret, FromTheEnvironment) {
  ASSERT_EQ(::setenv("TOKENMINT_TEST_SECRET", "s3cr3t", 1), 0);
  auto s = secret_from_env("TOKENMINT_TEST_SECRET");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->reveal(), "s3cr3t");
  ASSERT_EQ(::unsetenv("TOKENMINT_TEST_SECRET"), 0);
  auto unset = secret_from_env("TOKENMINT_TEST_SECRET");
  ASSERT_FALSE(unset);
  EXPECT_EQ(unset.error(), errc::invalid_argument);
  EXPECT_EQ(unset.error().message, "environment variable TOKENMINT_TEST_SECRET is not set");
  ASSERT_EQ(::setenv("TOKENMINT_TEST_SECRET", "", 1), 0);
  EXPECT_FALSE(secret_from_env("TOKENMINT_TEST_SECRET"));
  EXPECT_FALSE(secret_from_env(nullptr));
}

// A body no parser understood (a proxy's HTML error page) shows in logs as a bounded, printable
// prefix; a JSON body does not (its fields are shown, and it may echo a credential).
TEST(Error, DescribeShowsABoundedPrefixOfANonJsonBody) {
  diagnostics d;
  d.http_status = 502;
  d.raw_body = "\r\n<html><body>Bad \"Gateway\"\x01</body></html>" + std::string(300, 'x');
  const std::string s = error{errc::service_error, "hubspot create_visitor_token: HTTP 502", d}.describe();
  EXPECT_NE(s.find(R"( body="<html><body>Bad ?Gateway??</body></html>xxx)"), std::string::npos) << s;
  EXPECT_NE(s.find("...\""), std::string::npos) << s;
  EXPECT_LT(s.size(), 400u) << s;
  d.raw_body = R"({"access_token":"eyJsecret"})";
  const std::string j = error{errc::service_error, "x", d}.describe();
  EXPECT_EQ(j.find("eyJsecret"), std::string::npos) << j;
  EXPECT_EQ(j.find(" body="), std::string::npos) << j;
}
