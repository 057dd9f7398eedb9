#include "cli/cached_issue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/strings.h"
#include "fake_http_client.h"
#include "service/local_backend.h"
#include "store/open_store.h"
#include "temp_files.h"

namespace latchkey::cli {
namespace {

using std::chrono::seconds;

constexpr char kRegistryPassword[] = "s3cret-registry-pw";

// The embedded backend with a docker connector whose registry (a fake) accepts user /
// kRegistryPassword; every request the registry sees is counted, so a served entry shows as no
// request at all.
class CachedIssueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteStore(tmp_.File("latchkey.db"));
    ASSERT_TRUE(store);
    auto http = std::make_unique<testing::FakeHttpClient>();
    http_ = http.get();
    // base64("user:s3cret-registry-pw")
    http_->SetHandler(testing::BasicAuthRegistry("Basic dXNlcjpzM2NyZXQtcmVnaXN0cnktcHc="));
    LocalBackendOptions options;
    options.home = tmp_.path();
    backend_ = std::make_unique<LocalBackend>(options, std::move(*store), std::move(http));
    RegisterRequest r;
    r.draft.name = "reg";
    r.draft.connector_type = "docker";
    r.values = {{"username", "user"},
                {"password", kRegistryPassword},
                {"registry", "https://reg.test:5000"}};
    auto saved = backend_->RegisterConnector(r);
    ASSERT_TRUE(saved) << saved.error().message;
    id_ = saved->connector.id;
    CredentialFileCacheOptions cache_options;
    cache_options.dir = tmp_.File("credential-cache");
    cache_options.clock = [now = now_] { return *now; };
    LocalBackend* backend = backend_.get();
    cache_ = std::make_unique<CredentialFileCache>(
        cache_options, [backend]() -> Result<KeyRing*> { return backend->SecretsKeyRing(); });
  }

  Result<Connector> Issue(bool remote = false, std::string connector = "reg") {
    CachedIssueSource source{*backend_, remote ? "remote\nhttps://server\ntoken" : "local", remote,
                             seconds(60)};
    return IssueThroughCache(source, *cache_, ClientTarget{std::move(connector), "", ""});
  }
  size_t Requests() const { return http_->requests.size(); }
  void Advance(seconds d) { *now_ += d; }
  size_t EntryFiles() const {
    size_t n = 0;
    std::error_code ec;
    for (auto const& e : std::filesystem::directory_iterator(cache_->dir(), ec)) {
      n += e.path().extension() == ".entry";
    }
    return n;
  }

  testing::TempDir tmp_;
  testing::FakeHttpClient* http_ = nullptr;
  std::unique_ptr<LocalBackend> backend_;
  std::unique_ptr<CredentialFileCache> cache_;
  std::shared_ptr<TimePoint> now_ = std::make_shared<TimePoint>(
      std::chrono::time_point_cast<seconds>(std::chrono::system_clock::now()));
  std::string id_;
};

TEST_F(CachedIssueTest, TheSecondIssueIsServedFromTheCache) {
  auto first = Issue();
  ASSERT_TRUE(first) << first.error().message;
  size_t after_first = Requests();
  EXPECT_GT(after_first, 0u);
  EXPECT_EQ(EntryFiles(), 1u);
  auto second = Issue();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(Requests(), after_first) << "a hit makes no request to the registry";
  EXPECT_EQ(second->secrets.at("password"), kRegistryPassword);
  EXPECT_EQ(second->id, id_);
  // A registry password has no expiry: served for max_ttl (300 s), then issued afresh.
  Advance(seconds(301));
  ASSERT_TRUE(Issue());
  EXPECT_GT(Requests(), after_first);
}

TEST_F(CachedIssueTest, AnUpdateChangesTheVersionAndTheEntryIsNotServed) {
  ASSERT_TRUE(Issue());
  size_t before = Requests();
  UpdateRequest update;
  update.name_or_id = "reg";
  update.description = "changed";
  update.verify = false;
  ASSERT_TRUE(backend_->UpdateConnector(update));
  ASSERT_TRUE(Issue());
  EXPECT_GT(Requests(), before) << "issued again for the new version";
  size_t after_update = Requests();
  ASSERT_TRUE(Issue());
  EXPECT_EQ(Requests(), after_update) << "and cached again";
  EXPECT_EQ(EntryFiles(), 1u);
}

