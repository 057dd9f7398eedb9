// Tables fitted to the terminal (issue 17): long cells wrap, widths count emoji as two columns,
// and no UTF-8 character is ever split across lines.
#include <gtest/gtest.h>

#include "cli/display_width.h"
#include "cli/text_table.h"
#include "common/inert_text.h"
#include "common/strings.h"

namespace latchkey::cli {
namespace {

std::vector<std::string> Lines(std::string const& text) {
  auto lines = Split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// A split multibyte character shows up as bytes that are not UTF-8, which HasUnsafeText flags.
void ExpectWholeCharacters(std::vector<std::string> const& lines) {
  for (auto const& line : lines) EXPECT_FALSE(HasUnsafeText(line)) << line;
}

TEST(WrapToWidth, BreaksAtSpacesWhereWordsFit) {
  EXPECT_EQ(WrapToWidth("the quick brown fox", 10),
            (std::vector<std::string>{"the quick", "brown fox"}));
  EXPECT_EQ(WrapToWidth("short", 10), (std::vector<std::string>{"short"}));
  EXPECT_EQ(WrapToWidth("no limit at all", 0), (std::vector<std::string>{"no limit at all"}));
}

TEST(WrapToWidth, FoldsAWordWiderThanTheLine) {
  auto lines = WrapToWidth("e316bcb3-6659-467b-81e5-5ec25bfd36b0", 31);
  EXPECT_EQ(lines, (std::vector<std::string>{"e316bcb3-6659-467b-81e5-5ec25bf", "d36b0"}));
  lines = WrapToWidth("403 https://storage.googleapis.com/storage/v1/b?project=x", 20);
  for (auto const& l : lines) EXPECT_LE(DisplayWidth(l), 20u) << l;
  EXPECT_EQ(Join(lines, ""), "403https://storage.googleapis.com/storage/v1/b?project=x");
}

TEST(WrapToWidth, EmojiAreTwoColumnsAndNeverSplit) {
  // Nine emoji are 18 columns: 5 columns hold two per line, never two and a half.
  std::string emoji;
  for (int i = 0; i < 9; ++i) emoji += "💥";
  auto lines = WrapToWidth(emoji, 5);
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i], "💥💥");
  EXPECT_EQ(lines.back(), "💥");
  ExpectWholeCharacters(lines);
  // "é" written as e + a combining accent stays one character on one line.
  lines = WrapToWidth(
      "abcde\xcc\x81"
      "fgh",
      5);
  EXPECT_EQ(lines, (std::vector<std::string>{"abcde\xcc\x81", "fgh"}));
  // A character wider than the whole line gets a line of its own instead of looping.
  EXPECT_EQ(WrapToWidth("✅✅", 1), (std::vector<std::string>{"✅", "✅"}));
}

TEST(WrapToWidth, MixedScriptsCountColumnsNotBytes) {
  // "naïve" is 5 columns in 6 bytes; "日本" 4 columns in 6 bytes.
  EXPECT_EQ(WrapToWidth("naïve 日本 text", 10), (std::vector<std::string>{"naïve 日本", "text"}));
  EXPECT_EQ(DisplayWidth("naïve 日本"), 10u);
}

TEST(TextTableWrap, ALongErrorRowFitsTheWidth) {
  std::string error =
      "💥 error: connector authorization failure: failed to list GCS buckets: 403 GET "
      "https://storage.googleapis.com/storage/v1/b?project=zenml-core&projection=noAcl&"
      "prettyPrint=false: empty-connectors@zenml-core.iam.gserviceaccount.com does not have "
      "storage.buckets.list access to the Google Cloud project. Permission "
      "'storage.buckets.list' denied on resource (or it may not exist).";
  TextTable table({"RESOURCE TYPE", "RESOURCE NAMES"});
  table.AddRow({"🔵 gcp-generic", "zenml-core"});
  table.AddRow({"📦 gcs-bucket", error});
  table.set_max_width(80);
  auto lines = Lines(table.Render());
  ASSERT_GT(lines.size(), 8u) << "the error row wrapped onto several lines";
  size_t first = DisplayWidth(lines.front());
  EXPECT_LE(first, 80u);
  for (auto const& line : lines) EXPECT_EQ(DisplayWidth(line), first) << line;
  ExpectWholeCharacters(lines);
  // Short columns keep their text whole: the widest column gave way.
  EXPECT_NE(table.Render().find("📦 gcs-bucket"), std::string::npos);
  EXPECT_NE(table.Render().find("🔵 gcp-generic"), std::string::npos);
  // Every word of the message is still there, in order.
  size_t at = 0;
  std::string rendered = table.Render();
  for (auto const& word : Split(error, ' ')) {
    if (DisplayWidth(word) > 40) continue;  // folded words are checked by WrapToWidth's tests
    size_t found = rendered.find(word, at);
    ASSERT_NE(found, std::string::npos) << word;
    at = found;
  }
}

// list-resources: a resource type and its names share a line however the names wrap.
TEST(TextTableWrap, ContinuationRowsKeepTypesBesideTheirNames) {
  TextTable table({"CONNECTOR", "RESOURCE TYPE", "RESOURCE NAMES"});
  table.AddRow({"aws", "🔶 aws-generic",
                "💥 error: a long message that has to wrap onto several lines of the column"});
  table.AddContinuationRow({"", "📦 s3-bucket", "s3://bucket"});
  table.AddRow({"gcp", "🔵 gcp-generic", "project"});
  table.set_max_width(50);
  std::string rendered = table.Render();
  bool found = false;
  for (auto const& line : Lines(rendered)) {
    EXPECT_LE(DisplayWidth(line), 50u) << line;
    if (line.find("📦 s3-bucket") != std::string::npos) {
      EXPECT_NE(line.find("s3://bucket"), std::string::npos) << rendered;
      found = true;
    }
  }
  EXPECT_TRUE(found) << rendered;
  // No rule between a row and its continuation; one between connectors.
  size_t rules = 0;
  for (auto const& line : Lines(rendered)) rules += line.starts_with("┠");
  EXPECT_EQ(rules, 2u) << rendered;
}

TEST(TextTableWrap, NoWidthMeansNoWrapping) {
  std::string long_cell(300, 'x');
  TextTable table({"A", "B"});
  table.AddRow({"a", long_cell});
  table.set_max_width(0);
  auto lines = Lines(table.Render());
  EXPECT_EQ(lines.size(), 5u);
  EXPECT_NE(table.Render().find(long_cell), std::string::npos);
}

TEST(TextTableWrap, TheDefaultWidthAppliesToNewTables) {
  SetDefaultTableWidth(40);
  TextTable table({"NAME", "DESCRIPTION"});
  SetDefaultTableWidth(0);  // other tests print whole cells
  table.AddRow({"n", std::string(100, 'd')});
  for (auto const& line : Lines(table.Render())) EXPECT_EQ(DisplayWidth(line), 40u) << line;
}

TEST(TextTableWrap, InertEscapesAreWrappedAsText) {
  // A control character is rendered visibly first, and the visible form counts for the width.
  TextTable table({"NAME"});
  table.AddRow({"evil\x1b]52;c;payload\x07-and-some-more-text-to-wrap"});
  table.set_max_width(20);
  std::string rendered = table.Render();
  EXPECT_EQ(rendered.find('\x1b'), std::string::npos);
  EXPECT_EQ(rendered.find('\x07'), std::string::npos);
  for (auto const& line : Lines(rendered)) EXPECT_LE(DisplayWidth(line), 20u) << line;
}

TEST(Centered, ATitleWiderThanItsTableWraps) {
  std::string title =
      Centered("'aws-s3 (s3-bucket | s3://zenfiles client)' aws Service Connector Details", 40);
  auto lines = Split(title, '\n');
  ASSERT_EQ(lines.size(), 2u);
  for (auto const& l : lines) EXPECT_LE(DisplayWidth(l), 40u);
  EXPECT_EQ(Centered("Labels", 20), "       Labels");
}

}  // namespace
}  // namespace latchkey::cli
