#include "cli/credential_file_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "temp_files.h"

namespace latchkey::cli {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kCachedSecretValue[] = "wJalrXUtnFEMI-cached-secret-value";

class CredentialFileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ring = KeyRing::LoadOrCreateFile(tmp_.File("secrets.key"));
    ASSERT_TRUE(ring) << ring.error().message;
    ring_ = std::make_shared<KeyRing>(std::move(*ring));
  }

  CredentialFileCacheOptions Options() {
    CredentialFileCacheOptions options;
    options.dir = dir_;
    options.clock = [now = now_] { return *now; };
    return options;
  }
  CredentialFileCache Cache() {
    return CredentialFileCache(Options(),
                               [ring = ring_]() -> Result<KeyRing*> { return ring.get(); });
  }

  static Connector Client(std::optional<TimePoint> expires_at,
                          std::string secret = kCachedSecretValue) {
    Connector c;
    c.id = "conn-1";
    c.name = "aws-s3 (s3-bucket | s3://b client)";
    c.connector_type = "aws";
    c.auth_method = "sts-token";
    c.resource_types = {"s3-bucket"};
    c.resource_id = "s3://b";
    c.configuration = {{"region", "us-east-1"}};
    c.secrets = {{"aws_access_key_id", "ASIAEXAMPLE"},
                 {"aws_secret_access_key", std::move(secret)},
                 {"aws_session_token", "session-token-value"}};
    c.expires_at = expires_at;
    return c;
  }
  static CachedClient Entry(Connector client, std::string connector_id = "conn-1",
                            int64_t version = 3) {
    return CachedClient{connector_id, version, "s3-bucket", "s3://b", {}, {}, std::move(client)};
  }

  void Advance(seconds d) { *now_ += d; }
  TimePoint now() const { return *now_; }

  testing::TempDir tmp_;
  std::string dir_ = tmp_.File("home/credential-cache");
  std::shared_ptr<TimePoint> now_ = std::make_shared<TimePoint>(seconds(1'800'000'000));
  std::shared_ptr<KeyRing> ring_;
};

TEST_F(CredentialFileCacheTest, StoredEntryIsFoundWithItsSecrets) {
  auto cache = Cache();
  EXPECT_FALSE(cache.Find("req"));
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  // Another process: a new cache object over the same directory.
  auto again = Cache().Find("req");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->connector_id, "conn-1");
  EXPECT_EQ(again->connector_version, 3);
  EXPECT_EQ(again->resource_id, "s3://b");
  EXPECT_EQ(again->checked_at, now());
  EXPECT_EQ(again->client.secrets.at("aws_secret_access_key"), kCachedSecretValue);
  EXPECT_EQ(again->client.expires_at, now() + minutes(60));
  EXPECT_FALSE(cache.Find("another request"));
}

TEST_F(CredentialFileCacheTest, ServedUntilTheRefreshMarginThenRemoved) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  Advance(minutes(54) + seconds(59));
  EXPECT_TRUE(cache.Find("req"));
  Advance(seconds(1));  // 5 minutes (the margin) before expiry
  EXPECT_FALSE(cache.Find("req"));
  EXPECT_FALSE(std::filesystem::exists(cache.PathOf("req")));
}

TEST_F(CredentialFileCacheTest, MarginIsCappedAtHalfTheLifetime) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(8)))));
  Advance(minutes(3) + seconds(59));
  EXPECT_TRUE(cache.Find("req"));
  Advance(seconds(1));  // half of the 8 minutes
  EXPECT_FALSE(cache.Find("req"));
}

TEST_F(CredentialFileCacheTest, CredentialsWithoutExpiryAreServedForMaxTtl) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(std::nullopt))));
  Advance(seconds(299));
  EXPECT_TRUE(cache.Find("req"));
  Advance(seconds(1));
  EXPECT_FALSE(cache.Find("req"));
}

TEST_F(CredentialFileCacheTest, CredentialsAlreadyDueForRefreshAreNotStored) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(now()))));
  EXPECT_FALSE(std::filesystem::exists(cache.PathOf("req")));
  EXPECT_FALSE(cache.Find("req"));
}

