#include "common/json_fields.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

// A peer's answer may hold any type anywhere: every read falls back instead of throwing.
TEST(JsonFieldsTest, MistypedMembersFallBack) {
  auto j = nlohmann::json::parse(R"({"s": "text", "n": 5, "b": true, "o": {"k": 1}, "a": [1],
                                     "big": 18446744073709551615, "f": 1.5})");
  EXPECT_EQ(JsonString(j, "s"), "text");
  EXPECT_EQ(JsonString(j, "n", "none"), "none");
  EXPECT_EQ(JsonString(j, "missing"), "");
  EXPECT_EQ(JsonInteger(j, "n", 0), 5);
  EXPECT_EQ(JsonInteger(j, "s", 7), 7);
  EXPECT_EQ(JsonInteger(j, "big", 7), 7);  // over int64_t
  EXPECT_EQ(JsonInteger(j, "f", 7), 7);
  EXPECT_TRUE(JsonBool(j, "b", false));
  EXPECT_FALSE(JsonBool(j, "n", false));
  EXPECT_EQ(JsonObjectAt(j, "o").size(), 1u);
  EXPECT_TRUE(JsonObjectAt(j, "a").empty());
  EXPECT_EQ(JsonArrayAt(j, "a").size(), 1u);
  EXPECT_TRUE(JsonArrayAt(j, "o").empty());
}

TEST(JsonFieldsTest, NonObjectsHaveNoMembers) {
  for (auto const& j :
       {nlohmann::json(3), nlohmann::json("x"), nlohmann::json::array({1}), nlohmann::json()}) {
    EXPECT_EQ(JsonString(j, "k", "f"), "f");
    EXPECT_EQ(JsonInteger(j, "k", 2), 2);
    EXPECT_TRUE(JsonObjectAt(j, "k").empty());
    EXPECT_TRUE(JsonArrayAt(j, "k").empty());
  }
}

}  // namespace
}  // namespace latchkey
