#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/strings.h"
#include "crypto/random.h"
#include "stack/artifact_store.h"

namespace latchkey {
namespace {

class LocalArtifactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("latchkey-artifacts-" + crypto::NewUuid());
    std::filesystem::create_directories(dir_ / "work");
    store_ = MakeLocalArtifactStore((dir_ / "store").string());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Work(std::string const& name) { return (dir_ / "work" / name).string(); }
  void WriteFile(std::string const& path, std::string const& content) {
    std::ofstream(path, std::ios::binary) << content;
  }
  std::string ReadBack(std::string const& path) {
    std::string out;
    EXPECT_TRUE(ReadFile(path, out));
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<ArtifactStore> store_;
};

TEST_F(LocalArtifactStoreTest, RoundTripsBytesAndListsByPrefix) {
  std::string content(3 << 20, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  WriteFile(Work("in.bin"), content);
  uint64_t last = 0;
  auto up = store_->Upload(Work("in.bin"), "runs/1/model.bin", [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, content.size());
    last = done;
  });
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(*up, content.size());
  EXPECT_EQ(last, content.size());
  WriteFile(Work("b.txt"), "hello");
  ASSERT_TRUE(store_->Upload(Work("b.txt"), "other.txt", {}));
  auto down = store_->Download("runs/1/model.bin", Work("out.bin"), {});
  ASSERT_TRUE(down) << down.error().message;
  EXPECT_EQ(ReadBack(Work("out.bin")), content);
  auto runs = store_->List("runs/");
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].key, "runs/1/model.bin");
  EXPECT_EQ((*runs)[0].size, content.size());
  EXPECT_EQ(store_->List("")->size(), 2u);
}

TEST_F(LocalArtifactStoreTest, MissingArtifactLeavesNoLocalFile) {
  auto down = store_->Download("absent", Work("out.bin"), {});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(Work("out.bin")));
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "work"));
}

TEST_F(LocalArtifactStoreTest, KeysMayNotEscapeTheStore) {
  WriteFile(Work("in"), "x");
  for (std::string key : {"../escape", "/abs", "a//b", "a/./b", "", "a/.."}) {
    auto r = store_->Upload(Work("in"), key, {});
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "escape"));
}

}  // namespace
}  // namespace latchkey
