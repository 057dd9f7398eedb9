// The filter language's parser (store/list_query.h) and its use by the list routes
// (server/api/api_lists.h): operators, kinds, sort_by, pages, and unknown parameters.
#include "store/list_query.h"

#include <gtest/gtest.h>

#include "server/api/api_lists.h"
#include "store/sql/sql_list_query.h"

namespace latchkey {
namespace {

FieldFilter MustParse(std::string_view field, std::string_view text) {
  auto f = ParseFieldFilter(ConnectorFields(), field, text);
  EXPECT_TRUE(f) << text << ": " << (f ? "" : f.error().message);
  return f ? *f : FieldFilter{};
}

TEST(ListQueryParse, OperatorsOnText) {
  struct Case {
    char const* text;
    FilterOp op;
    char const* value;
  } cases[] = {
      {"aws", FilterOp::kEquals, "aws"},
      {"equals:aws", FilterOp::kEquals, "aws"},
      {"contains:aws", FilterOp::kContains, "aws"},
      {"startswith:a", FilterOp::kStartsWith, "a"},
      {"endswith:s3", FilterOp::kEndsWith, "s3"},
      {"gt:m", FilterOp::kGt, "m"},
      {"gte:m", FilterOp::kGte, "m"},
      {"lt:m", FilterOp::kLt, "m"},
      {"lte:m", FilterOp::kLte, "m"},
      // Only a known operator is one: the rest of the text is the value.
      {"a:b", FilterOp::kEquals, "a:b"},
      {"contains:a:b", FilterOp::kContains, "a:b"},
      {"equals:contains:x", FilterOp::kEquals, "contains:x"},
      {"contains:", FilterOp::kContains, ""},
  };
  for (auto const& c : cases) {
    auto f = MustParse("name", c.text);
    EXPECT_EQ(f.field, "name");
    EXPECT_EQ(f.op, c.op) << c.text;
    ASSERT_EQ(f.values.size(), 1u) << c.text;
    EXPECT_EQ(f.values[0], c.value) << c.text;
  }
}

TEST(ListQueryParse, OneOf) {
  auto json = MustParse("name", R"(oneof:["a","b,c"])");
  EXPECT_EQ(json.op, FilterOp::kOneOf);
  EXPECT_EQ(json.values, (std::vector<std::string>{"a", "b,c"}));
  auto csv = MustParse("name", "oneof:a,b");
  EXPECT_EQ(csv.values, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ParseFieldFilter(ConnectorFields(), "name", R"(oneof:["a",1])"));
  EXPECT_FALSE(ParseFieldFilter(ConnectorFields(), "name", R"(oneof:[)"));
  // Written back, it reads the same.
  auto again = MustParse("name", ToQueryValue(json));
  EXPECT_EQ(again.values, json.values);
}

TEST(ListQueryParse, KindsLimitOperators) {
  EXPECT_TRUE(ParseFieldFilter(ConnectorFields(), "id", "startswith:abc"));
  auto id = ParseFieldFilter(ConnectorFields(), "id", "contains:abc");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().message, "'id' does not take the 'contains:' operator");
  auto t = MustParse("created", "gt:2026-01-02 03:04:05");
  EXPECT_EQ(t.op, FilterOp::kGt);
  EXPECT_EQ(t.values[0], "1767323045");
  EXPECT_EQ(MustParse("updated", "lte:2026-01-02T03:04:05Z").values[0], "1767323045");
  EXPECT_EQ(MustParse("created", "1767323045").values[0], "1767323045");
  EXPECT_FALSE(ParseFieldFilter(ConnectorFields(), "created", "gt:yesterday"));
  EXPECT_FALSE(ParseFieldFilter(ConnectorFields(), "created", "contains:2026"));
  auto unknown = ParseFieldFilter(ConnectorFields(), "colour", "red");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown filter 'colour'"), std::string::npos);
  EXPECT_TRUE(ParseFieldFilter(UserFields(), "active", "true"));
  EXPECT_FALSE(ParseFieldFilter(UserFields(), "active", "yes"));
}

TEST(ListQueryParse, LabelsSortAndPages) {
  auto k = ParseLabelFilter("team");
  ASSERT_TRUE(k);
  EXPECT_FALSE(k->value);
  auto kv = ParseLabelFilter("team=a=b");
  ASSERT_TRUE(kv);
  EXPECT_EQ(kv->key, "team");
  EXPECT_EQ(*kv->value, "a=b");
  EXPECT_EQ(*ParseLabelFilter("team=")->value, "");
  EXPECT_FALSE(ParseLabelFilter(""));
  EXPECT_FALSE(ParseLabelFilter("=v"));

  EXPECT_EQ(*ParseSortBy(ConnectorFields(), "name"), (std::pair<std::string, bool>{"name", false}));
  EXPECT_EQ(*ParseSortBy(ConnectorFields(), "asc:created"),
            (std::pair<std::string, bool>{"created", false}));
  EXPECT_EQ(*ParseSortBy(ConnectorFields(), "desc:updated"),
            (std::pair<std::string, bool>{"updated", true}));
  EXPECT_EQ(*ParseSortBy(ConnectorFields(), "-name"), (std::pair<std::string, bool>{"name", true}));
  EXPECT_FALSE(ParseSortBy(ConnectorFields(), "resource_type"));
  EXPECT_FALSE(ParseSortBy(ConnectorFields(), "desc:colour"));
  EXPECT_FALSE(ParseSortBy(ConnectorFields(), ""));

  EXPECT_FALSE(*ParseLogicalOperator("and"));
  EXPECT_TRUE(*ParseLogicalOperator("or"));
  EXPECT_FALSE(ParseLogicalOperator("xor"));

  EXPECT_EQ(*ParsePageNumber("size", "50", kMaxPageSize), 50);
  for (char const* bad : {"0", "-1", "1001", "", "5x", "99999999999999999999"}) {
    EXPECT_FALSE(ParsePageNumber("size", bad, kMaxPageSize)) << bad;
  }
}

TEST(ListQueryParse, LikePatternsEscapeWildcards) {
  EXPECT_EQ(sql::LikePattern("a%b_c\\d", true, true), "%a\\%b\\_c\\\\d%");
  EXPECT_EQ(sql::LikePattern("abc", false, true), "abc%");
  EXPECT_EQ(sql::LikePattern("abc", true, false), "%abc");
}

server::HttpRequest Get(server::QueryParams query) {
  server::HttpRequest r;
  r.method = "GET";
  r.path = "/api/v1/service_connectors";
  r.query = std::move(query);
  return r;
}

TEST(ListQueryOfRequest, ReadsEveryPart) {
  auto q = api::ListQueryOf(Get({{"name", "contains:aws"},
                                 {"label", "team=ml"},
                                 {"label", "env"},
                                 {"logical_operator", "or"},
                                 {"sort_by", "desc:created"},
                                 {"page", "3"},
                                 {"size", "20"},
                                 {"connector_type", ""}}),
                            ConnectorFields());
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->fields.size(), 1u) << "an empty value filters nothing";
  EXPECT_EQ(q->fields[0].op, FilterOp::kContains);
  ASSERT_EQ(q->labels.size(), 2u);
  EXPECT_TRUE(q->match_any);
  EXPECT_EQ(q->sort_field, "created");
  EXPECT_TRUE(q->descending);
  EXPECT_EQ(q->page, 3);
  EXPECT_EQ(q->size, 20);
}

TEST(ListQueryOfRequest, RefusesUnknownParameters) {
  auto q =
      api::ListQueryOf(Get({{"name", "a"}, {"colour", "red"}, {"bogus", ""}}), ConnectorFields());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(q.error().message, "unknown query parameter(s): 'bogus', 'colour'");
  EXPECT_FALSE(api::ListQueryOf(Get({{"connector_type", "x"}}), SecretFields()));
  EXPECT_FALSE(api::ListQueryOf(Get({{"size", "0"}}), ConnectorFields()));
}

}  // namespace
}  // namespace latchkey
