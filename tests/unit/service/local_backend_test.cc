#include "service/local_backend.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "crypto/random.h"
#include "fake_http_client.h"
#include "store/open_store.h"

namespace latchkey {
namespace {

// Reads every file under `dir` as bytes (database, WAL, key file).
std::string AllBytesUnder(std::filesystem::path const& dir) {
  std::string all;
  for (auto const& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string content;
    if (e.is_regular_file() && ReadFile(e.path().string(), content)) all += content;
  }
  return all;
}

class LocalBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("latchkey-backend-" + crypto::NewUuid());
    std::filesystem::create_directories(home_);
    Open();
  }
  void TearDown() override {
    backend_.reset();
    std::filesystem::remove_all(home_);
  }
  void Open() {
    backend_.reset();
    auto store = OpenSqliteStore((home_ / "latchkey.db").string());
    ASSERT_TRUE(store);
    auto http = std::make_unique<testing::FakeHttpClient>();
    http_ = http.get();
    // A registry that accepts user/s3cret-pw with Basic auth and refuses anything else.
    http_->SetHandler(testing::BasicAuthRegistry("Basic dXNlcjpzM2NyZXQtcHc="));
    LocalBackendOptions options;
    options.home = home_.string();
    backend_ = std::make_unique<LocalBackend>(options, std::move(*store), std::move(http));
  }

  RegisterRequest DockerRequest(std::string name, std::string password) {
    RegisterRequest r;
    r.draft.name = std::move(name);
    r.draft.connector_type = "docker";
    r.values = {
        {"username", "user"}, {"password", password}, {"registry", "https://reg.test:5000"}};
    return r;
  }

  std::filesystem::path home_;
  testing::FakeHttpClient* http_ = nullptr;
  std::unique_ptr<LocalBackend> backend_;
};

TEST_F(LocalBackendTest, RegisterVerifiesAndStoresSecretsSealed) {
  auto saved = backend_->RegisterConnector(DockerRequest("reg", "s3cret-pw"));
  ASSERT_TRUE(saved) << saved.error().message;
  ASSERT_TRUE(saved->resources);
  EXPECT_EQ(*saved->resources->resources[0].resource_ids,
            std::vector<std::string>{"reg.test:5000"});
  auto hidden = backend_->GetConnector("reg", false);
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->secrets.at("password"), "");
  auto revealed = backend_->GetConnector("reg", true);
  EXPECT_EQ(revealed->secrets.at("password"), "s3cret-pw");
  backend_.reset();
  EXPECT_EQ(AllBytesUnder(home_).find("s3cret-pw"), std::string::npos);
}

TEST_F(LocalBackendTest, FailedVerificationSavesNothing) {
  auto saved = backend_->RegisterConnector(DockerRequest("reg", "wrong-pw"));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().message.find("wrong-pw"), std::string::npos);
  EXPECT_TRUE(backend_->ListConnectors({})->empty());
}

TEST_F(LocalBackendTest, UpdateMergesAndReverifies) {
  ASSERT_TRUE(backend_->RegisterConnector(DockerRequest("reg", "s3cret-pw")));
  UpdateRequest bad;
  bad.name_or_id = "reg";
  bad.values = {{"password", "nope"}};
  EXPECT_FALSE(backend_->UpdateConnector(bad));
  EXPECT_EQ(backend_->GetConnector("reg", true)->secrets.at("password"), "s3cret-pw");
  UpdateRequest good;
  good.name_or_id = "reg";
  good.labels = {{"env", "prod"}};
  good.description = "main registry";
  auto updated = backend_->UpdateConnector(good);
  ASSERT_TRUE(updated) << updated.error().message;
  auto c = backend_->GetConnector("reg", true);
  EXPECT_EQ(c->labels.at("env"), "prod");
  EXPECT_EQ(c->secrets.at("username"), "user");
  UpdateRequest remove;
  remove.name_or_id = "reg";
  remove.remove_attrs = {"password"};
  EXPECT_FALSE(backend_->UpdateConnector(remove)) << "password is required";
}

TEST_F(LocalBackendTest, ClientOfSingleInstanceConnector) {
  ASSERT_TRUE(backend_->RegisterConnector(DockerRequest("reg", "s3cret-pw")));
  auto client = backend_->GetConnectorClient("reg", std::nullopt, std::nullopt);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->resource_id, "reg.test:5000");
  EXPECT_FALSE(client->secret_id);
  EXPECT_FALSE(backend_->GetConnectorClient("reg", std::nullopt, "other.test"));
}

TEST_F(LocalBackendTest, SecretsLifecycleAndRotation) {
  ASSERT_TRUE(
      backend_->CreateSecret("aws", {{"key_id", "AKIA-1"}, {"secret", "sssh-value"}}, false));
  EXPECT_FALSE(backend_->CreateSecret("aws", {{"a", "b"}}, false));
  EXPECT_FALSE(backend_->CreateSecret("other", {{"name", "reserved"}}, false));
  ASSERT_TRUE(backend_->RegisterConnector(DockerRequest("reg", "s3cret-pw")));
  auto listed = backend_->ListSecrets();
  ASSERT_EQ(listed->size(), 1u) << "connector secrets are not user secrets";
  auto updated = backend_->UpdateSecret("aws", {{"region", "eu"}}, {"key_id"}, std::nullopt);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->values.size(), 2u);
  auto rotated = backend_->RotateSecretsKey();
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(*rotated, 4u);  // 2 user values + username/password of the connector
  Open();                   // a new process reads the rotated key file
  EXPECT_EQ(backend_->GetSecret("aws", true)->values.at("secret"), "sssh-value");
  EXPECT_EQ(backend_->GetConnector("reg", true)->secrets.at("password"), "s3cret-pw");
  ASSERT_TRUE(backend_->RenameSecret("aws", "aws2"));
  EXPECT_FALSE(backend_->GetSecret("aws", false));
  ASSERT_TRUE(backend_->DeleteSecret("aws2"));
  EXPECT_TRUE(backend_->ListSecrets()->empty());
  backend_.reset();
  std::string bytes = AllBytesUnder(home_);
  EXPECT_EQ(bytes.find("sssh-value"), std::string::npos);
  EXPECT_EQ(bytes.find("s3cret-pw"), std::string::npos);
}

TEST_F(LocalBackendTest, DeleteRemovesConnectorAndItsSecret) {
  ASSERT_TRUE(backend_->RegisterConnector(DockerRequest("reg", "s3cret-pw")));
  ASSERT_TRUE(backend_->DeleteConnector("reg"));
  EXPECT_FALSE(backend_->GetConnector("reg", false));
  EXPECT_EQ(backend_->DeleteConnector("reg").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace latchkey