TEST_F(CachedIssueTest, ADeletedConnectorIsNeverServed) {
  ASSERT_TRUE(Issue());
  ASSERT_TRUE(backend_->DeleteConnector("reg"));
  auto after = Issue();
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kNotFound);
  // What the CLI's delete does next: the entry leaves the disk.
  EXPECT_EQ(cache_->DropConnector(id_), 1u);
  EXPECT_EQ(EntryFiles(), 0u);
}

TEST_F(CachedIssueTest, KeyRotationRetiresTheEntries) {
  ASSERT_TRUE(Issue());
  size_t before = Requests();
  ASSERT_TRUE(backend_->RotateSecretsKey());
  ASSERT_TRUE(Issue());
  EXPECT_GT(Requests(), before) << "an entry sealed under the retired key is a miss";
}

TEST_F(CachedIssueTest, RenamingTheNameToAnotherConnectorIsAMiss) {
  ASSERT_TRUE(Issue());
  UpdateRequest rename;
  rename.name_or_id = "reg";
  rename.new_name = "reg-old";
  rename.verify = false;
  ASSERT_TRUE(backend_->UpdateConnector(rename));
  auto gone = Issue();
  EXPECT_FALSE(gone) << "the name no longer resolves: no stale hit";
}

TEST_F(CachedIssueTest, RemoteEntriesAreServedWithoutACallUntilTheRecheck) {
  ASSERT_TRUE(Issue(true));
  // Deleted behind the cache's back (as on another machine): within the recheck period the
  // entry is served without asking, which shows no call was made.
  ASSERT_TRUE(backend_->DeleteConnector("reg"));
  Advance(seconds(59));
  auto served = Issue(true);
  ASSERT_TRUE(served) << served.error().message;
  EXPECT_EQ(served->secrets.at("password"), kRegistryPassword);
  // After it, the connector is looked up again: gone, so nothing is served.
  Advance(seconds(1));
  EXPECT_FALSE(Issue(true));
  EXPECT_EQ(EntryFiles(), 0u);
}

TEST_F(CachedIssueTest, RemoteRecheckConfirmsTheVersionAndRestartsThePeriod) {
  ASSERT_TRUE(Issue(true));
  size_t before = Requests();
  Advance(seconds(90));
  ASSERT_TRUE(Issue(true));  // confirmed: same ID and version
  EXPECT_EQ(Requests(), before);
  UpdateRequest update;
  update.name_or_id = "reg";
  update.description = "changed";
  update.verify = false;
  ASSERT_TRUE(backend_->UpdateConnector(update));
  Advance(seconds(30));
  ASSERT_TRUE(Issue(true));  // within the restarted period: not asked yet
  EXPECT_EQ(Requests(), before);
  Advance(seconds(31));
  ASSERT_TRUE(Issue(true));  // rechecked: another version, issued afresh
  EXPECT_GT(Requests(), before);
}

TEST_F(CachedIssueTest, TheCacheHoldsNoPlaintextSecret) {
  ASSERT_TRUE(Issue());
  ASSERT_EQ(EntryFiles(), 1u);
  for (auto const& e : std::filesystem::recursive_directory_iterator(cache_->dir())) {
    EXPECT_EQ(testing::ReadText(e.path().string()).find(kRegistryPassword), std::string::npos);
  }
}

TEST(CachedIssueEnvironmentTest, NoCacheValuesAndTheDirectory) {
  auto env = [](std::string name, std::string value) {
    return Environment(std::map<std::string, std::string>{{std::move(name), std::move(value)}});
  };
  EXPECT_TRUE(CredentialCacheDisabled(env("LATCHKEY_NO_CACHE", "1")));
  EXPECT_TRUE(CredentialCacheDisabled(env("LATCHKEY_NO_CACHE", "true")));
  EXPECT_FALSE(CredentialCacheDisabled(env("LATCHKEY_NO_CACHE", "0")));
  EXPECT_FALSE(CredentialCacheDisabled(Environment()));
  EXPECT_EQ(CredentialCacheDir(env("LATCHKEY_HOME", "/h")), "/h/credential-cache");
}

}  // namespace
}  // namespace latchkey::cli
