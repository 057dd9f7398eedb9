#include "cli/secret_export.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "temp_files.h"

namespace latchkey::cli {
namespace {

TEST(SecretValuesYamlTest, RoundTripsEveryValueAsAString) {
  std::map<std::string, std::string> values{{"port", "123"},
                                            {"flag", "true"},
                                            {"empty", ""},
                                            {"nul", "null"},
                                            {"pem", "-----BEGIN-----\nabc\n-----END-----\n"},
                                            {"esc", "a\x1b]52;c\x07z"}};
  std::string yaml = SecretValuesYaml(values);
  EXPECT_EQ(yaml.find('\x1b'), std::string::npos) << "control characters must be escaped";
  YAML::Node node = YAML::Load(yaml);
  ASSERT_TRUE(node.IsMap());
  EXPECT_EQ(node.size(), values.size());
  for (auto const& [k, v] : values) {
    ASSERT_TRUE(node[k]) << k;
    EXPECT_EQ(node[k].Tag(), "!") << k << " must be a quoted (string) scalar";
    EXPECT_EQ(node[k].as<std::string>(), v) << k;
  }
}

TEST(WriteSecretExportTest, WritesMode0600AndRefusesToReplaceWithoutOverwrite) {
  testing::TempDir dir;
  std::string path = dir.path() + "/export.yaml";
  ASSERT_TRUE(WriteSecretExport(path, "a: \"1\"\n", false));
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto again = WriteSecretExport(path, "a: \"2\"\n", false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find("--overwrite"), std::string::npos);
  EXPECT_EQ(testing::ReadText(path), "a: \"1\"\n");

  ASSERT_TRUE(WriteSecretExport(path, "a: \"3\"\n", true));
  EXPECT_EQ(testing::ReadText(path), "a: \"3\"\n");
  size_t entries = 0;
  for (auto const& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "export.yaml");
  }
  EXPECT_EQ(entries, 1u) << "no temporary file may stay behind";
}

}  // namespace
}  // namespace latchkey::cli
