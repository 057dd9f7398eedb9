#include "common/strings.h"

#include <gtest/gtest.h>

namespace latchkey {
namespace {

TEST(StringsTest, ReplaceAllReplacesEveryOccurrence) {
  std::string text = "a-b-c";
  ReplaceAll(text, "-", "--");
  EXPECT_EQ(text, "a--b--c");
}

// The Entra error path hides a client secret with it: a secret that occurs inside the mask
// ("D" in "[HIDDEN]") looped forever when the search restarted at the replacement.
TEST(StringsTest, ReplaceAllHandlesManyAdjacentMatchesAndShrinking) {
  std::string text(100000, 'x');
  ReplaceAll(text, "xx", "y");
  EXPECT_EQ(text, std::string(50000, 'y'));
  std::string edges = "abXab";
  ReplaceAll(edges, "ab", "");
  EXPECT_EQ(edges, "X");
}

TEST(StringsTest, ReplaceAllDoesNotRescanWhatItInserted) {
  std::string text = "bad secret D, again D";
  ReplaceAll(text, "D", "[HIDDEN]");
  EXPECT_EQ(text, "bad secret [HIDDEN], again [HIDDEN]");
}

TEST(StringsTest, ReplaceAllWithAnEmptyPatternChangesNothing) {
  std::string text = "unchanged";
  ReplaceAll(text, "", "x");
  EXPECT_EQ(text, "unchanged");
}

}  // namespace
}  // namespace latchkey
