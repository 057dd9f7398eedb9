#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/extra_args.h"
#include "cli/text_table.h"
#include "core/input_limits.h"

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

// Issue 17: upstream's line naming the argument and the file, on the notes stream, never the
// contents; nothing for literal values or `@@`.
TEST(ParseAttributeArgs, SaysWhichFileAnArgumentWasReadFrom) {
  auto path = std::filesystem::temp_directory_path() / "latchkey-expand-test.json";
  std::ofstream(path) << "s3cr3t-file-contents";
  std::ostringstream notes;
  auto r = ParseAttributeArgs(
      {"--service-account-json=@" + path.string(), "--b=@@literal", "--project_id=p"}, notes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("service_account_json"), "s3cr3t-file-contents");
  EXPECT_EQ(notes.str(), "Expanding argument value service_account_json to contents of file " +
                             path.string() + ".\n");
  EXPECT_EQ(notes.str().find("s3cr3t"), std::string::npos);
  // A relative path is shown absolute, as upstream does.
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(path.parent_path());
  std::ostringstream relative;
  auto r2 = ParseAttributeArgs({"--token=@" + path.filename().string()}, relative);
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(r2);
  EXPECT_EQ(relative.str(),
            "Expanding argument value token to contents of file " + path.string() + ".\n");
  // A file that cannot be read is an error, with no line claiming it was expanded.
  std::ostringstream failed;
  EXPECT_FALSE(ParseAttributeArgs({"--a=@/does/not/exist"}, failed));
  EXPECT_EQ(failed.str(), "");
  std::filesystem::remove(path);
}

// Issue 14 (10): which of two values was meant is not guessed.
TEST(ParseAttributeArgs, RefusesARepeatedAttribute) {
  auto r = ParseAttributeArgs({"--password=a", "--password=b"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("--password is given more than once"), std::string::npos);
  EXPECT_FALSE(ParseAttributeArgs({"--pass-word=a", "--pass_word", "b"}));
}

// Issue 14 (6): an @file is read up to the limit plus one byte, never whole: /dev/zero fails at
// once with the limit in the message instead of filling memory.
TEST(ParseAttributeArgs, FileValuesAreBounded) {
  auto zero = ParseAttributeArgs({"--password=@/dev/zero"});
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("over the limit of 1048576 bytes"), std::string::npos)
      << zero.error().message;
  auto path = std::filesystem::temp_directory_path() / "latchkey-attr-big.txt";
  std::ofstream(path) << std::string(kMaxValueBytes, 'x');
  auto exact = ParseAttributeArgs({"--token=@" + path.string()});
  ASSERT_TRUE(exact) << exact.error().message;
  EXPECT_EQ(exact->at("token").size(), kMaxValueBytes);
  std::ofstream(path, std::ios::app) << "y";
  EXPECT_FALSE(ParseAttributeArgs({"--token=@" + path.string()}));
  std::filesystem::remove(path);
  EXPECT_FALSE(ParseAttributeArgs({"--token=" + std::string(kMaxValueBytes + 1, 'v')}));
}

TEST(ParseAttributeArgs, RefusesStrayWords) {
  EXPECT_FALSE(ParseAttributeArgs({"stray"}));
  EXPECT_FALSE(ParseAttributeArgs({"--novalue"}));
}

// Issue 14 (4): whatever a cell holds reaches the terminal inert.
TEST(TextTable, ControlCharactersInCellsAreShownInert) {
  TextTable table({"NAME", "LABELS"});
  table.AddRow({"x\x1b]52;c;aGk=\x07", "env:prod\nteam:a\rb"});
  std::string out = table.Render();
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("x\\x1b]52;c;aGk=\\x07"), std::string::npos) << out;
  EXPECT_NE(out.find("team:a\\x0db"), std::string::npos) << out;
  EXPECT_EQ(Centered("t\x1b[2J", 40).find('\x1b'), std::string::npos);
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
