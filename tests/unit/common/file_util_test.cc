#include "common/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "temp_files.h"

namespace latchkey {
namespace {

TEST(WriteFileAtomicTest, ReplacesTheFileWithItsModeAndLeavesNothingBeside) {
  testing::TempDir dir;
  std::string path = dir.path() + "/secrets.key";
  ASSERT_TRUE(WriteFileAtomic(path, "old key\n", 0600));
  ASSERT_TRUE(WriteFileAtomic(path, "new key\n", 0600));
  EXPECT_EQ(testing::ReadText(path), "new key\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The temporary file is written unnamed and named only just before the rename: no copy of
  // the contents stays in the directory.
  size_t entries = 0;
  for (auto const& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "secrets.key");
  }
  EXPECT_EQ(entries, 1u);
}

}  // namespace
}  // namespace latchkey
