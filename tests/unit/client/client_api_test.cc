#include <gtest/gtest.h>
#include <latchkey/client.h>

#include <filesystem>

#include "client/client_api_internal.h"
#include "common/strings.h"
#include "crypto/random.h"
#include "fake_http_client.h"
#include "service/local_backend.h"
#include "store/open_store.h"

namespace latchkey {
namespace {

// A Client over a local backend whose registry (a fake) accepts user/pw-1 with Basic auth; the
// number of requests it sees counts the credentials issued.
class ClientApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() / ("latchkey-client-api-" + crypto::NewUuid());
    std::filesystem::create_directories(home_);
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  Client Open(std::chrono::seconds margin, std::optional<TimePoint> connector_expires_at) {
    auto store = OpenSqliteStore((home_ / "latchkey.db").string());
    EXPECT_TRUE(store);
    auto http = std::make_unique<testing::FakeHttpClient>();
    registry_ = http.get();
    registry_->SetHandler(testing::BasicAuthRegistry("Basic dXNlcjpwdy0x"));
    LocalBackendOptions options;
    options.home = home_.string();
    auto backend = std::make_unique<LocalBackend>(options, std::move(*store), std::move(http));
    RegisterRequest r;
    r.draft.name = "reg";
    r.draft.connector_type = "docker";
    r.draft.expires_at = connector_expires_at;
    r.values = {{"username", "user"}, {"password", "pw-1"}, {"registry", "https://reg.test:5000"}};
    auto saved = backend->RegisterConnector(std::move(r));
    EXPECT_TRUE(saved) << saved.error().message;
    return Client(std::make_shared<Client::Impl>(Environment(), margin, std::move(backend)));
  }

  std::filesystem::path home_;
  testing::FakeHttpClient* registry_ = nullptr;
};

TEST_F(ClientApiTest, RegistryAuthComesFromTheIssuedClientConnector) {
  Client client = Open(std::chrono::seconds(300), std::nullopt);
  auto reg = client.get_service_connector_client("reg", "docker-registry");
  RegistryAuth auth = reg.registry_auth();
  EXPECT_EQ(auth.registry, "reg.test:5000");
  EXPECT_EQ(auth.username, "user");
  EXPECT_EQ(auth.password, "pw-1");
  Credentials creds = reg.credentials();
  EXPECT_EQ(creds.connector_type, "docker");
  EXPECT_EQ(creds.resource_id, "reg.test:5000");
  EXPECT_FALSE(creds.expires_at);
}

TEST_F(ClientApiTest, CredentialsAreIssuedAgainOnlyWithinTheRefreshMargin) {
  auto expires = Now() + std::chrono::minutes(10);
  Client lasting = Open(std::chrono::seconds(60), expires);
  auto reg = lasting.get_service_connector_client("reg", "docker-registry", "reg.test:5000");
  size_t after_first = registry_->requests.size();
  ASSERT_GT(after_first, 0u) << "issuing verifies against the registry";
  for (int i = 0; i < 3; ++i) reg.credentials();
  EXPECT_EQ(registry_->requests.size(), after_first) << "10 minutes left, 1 minute margin";
  ASSERT_TRUE(reg.credentials().expires_at);

  std::filesystem::remove_all(home_);
  std::filesystem::create_directories(home_);
  Client closing = Open(std::chrono::minutes(15), expires);
  auto near = closing.get_service_connector_client("reg", "docker-registry", "reg.test:5000");
  size_t first = registry_->requests.size();
  near.credentials();
  EXPECT_GT(registry_->requests.size(), first) << "within the margin: issued again";
}

TEST_F(ClientApiTest, ErrorsCarryTheCodeAndNoSecret) {
  Client client = Open(std::chrono::seconds(300), std::nullopt);
  try {
    client.get_service_connector_client("missing", "docker-registry");
    FAIL() << "no exception";
  } catch (ClientError const& e) {
    EXPECT_EQ(e.code(), "not_found");
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
  auto reg = client.get_service_connector_client("reg", "docker-registry");
  try {
    reg.aws_credentials();
    FAIL() << "no exception";
  } catch (ClientError const& e) {
    EXPECT_EQ(e.code(), "invalid_argument");
    EXPECT_EQ(std::string(e.what()).find("pw-1"), std::string::npos);
  }
}

}  // namespace
}  // namespace latchkey
