#include "store_fixture.h"

#include "crypto/random.h"
#include "test_postgres.h"

namespace latchkey::testing {

void StoreTest::SetUp() {
  if (GetParam() == Backend::kSqlite) {
    dir_ = std::filesystem::temp_directory_path() / ("latchkey-store-" + crypto::NewUuid());
    std::filesystem::create_directories(dir_);
    url_ = "sqlite://" + (dir_ / "latchkey.db").string();
  } else {
    auto& pg = TestPostgres::Get();
    // Never a skip: without PostgreSQL the PostgreSQL half of the suite fails.
    ASSERT_TRUE(pg.EnsureStarted())
        << "PostgreSQL is not available for the store tests: " << pg.error()
        << " (set LATCHKEY_TEST_POSTGRES_URL or make "
           "tests/peers/postgres.py work)";
    auto url = pg.NewSchemaUrl(&schema_);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
  }
  auto store = OpenStore(url_);
  ASSERT_TRUE(store) << store.error().message;
  store_ = std::move(*store);
}

void StoreTest::TearDown() {
  store_.reset();
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
  if (!schema_.empty()) {
    auto r = TestPostgres::Get().DropSchema(schema_);
    EXPECT_TRUE(r) << r.error().message;
  }
}

Connector StoreTest::MakeConnector(std::string name, std::string owner) {
  Connector c;
  c.id = crypto::NewUuid();
  c.name = std::move(name);
  c.connector_type = "docker";
  c.auth_method = "password";
  c.resource_types = {"docker-registry"};
  c.resource_id = "docker.io";
  c.configuration = {{"registry", "docker.io"}};
  c.labels = {{"team", "ml"}};
  c.owner = std::move(owner);
  c.created = c.updated = Now();
  return c;
}

SecretRecord StoreTest::MakeInternalSecret(std::string const& id) {
  SecretRecord s;
  s.id = id;
  s.name = "connector-" + id;
  s.owner = "default";
  s.internal = true;
  s.created = s.updated = Now();
  s.values = {{"password", "k1", "sealed-bytes"}, {"username", "k1", "more-bytes"}};
  return s;
}

SecretRecord StoreTest::MakeUserSecret(std::string name, std::string owner) {
  SecretRecord s;
  s.id = crypto::NewUuid();
  s.name = std::move(name);
  s.owner = std::move(owner);
  s.created = s.updated = Now();
  s.values = {{"a", "k1", "x"}};
  return s;
}

User StoreTest::MakeUser(std::string name) {
  User u;
  u.id = crypto::NewUuid();
  u.name = std::move(name);
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA";
  u.created = u.updated = Now();
  return u;
}

ApiToken StoreTest::MakeToken(std::string const& user_id, std::string name) {
  ApiToken t;
  t.id = crypto::NewUuid();
  t.user_id = user_id;
  t.name = std::move(name);
  t.token_hash = crypto::NewUuid() + crypto::NewUuid();  // stands in for a hex SHA-256
  t.created = Now();
  return t;
}

std::string BackendName(::testing::TestParamInfo<Backend> const& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);

}  // namespace latchkey::testing
