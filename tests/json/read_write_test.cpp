// json::read / json::write: every supported type, errors with path and offset, options, and round
// trips through models shaped like the services' own.
#include <tokenmint/json/json.hpp>

#include "../common/models.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

using namespace tokenmint;
using test::alterian_get_tokens_response;
using test::hubspot_error;
using test::uid2_generate_response;
using test::uid2_status;

namespace {

template <class T>
std::string read_error(std::string_view text, const json::read_options& opt = {}) {
  auto r = json::read<T>(text, opt);
  if (r.has_value()) return "(no error)";
  EXPECT_EQ(r.error().code, make_error_code(errc::invalid_json));
  return r.error().message;
}

std::string at(std::string_view doc, std::string_view needle) {
  const auto pos = doc.find(needle);
  EXPECT_NE(pos, std::string_view::npos) << needle;
  return " at offset " + std::to_string(pos);
}

struct scalars {
  bool b = false;
  std::int8_t i8 = 0;
  std::uint8_t u8 = 0;
  std::int16_t i16 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::uint32_t u32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  double d = 0;
  float f = 0;
  std::string s;
  bool operator==(const scalars&) const = default;
};

struct containers {
  std::vector<int> v;
  std::array<std::string, 2> a;
  std::map<std::string, std::vector<bool>> m;
  std::optional<std::vector<std::optional<int>>> ov;
  bool operator==(const containers&) const = default;
};

struct with_raw {
  std::string id;
  json::raw identity;
  json::value extra;
  bool operator==(const with_raw&) const = default;
};

struct outer {
  struct inner {
    std::int64_t refresh_from = 0;
    bool operator==(const inner&) const = default;
  };
  std::vector<inner> items;
  inner body;
  bool operator==(const outer&) const = default;
};

struct cached_model {
  std::string a;
  std::string cache;
};

struct just_string {
  std::string s;
};
struct credential_holder {
  secret_string token;
  std::optional<secret_string> refresh;
};

struct just_double {
  double d = 0;
};

const std::string uid2_doc =
    R"({"body":{"advertising_token":"A4AAAABlh75XmviGJi-hkLGII9yexatkz3sAxlGGYcmGKnXV","refresh_token":"AAAAAQ3W+6ZNzEZkxSWNdKvT","identity_expires":1633643601000,"refresh_expires":1636322000000,"refresh_from":1633643001000,"refresh_response_key":"yptCUTBoZm1ffosgCrmuwg=="},"status":"success"})";

const std::string hubspot_doc =
    R"({"category":"VALIDATION_ERROR","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","message":"Invalid input","context":{"missingScopes":["scope1","scope2"],"n":1.5},"links":{"knowledge-base":"https://www.hubspot.com/kb"},"errors":[{"message":"bad email","in":"email","code":"INVALID_EMAIL","context":{"email":["x@"]}}],"policyName":"TEN_SECONDLY_ROLLING"})";

const std::string alterian_doc =
    R"({"StatusCode":"Success","DebugMessage":"","Detail":[["Detail","Detail"],[],["x"]],"Cursor":{"From":0,"To":6,"Total":1,"SortDescending":true,"SortProperty":"Created"},"Result":[{"ID":0,"LoginID":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","Token":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","TimezoneID":6,"UserID":1,"ClientID":5,"LastActivity":"2000-01-23T04:56:07+00:00","Created":"2000-01-23T04:56:07+00:00","Culture":"en-GB","IsStatic":true,"IsSAtoken":false}]})";

}  // namespace

template <>
struct tokenmint::json::meta<cached_model> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::string_view skip[] = {"cache"};
};

// ---- models shaped like the real ones -------------------------------------------------------------

TEST(JsonModels, Uid2GenerateResponse) {
  auto r = json::read<uid2_generate_response>(uid2_doc);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->body.has_value());
  EXPECT_EQ(r->status, uid2_status::success);
  EXPECT_EQ(r->body->advertising_token, "A4AAAABlh75XmviGJi-hkLGII9yexatkz3sAxlGGYcmGKnXV");
  EXPECT_EQ(r->body->identity_expires, 1633643601000);
  EXPECT_EQ(r->body->refresh_from, 1633643001000);
  EXPECT_EQ(r->body->refresh_response_key, "yptCUTBoZm1ffosgCrmuwg==");
  EXPECT_FALSE(r->message.has_value());
  EXPECT_EQ(json::write(*r), uid2_doc) << "canonical input writes back byte for byte";

  auto optout = json::read<uid2_generate_response>(R"({"status":"optout"})");
  ASSERT_TRUE(optout);
  EXPECT_EQ(optout->status, uid2_status::optout);
  EXPECT_FALSE(optout->body.has_value());

  const std::string bad_status = R"({"status":"maybe"})";
  EXPECT_EQ(read_error<uid2_generate_response>(bad_status), "status: unknown enum value" + at(bad_status, "\"maybe"));
}

