// The FTS5 expression that narrows a name filter on SQLite: every trigram of the needle, each a
// quoted string (so LIKE's and FTS5's specials are plain characters), counted in characters.
#include "store/sql/trigram_match.h"

#include <gtest/gtest.h>

namespace latchkey::sql {
namespace {

TEST(TrigramMatch, EveryTrigramQuoted) {
  EXPECT_EQ(TrigramMatchExpression("abc"), "\"abc\"");
  EXPECT_EQ(TrigramMatchExpression("aws-p"), "\"aws\" AND \"ws-\" AND \"s-p\"");
  EXPECT_EQ(TrigramMatchExpression("a%b_c\\"), "\"a%b\" AND \"%b_\" AND \"b_c\" AND \"_c\\\"");
  EXPECT_EQ(TrigramMatchExpression("q\"uo"), "\"q\"\"u\" AND \"\"\"uo\"") << "quote doubled";
  EXPECT_EQ(TrigramMatchExpression("a* OR b"),
            "\"a* \" AND \"* O\" AND \" OR\" AND \"OR \" AND \"R b\"")
      << "FTS5 operators stay inside strings";
}

TEST(TrigramMatch, CountsCharactersNotBytes) {
  EXPECT_EQ(TrigramMatchExpression("中文"), std::nullopt) << "two characters, six bytes";
  EXPECT_EQ(TrigramMatchExpression("中文a"), "\"中文a\"");
  EXPECT_EQ(TrigramMatchExpression("😀😀😀😀"), "\"😀😀😀\"") << "the repeat adds nothing";
  EXPECT_EQ(TrigramMatchExpression("éLan"), "\"éLa\" AND \"Lan\"");
}

TEST(TrigramMatch, NothingToLookUp) {
  EXPECT_EQ(TrigramMatchExpression(""), std::nullopt);
  EXPECT_EQ(TrigramMatchExpression("a"), std::nullopt);
  EXPECT_EQ(TrigramMatchExpression("ab"), std::nullopt);
  EXPECT_EQ(TrigramMatchExpression("%_"), std::nullopt);
  EXPECT_EQ(TrigramMatchExpression("ab\xff"), std::nullopt) << "not UTF-8";
  EXPECT_EQ(TrigramMatchExpression(std::string("ab\0c", 4)), std::nullopt) << "a control";
}

TEST(TrigramMatch, RepeatsInAnyAsciiCaseOnce) {
  EXPECT_EQ(TrigramMatchExpression("AbAbab"), "\"AbA\" AND \"bAb\"");
  EXPECT_EQ(TrigramMatchExpression("aaaaaa"), "\"aaa\"");
}

TEST(TrigramMatch, BoundedForLongNeedles) {
  std::string needle;
  for (char c = 'a'; c <= 'z'; ++c) needle += c;
  auto expression = TrigramMatchExpression(needle);
  ASSERT_TRUE(expression);
  size_t terms = 1;
  for (size_t at = 0; (at = expression->find(" AND ", at)) != std::string::npos; ++at) ++terms;
  EXPECT_EQ(terms, kMaxMatchTrigrams);
}

}  // namespace
}  // namespace latchkey::sql
