// RFC 8259 conformance of json::read: every valid text accepted, every invalid one rejected,
// whatever the target. A json::value read is the conformance entry; a model read must agree on
// validity for the parts it skips. Cross-checked against json::validate and, independently,
// nlohmann::json::accept on generated inputs.
#include <tokenmint/json/json.hpp>

#include "../common/models.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

using namespace tokenmint;

namespace {

struct doc {
  std::string text;
  const char* what;
  bool oracle_differs = false;  // nlohmann::json::accept decides otherwise, within what RFC 8259 allows
};

// Must be accepted (RFC 8259 section by section).
const std::vector<doc> valid = {
    // 2. grammar: any value at the top, whitespace (space, tab, LF, CR) around and between tokens
    {"{}", "empty object"},
    {"[]", "empty array"},
    {"0", "top-level number"},
    {"\"\"", "top-level empty string"},
    {"true", "top-level true"},
    {"false", "top-level false"},
    {"null", "top-level null"},
    {" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n2 \t\r\n} \t\r\n] \t\r\n", "whitespace everywhere"},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]"
     "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     "100 deep"},
    // 4. objects
    {R"({"a":1})", "one member"},
    {R"({"a":1,"b":[],"c":{}})", "several members"},
    {R"({"":0})", "empty name"},
    {R"({"a":1,"a":2})", "duplicate names (SHOULD be unique, still valid)"},
    {R"({"\u0000":0})", "escaped NUL in name"},
    {R"({"a":{"b":{"c":[{"d":null}]}}})", "nested"},
    // 5. arrays
    {"[1,\"a\",true,false,null,{},[]]", "mixed"},
    {"[null]", "null element"},
    {"[[]]", "nested empty"},
    // 6. numbers
    {"[0]", "zero"},
    {"[-0]", "minus zero"},
    {"[0.0]", "zero fraction"},
    {"[0e0]", "zero exponent"},
    {"[0E+1]", "capital exponent with plus"},
    {"[0e-1]", "exponent minus"},
    {"[1.5]", "fraction"},
    {"[-1.5e+9]", "negative"},
    {"[1E22]", "big"},
    {"[123e65]", "bigger"},
    {"[1e-400]", "underflows a double"},
    {"[1e400]", "overflows a double (valid text; limits are the reader's)", true},
    {"[-123123123123123123123123123123]", "long integer"},
    {"[10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000]",
     "very long"},
    {"[0.0000000000000000000000000000000000000000000000000000000001]", "long fraction"},
    {"[1e0000000000000000002]", "long exponent"},
    // 7. strings
    {R"(["\"\\\/\b\f\n\r\t"])", "every short escape"},
    {R"(["\u0000\u001f\u0020"])", "controls escaped"},
    {R"(["\uD834\uDD1E"])", "surrogate pair"},
    {R"(["\uDBFF\uDFFF"])", "last pair"},
    {R"(["\uFFFF"])", "noncharacter escape"},
    {R"(["\u0060\u012a\u12AB"])", "mixed-case hex"},
    {"[\"/*not a comment*/\"]", "comment-like text"},
    {"[\"\x7f\"]", "DEL is not a control character for JSON"},
    {"[\"\xc2\x80\"]", "U+0080"},
    {"[\"\xdf\xbf\"]", "U+07FF"},
    {"[\"\xe0\xa0\x80\"]", "U+0800"},
    {"[\"\xef\xbf\xbf\"]", "U+FFFF"},
    {"[\"\xf0\x90\x80\x80\"]", "U+10000"},
    {"[\"\xf4\x8f\xbf\xbf\"]", "U+10FFFF"},
    {"[\"\xe2\x80\xa8\xe2\x80\xa9\"]", "U+2028 U+2029 raw"},
    {"[\"\xed\x9f\xbf\"]", "U+D7FF"},
    {"[\"\xee\x80\x80\"]", "U+E000"},
};