TEST(JsonModels, HubspotErrorCamelCase) {
  auto r = json::read<hubspot_error>(hubspot_doc);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->correlation_id, "aeb5f871-7f07-4993-9211-075dc63e7cbf");
  EXPECT_EQ(r->policy_name, "TEN_SECONDLY_ROLLING");
  ASSERT_TRUE(r->context.has_value());
  const json::value* scopes = r->context->find("missingScopes");
  ASSERT_NE(scopes, nullptr);
  ASSERT_NE(scopes->if_array(), nullptr);
  EXPECT_EQ(*(*scopes->if_array())[1].if_string(), "scope2");
  EXPECT_EQ(r->context->find("n")->if_number()->to_double(), 1.5);
  ASSERT_TRUE(r->errors.has_value());
  EXPECT_EQ((*r->errors)[0].in, "email");
  EXPECT_EQ((*r->errors)[0].context->at("email")[0], "x@");
  EXPECT_EQ(r->links->at("knowledge-base"), "https://www.hubspot.com/kb");
  EXPECT_EQ(json::write(*r), hubspot_doc);
  EXPECT_EQ(json::read<hubspot_error>(json::write(*r)).value(), *r);
}

TEST(JsonModels, AlterianGetTokensPascalCase) {
  auto r = json::read<alterian_get_tokens_response>(alterian_doc);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status_code, "Success");
  ASSERT_TRUE(r->detail.has_value());
  ASSERT_EQ(r->detail->size(), 3u);
  EXPECT_EQ((*r->detail)[0][1], "Detail");
  EXPECT_TRUE((*r->detail)[1].empty());
  EXPECT_EQ(r->cursor->to, 6);
  EXPECT_EQ(r->cursor->sort_descending, true);
  ASSERT_EQ(r->result->size(), 1u);
  const auto& t = (*r->result)[0];
  EXPECT_EQ(t.id, 0);
  EXPECT_EQ(t.login_id, "046b6c7f-0b8a-43b9-b35d-6489e6daee91");
  EXPECT_EQ(t.client_id, 5);
  EXPECT_EQ(t.is_sa_token, false);
  EXPECT_EQ(json::write(*r), alterian_doc);

  const std::string wrong = R"({"Detail":[["a"],["b",3]]})";
  EXPECT_EQ(read_error<alterian_get_tokens_response>(wrong), "Detail[1][1]: expected string" + at(wrong, "3]"));
}

TEST(JsonModels, RoundTripEveryModel) {
  uid2_generate_response u{test::uid2_identity{"adv\"\\\n\x01", "ref", 1, -2, INT64_MAX, "k"}, uid2_status::client_error,
                           "msg \xe2\x82\xac"};
  EXPECT_EQ(json::read<uid2_generate_response>(json::write(u)).value(), u);

  hubspot_error h{"RATE_LIMITS",
                  "id",
                  "slow down",
                  std::nullopt,
                  json::value(json::value::object_type{{"k", 1}}),
                  std::map<std::string, std::string>{{"a", "b"}},
                  std::vector<test::hubspot_error_detail>{{"m", "in", std::nullopt, "sub", std::nullopt}},
                  "DAILY"};
  EXPECT_EQ(json::read<hubspot_error>(json::write(h)).value(), h);

  alterian_get_tokens_response a{
      "OK", std::nullopt, std::vector<std::vector<std::string>>{{}, {"x", ""}},
      test::alterian_cursor{0, 10, 99, false, "Created"},
      std::vector<test::alterian_token_information>{{1, std::nullopt, "t", 2, 3, 4, "l", "c", "en", true, false}}};
  EXPECT_EQ(json::read<alterian_get_tokens_response>(json::write(a)).value(), a);

  scalars s{true, -128, 255, -32768, 65535, INT32_MIN, UINT32_MAX, INT64_MIN, UINT64_MAX, 0.1, 1.5f, "\x7f"};
  EXPECT_EQ(json::read<scalars>(json::write(s)).value(), s);

  containers c{{1, 2, 3}, {"x", "y"}, {{"k", {true, false}}}, std::vector<std::optional<int>>{1, std::nullopt, 3}};
  EXPECT_EQ(json::read<containers>(json::write(c)).value(), c);

  with_raw w{"id", json::raw{R"({"a": [1, 2]})"}, json::value(json::value::array_type{nullptr, true, "s"})};
  EXPECT_EQ(json::read<with_raw>(json::write(w)).value(), w);
}

