#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/extra_args.h"
#include "cli/text_table.h"

namespace latchkey::cli {
namespace {

TEST(ParseAttributeArgs, EqualsAndSpaceForms) {
  auto r = ParseAttributeArgs({"--username=u", "--pass-word", "p", "--empty="});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("username"), "u");
  EXPECT_EQ(r->at("pass_word"), "p");
  EXPECT_EQ(r->at("empty"), "");
}

TEST(ParseAttributeArgs, FileValuesAndEscapes) {
  auto path = std::filesystem::temp_directory_path() / "latchkey-attr-test.txt";
  std::ofstream(path) << "from-file";
  auto r = ParseAttributeArgs({"--a=@" + path.string(), "--b=@@literal"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("a"), "from-file");
  EXPECT_EQ(r->at("b"), "@literal");
  EXPECT_FALSE(ParseAttributeArgs({"--a=@/does/not/exist"}));
  std::filesystem::remove(path);
}

TEST(ParseAttributeArgs, RefusesStrayWords) {
  EXPECT_FALSE(ParseAttributeArgs({"stray"}));
  EXPECT_FALSE(ParseAttributeArgs({"--novalue"}));
}

TEST(TextTable, EmojiCountTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("📦 s3"), 5u);
  EXPECT_EQ(DisplayWidth("✅"), 2u);
  TextTable t({"A", "B"});
  t.AddRow({"📦 x", "1\n2"});
  std::string out = t.Render();
  EXPECT_NE(out.find("┃ 📦 x │ 1 ┃"), std::string::npos) << out;
  EXPECT_NE(out.find("┃      │ 2 ┃"), std::string::npos) << out;
}

}  // namespace
}  // namespace latchkey::cli
