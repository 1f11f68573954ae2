// json/reflect: member count, names, keys after json::meta, tie, visiting.
#include <tokenmint/json/reflect.hpp>

#include "../common/models.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tokenmint;

namespace {

struct empty_model {};
struct one {
  int only;
};
struct mixed {
  int refresh_from;
  std::string advertising_token;
  std::vector<int> list;
  std::optional<double> maybe;
  std::map<std::string, int> dict;
  std::array<int, 3> fixed;
  one nested;
  std::unique_ptr<int> move_only;
};

// 70 members: beyond the 64 the issue asks for.
struct wide {
  int a00, a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19;
  int a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, a33, a34, a35, a36, a37, a38, a39;
  int a40, a41, a42, a43, a44, a45, a46, a47, a48, a49, a50, a51, a52, a53, a54, a55, a56, a57, a58, a59;
  int a60, a61, a62, a63, a64, a65, a66, a67, a68, a69;
};

struct policy_camel {
  std::string correlation_id;
  std::string a;
  std::string already_camelCase;
  std::string x_y_z;
};
struct policy_pascal {
  std::string correlation_id;
  std::string a;
  std::string cache;
  std::string login_id;
};

}  // namespace

template <>
struct tokenmint::json::meta<policy_camel> {
  static constexpr auto naming = json::naming::camel_case;
};
template <>
struct tokenmint::json::meta<policy_pascal> {
  static constexpr auto naming = json::naming::pascal_case;
  static constexpr std::pair<std::string_view, std::string_view> rename[] = {{"login_id", "LoginID"}};
  static constexpr std::string_view skip[] = {"cache"};
};

TEST(JsonReflect, CountsMembers) {
  static_assert(json::member_count<empty_model> == 0);
  static_assert(json::member_count<one> == 1);
  static_assert(json::member_count<mixed> == 8);
  static_assert(json::member_count<wide> == 70);
  static_assert(json::member_count<test::alterian_token_information> == 11);
  static_assert(json::member_count<const mixed> == 8);
  SUCCEED();
}

TEST(JsonReflect, NamesMembersInDeclarationOrder) {
  constexpr auto& names = json::member_names<mixed>;
  const std::vector<std::string_view> got(names.begin(), names.end());
  const std::vector<std::string_view> want = {"refresh_from", "advertising_token", "list", "maybe", "dict", "fixed",
                                              "nested",       "move_only"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(json::member_names<wide>[0], "a00");
  EXPECT_EQ(json::member_names<wide>[69], "a69");
  EXPECT_EQ(json::member_names<one>[0], "only");
  static_assert(json::member_names<one>[0] == "only", "names are compile-time constants");
}

TEST(JsonReflect, KeysFollowNamingPolicyRenameAndSkip) {
  constexpr auto& camel = json::member_keys<policy_camel>;
  EXPECT_EQ(camel[0], "correlationId");
  EXPECT_EQ(camel[1], "a");
  EXPECT_EQ(camel[2], "alreadyCamelCase");
  EXPECT_EQ(camel[3], "xYZ");
  constexpr auto& pascal = json::member_keys<policy_pascal>;
  EXPECT_EQ(pascal[0], "CorrelationId");
  EXPECT_EQ(pascal[1], "A");
  EXPECT_EQ(pascal[2], "") << "skipped members have no key";
  EXPECT_EQ(pascal[3], "LoginID");
  // as_is by default: UID2's snake_case.
  EXPECT_EQ(json::member_keys<test::uid2_identity>[5], "refresh_response_key");
  EXPECT_EQ(json::member_keys<test::alterian_token_information>[10], "IsSAtoken");
  EXPECT_EQ(json::member_keys<test::alterian_token_information>[7], "Created");
  EXPECT_EQ(json::member_keys<test::hubspot_error>[1], "correlationId");
}

TEST(JsonReflect, TieAndVisitReachTheMembers) {
  mixed m{};
  std::get<0>(json::tie(m)) = 42;
  std::get<1>(json::tie(m)) = "tok";
  EXPECT_EQ(m.refresh_from, 42);
  EXPECT_EQ(m.advertising_token, "tok");

  wide w{};
  json::for_each_member(w, [](auto i, int& v) { v = static_cast<int>(i.value) * 2; });
  EXPECT_EQ(w.a00, 0);
  EXPECT_EQ(w.a37, 74);
  EXPECT_EQ(w.a69, 138);

  const one c{7};
  const int seen = json::visit_members(c, [](const int& v) { return v; });
  EXPECT_EQ(seen, 7);
}

TEST(JsonReflect, NamesAreShortArraysNotSignatures) {
  // Each name is stored in an array of its own length; nothing of __PRETTY_FUNCTION__ is kept.
  static_assert(sizeof(json::detail::member_name_storage<mixed, 8, 1>.chars) == std::string_view("advertising_token").size());
  SUCCEED();
}