// ---- scalars ------------------------------------------------------------------------------------------

// Credentials read from and written to the wire as plain JSON strings (escapes decoded), held as
// secrets in between: never printed by the model's streaming paths.
TEST(JsonRead, SecretStringsHoldCredentials) {
  auto r = json::read<credential_holder>(R"({"token":"eyJ\u0041.b\/c","refresh":null})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->token.reveal(), "eyJA.b/c");
  EXPECT_FALSE(r->refresh);
  EXPECT_EQ(to_string(r->token), "<redacted>");
  EXPECT_EQ(json::write(*r), R"({"token":"eyJA.b/c"})");
  r->refresh = secret_string(std::string("rt-1"));
  EXPECT_EQ(json::write(*r), R"({"token":"eyJA.b/c","refresh":"rt-1"})");
  auto wrong = json::read<credential_holder>(R"({"token":12})");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("token"), std::string::npos) << wrong.error().message;
  EXPECT_NE(wrong.error().message.find("expected string"), std::string::npos) << wrong.error().message;
  EXPECT_FALSE(json::read<credential_holder>(R"({"token":"bad \ud800 surrogate"})"));
  EXPECT_FALSE(json::read<credential_holder>(R"({"refresh":"x"})"));  // token is required
}

TEST(JsonRead, IntegersAreExactAtEveryWidth) {
  const std::string doc = R"({"b":true,"i8":-128,"u8":255,"i16":-32768,"u16":65535,"i32":-2147483648,"u32":4294967295,)"
                          R"("i64":-9223372036854775808,"u64":18446744073709551615,"d":-0.0,"f":3.25,"s":""})";
  auto r = json::read<scalars>(doc);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->i8, -128);
  EXPECT_EQ(r->u8, 255);
  EXPECT_EQ(r->i16, -32768);
  EXPECT_EQ(r->u16, 65535);
  EXPECT_EQ(r->i32, INT32_MIN);
  EXPECT_EQ(r->u32, UINT32_MAX);
  EXPECT_EQ(r->i64, INT64_MIN);
  EXPECT_EQ(r->u64, UINT64_MAX);
  EXPECT_TRUE(std::signbit(r->d));
  EXPECT_EQ(r->f, 3.25f);

  struct c {
    const char* member;
    const char* value;
  };
  const c out_of_range[] = {{"i8", "128"},
                            {"i8", "-129"},
                            {"u8", "256"},
                            {"u8", "-1"},
                            {"i16", "32768"},
                            {"u16", "65536"},
                            {"i32", "2147483648"},
                            {"u32", "4294967296"},
                            {"i64", "9223372036854775808"},
                            {"i64", "-9223372036854775809"},
                            {"u64", "18446744073709551616"},
                            {"u64", "99999999999999999999999"}};
  for (const auto& [member, value] : out_of_range) {
    const std::string d = std::string("{\"") + member + "\":" + value + "}";
    EXPECT_EQ(read_error<scalars>(d),
              std::string(member) + ": integer out of range at offset " + std::to_string(std::string_view(member).size() + 4))
        << d;
  }
  EXPECT_TRUE(
      json::read<scalars>(R"({"b":false,"i8":0,"u8":-0,"i16":0,"u16":0,"i32":0,"u32":0,"i64":0,"u64":0,"d":0,"f":0,"s":""})"));
  for (const char* frac : {"1.0", "1e2", "1E0", "-0.5", "0e0"}) {
    const std::string d = std::string(R"({"i32":)") + frac + "}";
    EXPECT_EQ(read_error<scalars>(d), "i32: expected integer, got a fraction or exponent at offset 7") << d;
  }
  EXPECT_EQ(read_error<scalars>(R"({"i32":"1"})"), "i32: expected integer at offset 7");
  EXPECT_EQ(read_error<scalars>(R"({"i32":01})"), "i32: leading zero in number at offset 8");
  EXPECT_EQ(read_error<scalars>(R"({"b":1})"), "b: expected true or false at offset 5");
  EXPECT_EQ(read_error<scalars>(R"({"b":tru})"), "b: invalid literal at offset 5");
}

