#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/random.h"

namespace latchkey {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("latchkey-store-" + crypto::NewUuid());
    std::filesystem::create_directories(dir_);
    auto s = SqliteStore::Open((dir_ / "db").string());
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Connector Make(std::string name) {
    Connector c;
    c.id = crypto::NewUuid();
    c.name = std::move(name);
    c.connector_type = "docker";
    c.auth_method = "password";
    c.resource_types = {"docker-registry"};
    c.resource_id = "docker.io";
    c.configuration = {{"registry", "docker.io"}};
    c.labels = {{"team", "ml"}};
    c.owner = "default";
    c.created = c.updated = Now();
    return c;
  }

  SecretRecord Secret(std::string id) {
    SecretRecord s;
    s.id = id;
    s.name = "connector-" + id;
    s.owner = "default";
    s.internal = true;
    s.values = {{"password", "k1", "sealed-bytes"}, {"username", "k1", "more-bytes"}};
    return s;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, CreateFindListDelete) {
  Connector c = Make("reg");
  auto secret = Secret(crypto::NewUuid());
  c.secret_id = secret.id;
  ASSERT_TRUE(store_->CreateConnector(c, secret));
  auto found = store_->FindConnector("reg");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, c.id);
  EXPECT_EQ(found->configuration, c.configuration);
  EXPECT_EQ(found->secrets.size(), 2u);  // key names only
  EXPECT_EQ(found->secrets.at("password"), "");
  EXPECT_TRUE(store_->FindConnector(c.id.substr(0, 6)));
  EXPECT_EQ(store_->FindConnector("nope").error().code, ErrorCode::kNotFound);

  ConnectorFilter f;
  f.labels = {{"team", std::string("ml")}};
  EXPECT_EQ(store_->ListConnectors(f)->size(), 1u);
  f.labels = {{"team", std::string("web")}};
  EXPECT_EQ(store_->ListConnectors(f)->size(), 0u);
  f = {};
  f.resource_type = "kubernetes-cluster";
  EXPECT_EQ(store_->ListConnectors(f)->size(), 0u);

  ASSERT_TRUE(store_->DeleteConnector(c.id));
  EXPECT_FALSE(store_->GetSecretById(secret.id));  // the connector's secret goes with it
}

TEST_F(SqliteStoreTest, DuplicateNamesAreRefusedWithoutLeftovers) {
  ASSERT_TRUE(store_->CreateConnector(Make("dup"), std::nullopt));
  Connector again = Make("dup");
  auto secret = Secret(crypto::NewUuid());
  again.secret_id = secret.id;
  auto r = store_->CreateConnector(again, secret);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(r.error().message.find("already exists"), std::string::npos);
  EXPECT_FALSE(store_->GetSecretById(secret.id)) << "the transaction must roll back the secret";
}

TEST_F(SqliteStoreTest, UpdateReplacesSecret) {
  Connector c = Make("upd");
  auto s1 = Secret(crypto::NewUuid());
  c.secret_id = s1.id;
  ASSERT_TRUE(store_->CreateConnector(c, s1));
  auto s2 = Secret(crypto::NewUuid());
  c.secret_id = s2.id;
  c.description = "changed";
  ASSERT_TRUE(store_->UpdateConnector(c, s2));
  EXPECT_EQ(store_->FindConnector("upd")->description, "changed");
  EXPECT_FALSE(store_->GetSecretById(s1.id));
  EXPECT_TRUE(store_->GetSecretById(s2.id));
}

TEST_F(SqliteStoreTest, UserSecretsAndReseal) {
  SecretRecord s;
  s.id = crypto::NewUuid();
  s.name = "aws";
  s.owner = "default";
  s.values = {{"a", "k1", "x"}};
  ASSERT_TRUE(store_->CreateSecret(s));
  auto internal = Secret(crypto::NewUuid());
  ASSERT_TRUE(store_->CreateSecret(internal));
  EXPECT_EQ(store_->ListSecrets()->size(), 1u);  // internal secrets are hidden
  EXPECT_FALSE(store_->FindSecret(internal.name));
  auto count =
      store_->ResealAll([](std::string const&, EncryptedValue const& v) -> Result<EncryptedValue> {
        return EncryptedValue{v.key, "k2", v.sealed + "!"};
      });
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 3u);
  EXPECT_EQ(store_->FindSecret("aws")->values[0].key_id, "k2");
  auto failing =
      store_->ResealAll([](std::string const&, EncryptedValue const&) -> Result<EncryptedValue> {
        return Fail(ErrorCode::kInternal, "boom");
      });
  EXPECT_FALSE(failing);
  EXPECT_EQ(store_->FindSecret("aws")->values[0].key_id, "k2") << "a failed reseal changes nothing";
}

TEST_F(SqliteStoreTest, ReopenKeepsSchema) {
  ASSERT_TRUE(store_->CreateConnector(Make("persist"), std::nullopt));
  store_.reset();
  auto s = SqliteStore::Open((dir_ / "db").string());
  ASSERT_TRUE(s);
  EXPECT_TRUE((*s)->FindConnector("persist"));
}

}  // namespace
}  // namespace latchkey
