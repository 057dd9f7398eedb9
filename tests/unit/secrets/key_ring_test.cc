#include "secrets/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "common/strings.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "secrets/secret_box.h"

namespace latchkey {
namespace {

std::filesystem::path NewKeysDir() {
  auto d = std::filesystem::temp_directory_path() / ("latchkey-keys-" + crypto::NewUuid());
  std::filesystem::create_directories(d);
  return d;
}

TEST(KeyRing, FileIsCreatedOnceWithMode0600) {
  auto dir = NewKeysDir();
  std::string path = (dir / "secrets.key").string();
  auto a = KeyRing::LoadOrCreateFile(path);
  ASSERT_TRUE(a);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = KeyRing::LoadOrCreateFile(path);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->active_id(), b->active_id());
  EXPECT_EQ(a->active_key(), b->active_key());
  ::chmod(path.c_str(), 0644);
  EXPECT_FALSE(KeyRing::LoadOrCreateFile(path)) << "a world-readable key file is refused";
  std::filesystem::remove_all(dir);
}

TEST(KeyRing, EnvironmentKeysFirstIsActive) {
  std::string k1 = crypto::RandomBytes(32), k2 = crypto::RandomBytes(32);
  auto ring =
      KeyRing::FromEnvironmentValue(crypto::Base64Encode(k1) + "," + crypto::Base64Encode(k2));
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->active_key(), k1);
  EXPECT_TRUE(ring->Find(KeyRing::KeyIdOf(k2)));
  EXPECT_FALSE(KeyRing::FromEnvironmentValue("c2hvcnQ="));
}

TEST(SecretBox, RotationKeepsOldValuesReadable) {
  auto dir = NewKeysDir();
  std::string path = (dir / "secrets.key").string();
  SecretBox box([&] { return KeyRing::LoadOrCreateFile(path); });
  auto sealed = box.Seal("s1", "password", "hunter2");
  ASSERT_TRUE(sealed);
  ASSERT_TRUE((*box.Ring())->AddFreshActiveKey());
  EXPECT_NE((*box.Ring())->active_id(), sealed->key_id);
  EXPECT_EQ(*box.Open("s1", *sealed), "hunter2");
  EXPECT_FALSE(box.Open("s2", *sealed)) << "bound to its record";
  EncryptedValue moved = *sealed;
  moved.key = "username";
  EXPECT_FALSE(box.Open("s1", moved)) << "bound to its key";
  ASSERT_TRUE((*box.Ring())->DropInactiveKeys());
  EXPECT_FALSE(box.Open("s1", *sealed)) << "dropped keys no longer open values";
  std::string text;
  ASSERT_TRUE(ReadFile(path, text));
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace latchkey