TEST_F(CredentialFileCacheTest, DirectoryIs0700AndFilesAre0600) {
  // A directory made earlier with a looser mode is tightened.
  std::filesystem::create_directories(dir_);
  ::chmod(dir_.c_str(), 0755);
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  struct stat st {};
  ASSERT_EQ(::stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  size_t files = 0;
  for (auto const& e : std::filesystem::directory_iterator(dir_)) {
    ++files;
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << e.path();
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(CredentialFileCacheTest, NothingInPlaintextOnDisk) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req-aws-s3-by-name", Entry(Client(now() + minutes(60)))));
  for (auto const& e : std::filesystem::recursive_directory_iterator(dir_)) {
    std::string name = e.path().filename().string();
    EXPECT_EQ(name.find("aws-s3"), std::string::npos) << "the request is not in the file name";
    std::string bytes = testing::ReadText(e.path().string());
    ASSERT_FALSE(bytes.empty());
    for (std::string value : {std::string(kCachedSecretValue), std::string("ASIAEXAMPLE"),
                              std::string("session-token-value"), std::string("conn-1"),
                              std::string("s3://b"), std::string("req-aws-s3-by-name")}) {
      EXPECT_EQ(bytes.find(value), std::string::npos) << value << " in " << e.path();
    }
  }
}

TEST_F(CredentialFileCacheTest, CorruptOrTruncatedFilesAreMissesAndReplaced) {
  auto cache = Cache();
  std::string path = cache.PathOf("req");
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  std::string good = testing::ReadText(path);
  for (std::string bad : {std::string(), good.substr(0, good.size() / 2), std::string("{}"),
                          std::string("not json at all \x01\xff"), std::string(3 << 20, 'x'),
                          std::string(R"({"format":"latchkey-credential-cache/1","key_id":5})")}) {
    testing::WriteText(path, bad);
    EXPECT_FALSE(cache.Find("req")) << bad.substr(0, 40);
    EXPECT_FALSE(std::filesystem::exists(path));
  }
  // One flipped byte of the ciphertext.
  std::string flipped = good;
  flipped[flipped.size() - 10] ^= 0x01;
  testing::WriteText(path, flipped);
  EXPECT_FALSE(cache.Find("req"));
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  EXPECT_TRUE(cache.Find("req"));
}

TEST_F(CredentialFileCacheTest, AnEntryCopiedToAnotherRequestDoesNotOpen) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("mine", Entry(Client(now() + minutes(60)))));
  testing::WriteText(cache.PathOf("theirs"), testing::ReadText(cache.PathOf("mine")));
  EXPECT_FALSE(cache.Find("theirs"));
  EXPECT_TRUE(cache.Find("mine"));
}

TEST_F(CredentialFileCacheTest, AnotherKeyIsAMiss) {
  ASSERT_TRUE(Cache().Store("req", Entry(Client(now() + minutes(60)))));
  testing::TempDir other;
  auto other_ring = std::make_shared<KeyRing>(*KeyRing::LoadOrCreateFile(other.File("k")));
  CredentialFileCache cache(Options(),
                            [other_ring]() -> Result<KeyRing*> { return other_ring.get(); });
  EXPECT_FALSE(cache.Find("req"));
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  EXPECT_TRUE(cache.Find("req"));
}

TEST_F(CredentialFileCacheTest, EntriesSealedBeforeARotationAreNotServed) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  // The retired key is still in the ring (rotation keeps it until every value is re-sealed), but
  // the cache serves only what the active key sealed.
  ASSERT_TRUE(ring_->AddFreshActiveKey());
  EXPECT_FALSE(cache.Find("req"));
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  EXPECT_TRUE(cache.Find("req"));
  EXPECT_EQ(cache.Clear(), 1u);
  EXPECT_FALSE(cache.Find("req"));
}

TEST_F(CredentialFileCacheTest, NoKeyRingIsAMissNotAnError) {
  CredentialFileCache cache(Options(), []() -> Result<KeyRing*> {
    return Fail(ErrorCode::kFailedPrecondition, "no key yet");
  });
  EXPECT_FALSE(cache.Find("req"));
  EXPECT_FALSE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  EXPECT_FALSE(std::filesystem::exists(cache.PathOf("req")));
}

TEST_F(CredentialFileCacheTest, DropConnectorRemovesOnlyItsEntries) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("a1", Entry(Client(now() + minutes(60)), "conn-a")));
  ASSERT_TRUE(cache.Store("a2", Entry(Client(now() + minutes(60)), "conn-a")));
  ASSERT_TRUE(cache.Store("b", Entry(Client(now() + minutes(60)), "conn-b")));
  EXPECT_EQ(cache.DropConnector("conn-a"), 2u);
  EXPECT_FALSE(cache.Find("a1"));
  EXPECT_FALSE(cache.Find("a2"));
  EXPECT_TRUE(cache.Find("b"));
}

TEST_F(CredentialFileCacheTest, StoringSweepsEntriesThatCanNoLongerBeServed) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("old", Entry(Client(now() + minutes(10)))));
  Advance(minutes(30));
  ASSERT_TRUE(cache.Store("new", Entry(Client(now() + minutes(60)))));
  EXPECT_FALSE(std::filesystem::exists(cache.PathOf("old")));
  EXPECT_TRUE(std::filesystem::exists(cache.PathOf("new")));
}

TEST_F(CredentialFileCacheTest, TouchKeepsTheServingPeriod) {
  auto cache = Cache();
  ASSERT_TRUE(cache.Store("req", Entry(Client(now() + minutes(60)))));
  Advance(minutes(10));
  auto hit = cache.Find("req");
  ASSERT_TRUE(hit);
  ASSERT_TRUE(cache.Touch("req", *hit, now()));
  auto touched = cache.Find("req");
  ASSERT_TRUE(touched);
  EXPECT_EQ(touched->checked_at, now());
  EXPECT_EQ(touched->serve_until, hit->serve_until);
}

}  // namespace
}  // namespace latchkey::cli