// Must be rejected.
const std::vector<doc> invalid = {
    {"", "empty input"},
    {" ", "only whitespace"},
    {"[", "unclosed array"},
    {"]", "lone close"},
    {"{", "unclosed object"},
    {"}", "lone brace"},
    {"[1,]", "trailing comma in array"},
    {"[,1]", "leading comma"},
    {"[1,,2]", "double comma"},
    {R"({"a":1,})", "trailing comma in object"},
    {"{,}", "comma only"},
    {R"({"a"})", "name without value"},
    {R"({"a":})", "missing value"},
    {R"({"a" 1})", "missing colon"},
    {R"({"a"::1})", "double colon"},
    {"{a:1}", "unquoted name"},
    {"{'a':1}", "single quotes"},
    {"['a']", "single-quoted string"},
    {"{1:1}", "number as name"},
    {"{null:1}", "null as name"},
    {R"({"a":1 "b":2})", "missing comma"},
    {"[1 2]", "missing comma in array"},
    {R"(["a" : 1])", "colon in array"},
    {"[01]", "leading zero"},
    {"[-01]", "negative leading zero"},
    {"[00]", "double zero"},
    {"[1.]", "no fraction digits"},
    {"[.1]", "no integer digits"},
    {"[+1]", "plus sign"},
    {"[1e]", "empty exponent"},
    {"[1e+]", "signed empty exponent"},
    {"[-]", "lone minus"},
    {"[--1]", "double minus"},
    {"[0x10]", "hex"},
    {"[Infinity]", "Infinity"},
    {"[-Infinity]", "-Infinity"},
    {"[NaN]", "NaN"},
    {"[1.5e5.3]", "fractional exponent"},
    {"[1_000]", "digit separator"},
    {"[- 1]", "space after minus"},
    {"[tru]", "short true"},
    {"[True]", "capital True"},
    {"[nul]", "short null"},
    {"[nulll]", "long null"},
    {"[fals]", "short false"},
    {"[\"a]", "unterminated string"},
    {R"(["\x"])", "unknown escape"},
    {R"(["\'"])", "escaped single quote"},
    {R"(["\u12"])", "short \\u"},
    {R"(["\u12G4"])", "bad hex"},
    {R"(["\U0041"])", "capital U escape"},
    {R"(["\uD800"])", "lone high surrogate"},
    {R"(["\uDC00"])", "lone low surrogate"},
    {R"(["\uD800\u0041"])", "high then BMP"},
    {R"(["\uD800\uD800"])", "two highs"},
    {R"(["\uDC00\uD800"])", "reversed pair"},
    {"[\"\\", "escape at end"},
    {"[\"\t\"]", "raw tab"},
    {"[\"\n\"]", "raw newline"},
    {std::string("[\"\0\"]", 5), "raw NUL"},
    {"[\"\x1f\"]", "raw 0x1F"},
    {"[\"\x80\"]", "lone continuation byte"},
    {"[\"\xbf\"]", "lone continuation byte 2"},
    {"[\"\xc0\xaf\"]", "overlong 2-byte"},
    {"[\"\xc1\xbf\"]", "overlong 2-byte max"},
    {"[\"\xe0\x80\xaf\"]", "overlong 3-byte"},
    {"[\"\xf0\x80\x80\xaf\"]", "overlong 4-byte"},
    {"[\"\xed\xa0\x80\"]", "UTF-8 encoded high surrogate"},
    {"[\"\xed\xbf\xbf\"]", "UTF-8 encoded low surrogate"},
    {"[\"\xf4\x90\x80\x80\"]", "above U+10FFFF"},
    {"[\"\xf5\x80\x80\x80\"]", "F5 lead"},
    {"[\"\xf8\x88\x80\x80\x80\"]", "5-byte form"},
    {"[\"\xfe\"]", "FE"},
    {"[\"\xff\"]", "FF"},
    {"[\"\xe2\x82\"]", "truncated 3-byte"},
    {"[\"\xf0\x9f\x98\"]", "truncated 4-byte"},
    {"[\"\xe2\x82\"", "truncated at end of input"},
    {"[\xc3\xa9]", "non-ASCII outside a string"},
    {"\xef\xbb\xbf{}", "byte order mark (RFC 8259 8.1: a parser MAY ignore it; we do not)", true},
    {"[] x", "trailing garbage"},
    {"{}}", "extra brace"},
    {"[]]", "extra bracket"},
    {"1 2", "two values"},
    {"\"a\" \"b\"", "two strings"},
    {std::string("[]\0", 3), "trailing NUL", true},
    {"[1]//c", "line comment"},
    {"/*c*/[1]", "block comment"},
    {"[\f1]", "form feed is not whitespace"},
    {"[\v1]", "vertical tab"},
    {"\xc2\xa0[]", "no-break space"},
    {"[1,\n]", "trailing comma with newline"},
    {"{\"a\":1}\n,", "comma after document"},
    {std::string(129, '[') + std::string(129, ']'), "deeper than the default limit of 128"},
    {"{\"a\":[1,{\"b\":}]}", "deep missing value"},
    {"[\"a\",]", "string then trailing comma"},
    {"nul", "truncated top-level literal"},
    {"-", "top-level lone minus"},
    {"[1e1e1]", "two exponents"},
    {"[\"\\u00\"]", "short escape before quote"},
};

}  // namespace