TEST(JsonRead, DoublesAreCorrectlyRounded) {
  auto d = [](std::string_view num) {
    auto r = json::read<just_double>("{\"d\":" + std::string(num) + "}");
    EXPECT_TRUE(r) << num;
    return r ? r->d : std::nan("");
  };
  EXPECT_EQ(d("0.1"), 0.1);
  EXPECT_EQ(d("1e308"), 1e308);
  EXPECT_EQ(d("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(d("5e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(d("2.2250738585072011e-308"), 2.2250738585072011e-308);
  EXPECT_EQ(d("9007199254740993"), 9007199254740992.0) << "ties to even";
  EXPECT_EQ(d("123456789012345678901234567890"), 1.2345678901234568e29);
  EXPECT_EQ(d("-12.5E+2"), -1250.0);
  EXPECT_EQ(d("1e-400"), 0.0) << "underflow is the nearest double: zero";
  EXPECT_TRUE(std::signbit(d("-1e-400")));
  EXPECT_EQ(d("0.0000000000000000000000000000001e-300"), 0.0);
  EXPECT_EQ(read_error<just_double>(R"({"d":1e400})"), "d: number out of range at offset 5");
  EXPECT_EQ(read_error<just_double>(R"({"d":-1.8e308})"), "d: number out of range at offset 5");
  EXPECT_EQ(read_error<just_double>(R"({"d":NaN})"), "d: expected number at offset 5");
  EXPECT_EQ(read_error<just_double>(R"({"d":1.})"), "d: expected digit after decimal point at offset 7");
}

TEST(JsonRead, StringsDecodeEveryEscapeAndCheckUtf8) {
  auto s = [](std::string_view lit) {
    auto r = json::read<just_string>("{\"s\":" + std::string(lit) + "}");
    EXPECT_TRUE(r) << lit << ": " << (r ? "" : r.error().message);
    return r ? r->s : std::string("<error>");
  };
  EXPECT_EQ(s(R"("\"\\\/\b\f\n\r\t")"), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(s(R"("\u0041\u00e9\u20AC")"), "A\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(s(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80") << "surrogate pair to one 4-byte sequence";
  EXPECT_EQ(s(R"("\uDBFF\uDFFF")"), "\xf4\x8f\xbf\xbf");
  EXPECT_EQ(s(R"("a\u0000b")"), std::string("a\0b", 3));
  EXPECT_EQ(s("\"caf\xc3\xa9 \xf0\x9f\x98\x80 \x7f\""), "caf\xc3\xa9 \xf0\x9f\x98\x80 \x7f");
  EXPECT_EQ(s("\"0123456789abcdef0123456789abcdef\\n0123456789\""), "0123456789abcdef0123456789abcdef\n0123456789");

  struct bad {
    std::string in;
    std::string msg;
  };
  const bad cases[] = {
      {R"("\ud800")", "unpaired surrogate in \\u escape at offset 6"},
      {R"("\udc00")", "unpaired surrogate in \\u escape at offset 6"},
      {R"("\ud800\u0041")", "unpaired surrogate in \\u escape at offset 6"},
      {R"("\ud800x")", "unpaired surrogate in \\u escape at offset 6"},
      {R"("\u12")", "invalid hex digit in \\u escape at offset 10"},
      {R"("\u12)", "truncated \\u escape at offset 8"},
      {R"("\u12g4")", "invalid hex digit in \\u escape at offset 10"},
      {R"("\a")", "invalid escape at offset 6"},
      {"\"a\tb\"", "control character in string at offset 7"},
      {"\"\xff\"", "invalid UTF-8 in string at offset 6"},
      {"\"\xc0\xaf\"", "invalid UTF-8 in string at offset 6"},
      {"\"\xed\xa0\x80\"", "invalid UTF-8 in string at offset 6"},
      {"\"\xf4\x90\x80\x80\"", "invalid UTF-8 in string at offset 6"},
      {"\"abc\xe2\x82\"", "invalid UTF-8 in string at offset 9"},
      {"\"abc", "unterminated string at offset 10"},
  };
  for (const auto& [in, msg] : cases) {
    const std::string doc = "{\"s\":" + in + "}";
    EXPECT_EQ(read_error<just_string>(doc), "s: " + msg) << doc;
  }
}

// ---- containers, optional, raw, value --------------------------------------------------------------------

TEST(JsonRead, Containers) {
  auto r = json::read<containers>(R"({"v":[1, 2 ,3],"a":["x","y"],"m":{"k":[true,false],"":[]},"ov":[1,null]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->v, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r->a[1], "y");
  EXPECT_EQ(r->m.at("k"), (std::vector<bool>{true, false}));
  EXPECT_TRUE(r->m.at("").empty());
  EXPECT_EQ(*r->ov, (std::vector<std::optional<int>>{1, std::nullopt}));

  const std::string few = R"({"v":[],"a":["x"],"m":{}})";
  EXPECT_EQ(read_error<containers>(few), "a: array has fewer elements than expected" + at(few, "[\"x"));
  const std::string many = R"({"v":[],"a":["x","y","z"],"m":{}})";
  EXPECT_EQ(read_error<containers>(many), "a: array has more elements than expected" + at(many, "[\"x"));
  const std::string trailing = R"({"v":[1,],"a":["x","y"],"m":{}})";
  EXPECT_EQ(read_error<containers>(trailing), "v[1]: expected integer" + at(trailing, "],"));
  const std::string no_comma = R"({"v":[1 2],"a":["x","y"],"m":{}})";
  EXPECT_EQ(read_error<containers>(no_comma), "v: expected ',' or ']'" + at(no_comma, "2]"));
  const std::string not_array = R"({"v":{},"a":["x","y"],"m":{}})";
  EXPECT_EQ(read_error<containers>(not_array), "v: expected array" + at(not_array, "{}"));
  const std::string deep = R"({"v":[],"a":["x","y"],"m":{"k":[1]}})";
  EXPECT_EQ(read_error<containers>(deep), "m.k[0]: expected true or false" + at(deep, "1]}"));
}

TEST(JsonRead, OptionalMembersMayBeMissingOrNull) {
  auto r = json::read<uid2_generate_response>(R"({"status":"success","body":null,"message":null})");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->body.has_value());
  EXPECT_FALSE(r->message.has_value());
  // read_into resets optional members that the new document lacks.
  uid2_generate_response reused;
  ASSERT_TRUE(json::read_into(reused, uid2_doc));
  ASSERT_TRUE(reused.body.has_value());
  ASSERT_TRUE(json::read_into(reused, R"({"status":"optout"})"));
  EXPECT_FALSE(reused.body.has_value());
  EXPECT_EQ(reused.status, uid2_status::optout);
}

TEST(JsonRead, RequiredMembersMustBePresent) {
  const std::string doc =
      R"({"body":{"advertising_token":"a","refresh_token":"r","identity_expires":1,"refresh_expires":2,"refresh_response_key":"k"},"status":"success"})";
  EXPECT_EQ(read_error<uid2_generate_response>(doc), "body.refresh_from: missing required member" + at(doc, "},\"status"));
  EXPECT_EQ(read_error<uid2_generate_response>("{}"), "status: missing required member at offset 1");
  EXPECT_EQ(read_error<uid2_generate_response>(R"({"status":null})"), "status: expected string at offset 10");
}

TEST(JsonRead, ErrorsCarryPathAndOffset) {
  const std::string doc =
      R"({"body":{"advertising_token":"a","refresh_token":"r","identity_expires":1,"refresh_expires":2,"refresh_from":"57","refresh_response_key":"k"},"status":"success"})";
  EXPECT_EQ(read_error<uid2_generate_response>(doc), "body.refresh_from: expected integer" + at(doc, "\"57\""));
  const std::string nested = R"({"items":[{"refresh_from":1},{"refresh_from":true}],"body":{"refresh_from":0}})";
  EXPECT_EQ(read_error<outer>(nested), "items[1].refresh_from: expected integer" + at(nested, "true"));
}

TEST(JsonRead, UnknownMembersSkippedOrRejected) {
  const std::string doc = R"({"status":"success","new_field":{"deep":[1,{"x":"\u00e9"}]},"also":null})";
  auto r = json::read<uid2_generate_response>(doc);
  ASSERT_TRUE(r) << r.error().message;
  json::read_options strict;
  strict.reject_unknown_members = true;
  EXPECT_EQ(read_error<uid2_generate_response>(doc, strict), "new_field: unknown member" + at(doc, "\"new_field"));
  // Skipped parts are still validated.
  const std::string broken = R"({"status":"success","new_field":[1,]})";
  EXPECT_EQ(read_error<uid2_generate_response>(broken), "new_field: expected a value" + at(broken, "]}"));
  const std::string bad_utf8 = "{\"status\":\"success\",\"x\":\"\xff\"}";
  EXPECT_EQ(read_error<uid2_generate_response>(bad_utf8), "x: invalid UTF-8 in string" + at(bad_utf8, "\xff"));
}

TEST(JsonRead, DuplicateMembersLastWinsOrError) {
  const std::string doc = R"({"status":"optout","status":"success"})";
  auto r = json::read<uid2_generate_response>(doc);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, uid2_status::success) << "last wins by default";
  json::read_options o;
  o.duplicates = json::duplicate_keys::error;
  EXPECT_EQ(read_error<uid2_generate_response>(doc, o), "status: duplicate member at offset 19");

  auto m = json::read<containers>(R"({"v":[],"a":["",""],"m":{"k":[true],"k":[false,false]}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->m.at("k").size(), 2u);
  EXPECT_EQ(read_error<containers>(R"({"v":[],"a":["",""],"m":{"k":[true],"k":[]}})", o), "m.k: duplicate member at offset 36");

  auto v = json::read<json::value>(R"({"a":1,"a":2})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->find("a")->if_number()->text, "2");
  EXPECT_EQ(v->if_object()->size(), 2u) << "the DOM keeps both, find() sees the last";
  EXPECT_EQ(read_error<json::value>(R"({"b":{"a":1,"c":0,"a":2}})", o), "b.a: duplicate member at offset 5");
}

TEST(JsonRead, EscapedMemberNamesMatch) {
  auto r = json::read<uid2_generate_response>(R"({"\u0073tatus":"optout"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, uid2_status::optout);
}

TEST(JsonRead, RawKeepsExactTextAndValueIsADom) {
  const std::string doc =
      R"({"id":"x","identity":{ "advertising_token" : "A\u0041",  "n": [1.50, -0] },"extra":{"z":[null,true,"s",1e2]}})";
  auto r = json::read<with_raw>(doc);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->identity.text, R"({ "advertising_token" : "A\u0041",  "n": [1.50, -0] })");
  const auto* z = r->extra.find("z");
  ASSERT_NE(z, nullptr);
  const auto& arr = *z->if_array();
  EXPECT_TRUE(arr[0].is_null());
  EXPECT_EQ(*arr[1].if_bool(), true);
  EXPECT_EQ(arr[3].if_number()->text, "1e2") << "numbers keep their text";
  EXPECT_EQ(arr[3].if_number()->to_double(), 100.0);
  EXPECT_FALSE(arr[3].if_number()->to_int64().has_value());
  EXPECT_EQ(json::write(*r),
            R"({"id":"x","identity":{ "advertising_token" : "A\u0041",  "n": [1.50, -0] },"extra":{"z":[null,true,"s",1e2]}})");
  const std::string broken = R"({"id":"x","identity":[1,,2],"extra":null})";
  EXPECT_EQ(read_error<with_raw>(broken), "identity: expected a value" + at(broken, ",2]"));
}

TEST(JsonValue, CopiesMovesAndComparesEveryKind) {
  using kind = json::value::kind;
  const json::value doc = json::value::object_type{{"n", nullptr},
                                                   {"b", false},
                                                   {"i", 42},
                                                   {"s", "text"},
                                                   {"a", json::value::array_type{1.5, "x", true}},
                                                   {"o", json::value::object_type{{"k", json::value::array_type{}}}}};
  ASSERT_EQ(doc.type(), kind::object);
  const kind kinds[] = {kind::null, kind::boolean, kind::number, kind::string, kind::array, kind::object};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ((*doc.if_object())[i].second.type(), kinds[i]) << i;
  EXPECT_EQ(doc.find("i")->if_number()->text, "42");
  EXPECT_EQ(doc.find("s")->if_array(), nullptr) << "wrong-kind accessors are null";

  json::value copy = doc;  // deep copy
  EXPECT_EQ(copy, doc);
  copy.if_object()->back().second.if_object()->front().second.if_array()->emplace_back("added");
  EXPECT_NE(copy, doc) << "the copy does not share storage with the original";
  EXPECT_EQ(doc.find("o")->find("k")->if_array()->size(), 0U);

  json::value moved = std::move(copy);
  EXPECT_TRUE(copy.is_null()) << "a moved-from value is null";  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.find("o")->find("k")->if_array()->size(), 1U);

  for (const auto& [k, v] : *doc.if_object()) {  // assignment between every pair of kinds
    for (const auto& [k2, v2] : *doc.if_object()) {
      json::value x = v;
      x = v2;
      EXPECT_EQ(x, v2) << k << " = " << k2;
      json::value y = v;
      json::value src = v2;
      y = std::move(src);
      EXPECT_EQ(y, v2) << k << " = move(" << k2 << ")";
    }
  }
  json::value self = doc;
  const json::value& alias = self;
  self = alias;
  EXPECT_EQ(self, doc) << "self-assignment keeps the value";
  json::value& same = self;
  self = std::move(same);
  EXPECT_EQ(self.type(), kind::object);

  EXPECT_NE(json::value(1), json::value("1")) << "different kinds are never equal";
  EXPECT_NE(json::value(true), json::value(false));
  EXPECT_TRUE(json::value(std::numeric_limits<double>::infinity()).is_null()) << "no JSON form: null";
  EXPECT_EQ(json::write(doc), R"({"n":null,"b":false,"i":42,"s":"text","a":[1.5,"x",true],"o":{"k":[]}})");
}

TEST(JsonRead, DepthLimit) {
  const std::string deep = std::string(129, '[') + std::string(129, ']');
  EXPECT_EQ(read_error<json::value>(deep),
            "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]["
            "0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
            "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]["
            "0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting deeper than the limit at offset 128");
  EXPECT_TRUE(json::read<json::value>(std::string(128, '[') + std::string(128, ']')));
  // A million brackets: an error, not a stack overflow, through every entry point.
  const std::string huge(1'000'000, '[');
  EXPECT_FALSE(json::read<json::value>(huge));
  EXPECT_FALSE(json::read<with_raw>(R"({"id":"","identity":)" + huge));
  EXPECT_FALSE(json::read<uid2_generate_response>(R"({"x":)" + huge));
  json::read_options shallow;
  shallow.max_depth = 2;
  EXPECT_TRUE(json::read<json::value>("[[1]]", shallow));
  EXPECT_EQ(read_error<json::value>("[[[1]]]", shallow), "[0][0]: nesting deeper than the limit at offset 2");
  EXPECT_EQ(read_error<outer>(R"({"items":[{"refresh_from":1}],"body":{"refresh_from":0}})", shallow),
            "items[0]: nesting deeper than the limit at offset 10");
}

TEST(JsonRead, InputEndingInsideAContainerIsAnError) {
  // Found by fuzz_json (a read one byte past the end): every container kind, cut after the opener.
  EXPECT_EQ(read_error<json::value>(" \t\r\n{ \"a\" : [ \n"), "a: unexpected end of input at offset 15");
  EXPECT_EQ(read_error<json::value>("{"), "unexpected end of input at offset 1");
  EXPECT_EQ(read_error<json::value>("[ "), "unexpected end of input at offset 2");
  EXPECT_EQ(read_error<containers>(R"({"v":[)"), "v: unexpected end of input at offset 6");
  EXPECT_EQ(read_error<containers>(R"({"v":[],"a":[)"), "a: unexpected end of input at offset 13");
  EXPECT_EQ(read_error<containers>(R"({"v":[],"a":["",""],"m":{)"), "m: unexpected end of input at offset 25");
  EXPECT_EQ(read_error<uid2_generate_response>(R"({"body":{)"), "body: unexpected end of input at offset 9");
}

TEST(JsonRead, TopLevelEdges) {
  EXPECT_EQ(read_error<json::value>(""), "unexpected end of input at offset 0");
  EXPECT_EQ(read_error<json::value>("  \n"), "unexpected end of input at offset 3");
  EXPECT_EQ(read_error<json::value>("{} x"), "trailing characters after the value at offset 3");
  EXPECT_EQ(read_error<json::value>("1 2"), "trailing characters after the value at offset 2");
  EXPECT_EQ(read_error<uid2_generate_response>("[]"), "expected object at offset 0");
  EXPECT_EQ(read_error<json::value>("\xef\xbb\xbf{}"), "expected a value at offset 0") << "no BOM in JSON texts";
  EXPECT_TRUE(json::read<json::value>(" \t\r\n\"top\" \n"));
  EXPECT_EQ(json::read<std::vector<int>>("[1,2]").value(), (std::vector<int>{1, 2}));
  EXPECT_EQ(json::read<std::string>("\"s\"").value(), "s");
  EXPECT_EQ(json::read<std::int64_t>("-7").value(), -7);
}

// ---- write ----------------------------------------------------------------------------------------------

TEST(JsonWrite, CompactEscapedDeclarationOrder) {
  scalars s{true, -1, 2, -3, 4, -5, 6, -7, 8, 0.1, 0.5f, "q\"b\\s/\x01\x1f\b\f\n\r\t\x7f\xc3\xa9"};
  EXPECT_EQ(json::write(s), R"({"b":true,"i8":-1,"u8":2,"i16":-3,"u16":4,"i32":-5,"u32":6,"i64":-7,"u64":8,"d":0.1,"f":0.5,)"
                            "\"s\":\"q\\\"b\\\\s/\\u0001\\u001f\\b\\f\\n\\r\\t\x7f\xc3\xa9\"}");
}

TEST(JsonWrite, ShortestRoundTripDoubles) {
  auto w = [](double d) { return json::write(just_double{d}); };
  EXPECT_EQ(w(0.1), R"({"d":0.1})");
  EXPECT_EQ(w(1e21), R"({"d":1e+21})");
  EXPECT_EQ(w(100), R"({"d":100})");
  EXPECT_EQ(w(-0.0), R"({"d":-0})");
  EXPECT_EQ(w(5e-324), R"({"d":5e-324})");
  EXPECT_EQ(w(1.7976931348623157e308), R"({"d":1.7976931348623157e+308})");
  for (double d : {0.1, 1.0 / 3, 2.0 / 3e300, 123456.789e-200, 9007199254740993.0}) {
    EXPECT_EQ(json::read<just_double>(w(d)).value().d, d);
  }
}

TEST(JsonWrite, OptionalsOmittedOrNull) {
  uid2_generate_response r{std::nullopt, uid2_status::optout, std::nullopt};
  EXPECT_EQ(json::write(r), R"({"status":"optout"})");
  json::write_options o;
  o.optional_as_null = true;
  EXPECT_EQ(json::write(r, o), R"({"body":null,"status":"optout","message":null})");
  EXPECT_EQ(json::write(uid2_generate_response{std::nullopt, uid2_status::success, "m"}),
            R"({"status":"success","message":"m"})");
}

TEST(JsonWrite, SkippedMembersAreNeitherReadNorWritten) {
  cached_model m{"a", "secret cache"};
  EXPECT_EQ(json::write(m), R"({"A":"a"})");
  auto r = json::read<cached_model>(R"({"A":"x","cache":"from the wire","Cache":"y"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->a, "x");
  EXPECT_EQ(r->cache, "") << "a skipped member is never read";
  EXPECT_EQ(json::write(test::alterian_cursor{1, std::nullopt, std::nullopt, std::nullopt, "x"}),
            R"({"From":1,"SortProperty":"x"})");
}

TEST(JsonWrite, ValuesWithoutJsonFormAreSubstitutedOrRejected) {
  EXPECT_EQ(json::write(just_double{std::nan("")}), R"({"d":null})");
  auto e = json::try_write(just_double{INFINITY});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, make_error_code(errc::invalid_argument));
  EXPECT_EQ(e.error().message, "d: number is not finite (NaN or infinity)");

  EXPECT_EQ(json::write(just_string{"a\xff"
                                    "b\xc3"}),
            "{\"s\":\"a\xef\xbf\xbd"
            "b\xef\xbf\xbd\"}");
  EXPECT_EQ(json::try_write(just_string{"a\xff"}).error().message, "s: string is not valid UTF-8");

  uid2_generate_response bad_enum{std::nullopt, static_cast<uid2_status>(99), std::nullopt};
  EXPECT_EQ(json::write(bad_enum), R"({"status":null})");
  EXPECT_EQ(json::try_write(bad_enum).error().message, "status: enum value not in json::meta<E>::enumerators");

  with_raw w{"i", json::raw{"{not json"}, json::value(json::number{"01"})};
  EXPECT_EQ(json::write(w), R"({"id":"i","identity":null,"extra":null})");
  EXPECT_EQ(json::try_write(w).error().message, "identity: json::raw does not hold valid JSON");
  EXPECT_EQ(json::write(with_raw{}), R"({"id":"","identity":null,"extra":null})");

  hubspot_error h{};
  h.errors = std::vector<test::hubspot_error_detail>(2);
  (*h.errors)[0].message = "ok";
  (*h.errors)[1].message = "bad\xfe";
  EXPECT_EQ(json::try_write(h).error().message, "errors[1].message: string is not valid UTF-8");
}

TEST(JsonWrite, IntoCallerBuffer) {
  const auto r = json::read<uid2_generate_response>(uid2_doc).value();
  std::array<char, 512> buf{};
  auto n = json::write(r, std::span<char>(buf));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string_view(buf.data(), *n), uid2_doc);
  std::array<char, 16> small{};
  auto e = json::write(r, std::span<char>(small));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, make_error_code(errc::buffer_too_small));
  EXPECT_EQ(e.error().message, "JSON output needs " + std::to_string(uid2_doc.size()) + " bytes, buffer has 16");
  // write_to appends.
  std::string out = "x";
  json::write_to(out, std::vector<int>{1, 2});
  EXPECT_EQ(out, "x[1,2]");
}

TEST(JsonWrite, CanonicalDocumentsWriteBackByteIdentical) {
  const char* docs[] = {
      R"({"a":[1,-2.5e-3,"\u0001\"\\",true,false,null,{}],"b":{"":[]},"c":"\u00e9"})",
      R"([])",
      R"("")",
      R"(0)",
      R"(-0)",
      R"(1E400)",
      R"({"a":1,"a":2})",
      "[\"\xf0\x9f\x98\x80\"]",
  };
  for (const char* d : docs) {
    auto v = json::read<json::value>(d);
    ASSERT_TRUE(v) << d;
    std::string expected = d;
    // Canonical form of the escapes: \u00e9 is written as UTF-8, the rest as written.
    if (expected.find("\\u00e9") != std::string::npos) expected.replace(expected.find("\\u00e9"), 6, "\xc3\xa9");
    EXPECT_EQ(json::write(*v), expected);
  }
}
