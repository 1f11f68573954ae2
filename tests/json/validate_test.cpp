// json/validate: RFC 8259 grammar, UTF-8, depth limit.
#include <tokenmint/json/validate.hpp>

#include <gtest/gtest.h>

#include <string>

using namespace tokenmint;

TEST(JsonValidate, AcceptsValidDocuments) {
  const char* ok[] = {
      "{}",
      "[]",
      "0",
      "-0",
      "1.5e10",
      "-1.25E-3",
      "1E+2",
      "\"\"",
      "true",
      "false",
      "null",
      " \t\r\n{} \n",
      R"({"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude0a\"\\\/\b\f\n\r\t"})",
      "[[[[[]]]]]",
      R"({"":0})",
      "\"caf\xc3\xa9\"",
      "123456789012345678901234567890",
      R"({"a":1,"a":2})",
  };
  for (const char* s : ok) EXPECT_TRUE(json::validate(s)) << s;
}

TEST(JsonValidate, RejectsInvalidDocumentsWithOffset) {
  struct bad {
    const char* in;
    const char* msg;
  };
  const bad cases[] = {
      {"", "unexpected end of input at offset 0"},
      {" ", "unexpected end of input at offset 1"},
      {"{", "expected member name string at offset 1"},
      {"[1,]", "expected a value at offset 3"},
      {R"({"a":1,})", "expected member name string at offset 7"},
      {"01", "leading zero in number at offset 1"},
      {"1.", "expected digit after decimal point at offset 2"},
      {".5", "expected a value at offset 0"},
      {"1e", "expected digit in exponent at offset 2"},
      {"+1", "expected a value at offset 0"},
      {"{} x", "trailing characters after the value at offset 3"},
      {"[1 2]", "expected ',' or ']' at offset 3"},
      {R"({"a" 1})", "expected ':' at offset 5"},
      {"\"a\tb\"", "control character in string at offset 2"},
      {R"("\x")", "invalid escape at offset 2"},
      {R"("\ud800")", "unpaired surrogate in \\u escape at offset 7"},
      {R"("\udc00")", "unpaired surrogate in \\u escape at offset 7"},
      {R"("\u12")", "truncated \\u escape at offset 3"},
      {"\"\xff\"", "invalid UTF-8 in string at offset 1"},
      {"tru", "invalid literal at offset 0"},
      {"NaN", "expected a value at offset 0"},
      {"{'a':1}", "expected member name string at offset 1"},
      {"\"abc", "unterminated string at offset 4"},
  };
  for (const auto& c : cases) {
    auto r = json::validate(c.in);
    ASSERT_FALSE(r) << c.in;
    EXPECT_EQ(r.error().code, errc::invalid_json);
    EXPECT_EQ(r.error().message, c.msg) << c.in;
  }
}

TEST(JsonValidate, DepthLimitIsAnErrorNotACrash) {
  const std::string deep(100000, '[');
  auto r = json::validate(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "nesting deeper than the limit at offset 128");
  std::string ok = std::string(128, '[') + std::string(128, ']');
  EXPECT_TRUE(json::validate(ok));
  EXPECT_FALSE(json::validate(std::string(129, '[') + std::string(129, ']')));
}

TEST(JsonValidate, IsObject) {
  EXPECT_TRUE(json::is_object(R"( {"email":"a@b.com"} )"));
  EXPECT_FALSE(json::is_object("[1]"));
  EXPECT_FALSE(json::is_object(R"({"a":})"));
  EXPECT_FALSE(json::is_object(""));
}