TEST(JsonConformance, AcceptsEveryValidText) {
  for (const auto& d : valid) {
    auto v = json::read<json::value>(d.text);
    EXPECT_TRUE(v) << d.what << ": " << (v ? "" : v.error().message);
    EXPECT_TRUE(json::validate(d.text)) << d.what;
    EXPECT_EQ(nlohmann::json::accept(d.text), !d.oracle_differs) << "oracle on " << d.what;
  }
}

TEST(JsonConformance, RejectsEveryInvalidText) {
  for (const auto& d : invalid) {
    auto v = json::read<json::value>(d.text);
    EXPECT_FALSE(v) << d.what;
    EXPECT_FALSE(json::validate(d.text)) << d.what;
    if (d.text.size() < 200) {  // nlohmann has no depth limit
      EXPECT_EQ(nlohmann::json::accept(d.text), d.oracle_differs) << "oracle on " << d.what;
    }
  }
}

TEST(JsonConformance, ModelsRejectInvalidTextInSkippedParts) {
  // The same documents, placed where a model skips them (an unknown member) or keeps them raw.
  struct holder {
    json::raw keep;
  };
  for (const auto& d : invalid) {
    if (d.text.empty() || d.text.find_first_not_of(" ") == std::string::npos) continue;
    const std::string as_unknown = "{\"unknown\":" + d.text + "}";
    const std::string as_raw = "{\"keep\":" + d.text + "}";
    EXPECT_FALSE(json::read<test::uid2_generate_response>(as_unknown)) << d.what;
    EXPECT_FALSE(json::read<holder>(as_raw)) << d.what;
  }
  for (const auto& d : valid) {
    const std::string as_raw = "{\"keep\":" + d.text + "}";
    auto r = json::read<holder>(as_raw);
    ASSERT_TRUE(r) << d.what;
    // raw keeps exactly the value's text (without the whitespace around it).
    const auto first = d.text.find_first_not_of(" \t\r\n");
    const auto last = d.text.find_last_not_of(" \t\r\n");
    EXPECT_EQ(r->keep.text, d.text.substr(first, last - first + 1)) << d.what;
  }
}

TEST(JsonConformance, AgreesWithValidateAndAnIndependentParserOnGeneratedInputs) {
  // Random texts from JSON's alphabet and a few troublemakers: whatever they are, json::read into a
  // value, json::validate and nlohmann::json::accept must agree on validity. Fixed seed: reproducible.
  const std::vector<std::string> atoms = {
      "{",       "}",  "[",  "]",  ",",   ":",       " ", "\"", "\"a\"", "\"\\u00e9\"", "\\",   "\\u", "d83d",
      "\\ude00", "0",  "1",  "-",  ".",   "e",       "E", "+",  "true",  "false",       "null", "tru", "\"\xc3\xa9\"",
      "\xff",    "\t", "\n", "01", "1.5", "\"\x01\""};
  std::mt19937 rng(20261122);
  int valid_count = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    const int n = 1 + static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) s += atoms[rng() % atoms.size()];
    const bool ours = json::read<json::value>(s).has_value();
    ASSERT_EQ(ours, json::validate(s).has_value()) << s;
    ASSERT_EQ(ours, nlohmann::json::accept(s)) << s;
    valid_count += ours;
  }
  EXPECT_GT(valid_count, 1000) << "the generator must produce valid texts too, or the test proves little";
}
