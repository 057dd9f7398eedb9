// Schema versions: a released v1 SQLite file upgrades in place; a newer schema is refused by
// both dialects; PostgreSQL replicas starting together migrate once; a killed connection heals.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <thread>

#include "crypto/random.h"
#include "store/open_store.h"
#include "store/sql/migrations.h"
#include "store_fixture.h"
#include "test_postgres.h"

namespace latchkey::testing {
namespace {

// The schema as release 1 wrote it, by hand (not from the migration list, which could drift).
constexpr char kV1Schema[] = R"sql(
CREATE TABLE secrets (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, owner TEXT NOT NULL,
  internal INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE secret_values (secret_id TEXT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  key TEXT NOT NULL, key_id TEXT NOT NULL, sealed BLOB NOT NULL, PRIMARY KEY (secret_id, key));
CREATE TABLE connectors (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE,
  connector_type TEXT NOT NULL, auth_method TEXT NOT NULL, resource_types TEXT NOT NULL,
  resource_id TEXT, supports_instances INTEGER NOT NULL, configuration TEXT NOT NULL,
  secret_id TEXT REFERENCES secrets(id), labels TEXT NOT NULL, expiration_seconds INTEGER,
  expires_at INTEGER, expires_skew_tolerance INTEGER, description TEXT NOT NULL,
  owner TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
CREATE INDEX connectors_type ON connectors(connector_type);
INSERT INTO secrets VALUES ('s-1', 'connector-c-1', 'default', 1, 1700000000, 1700000000);
INSERT INTO secret_values VALUES ('s-1', 'password', 'k1', X'00FF10');
INSERT INTO secrets VALUES ('s-2', 'mine', 'default', 0, 1700000000, 1700000000);
INSERT INTO connectors VALUES ('c-1', 'old', 'docker', 'password', '["docker-registry"]',
  'docker.io', 0, '{"registry":"docker.io"}', 's-1', '{"team":"ml"}', NULL, NULL, NULL,
  'from v1', 'default', 1700000000, 1700000001);
PRAGMA user_version = 1;
)sql";

class SqliteFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("latchkey-migrate-" + crypto::NewUuid());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "latchkey.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void RunSql(char const* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }
  long long UserVersion() {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
    sqlite3_step(st);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteFileTest, VersionOneFileUpgradesInPlace) {
  RunSql(kV1Schema);
  auto store = OpenStore(path_);  // a bare path is SQLite
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(UserVersion(), static_cast<long long>(sql::MigrationCount()));
  auto c = (*store)->FindConnector("old");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->id, "c-1");
  EXPECT_EQ(c->version, 1);
  EXPECT_FALSE(c->shared);
  EXPECT_EQ(c->description, "from v1");
  EXPECT_EQ(c->secrets.size(), 1u);
  EXPECT_EQ(c->updated, TimePoint(std::chrono::seconds(1700000001)));
  auto own = (*store)->GetSecretById("s-1");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->values[0].sealed, std::string("\0\xff\x10", 3));
  auto mine = (*store)->FindSecret("mine");
  ASSERT_TRUE(mine);
  EXPECT_FALSE(mine->shared);
  // The new tables work, and the old row takes versioned updates.
  User u;
  u.id = "u-1";
  u.name = "first";
  EXPECT_TRUE((*store)->CreateUser(u));
  Connector update = *c;
  update.description = "after upgrade";
  ASSERT_TRUE((*store)->UpdateConnector(update, std::nullopt));
  EXPECT_EQ((*store)->FindConnector("old")->version, 2);
  // Opening again is a no-op.
  store->reset();
  auto again = OpenStore("sqlite://" + path_);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)->FindConnector("c-1")->description, "after upgrade");
  // The tables rebuilt by migration 6 kept their side rows, and foreign keys are on again:
  // deleting the connector cascades to its secret's sealed values.
  ListQuery by_label;
  by_label.labels.push_back(LabelFilter{"team", "ml"});
  auto page = (*again)->PageConnectors(by_label);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "c-1");
  ASSERT_TRUE((*again)->DeleteConnector("c-1"));
  EXPECT_EQ((*again)->HasSealedValues(), false);
}

TEST_F(SqliteFileTest, NewerSchemaIsRefused) {
  RunSql("PRAGMA user_version = 99");
  auto store = OpenStore(path_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.error().message, "the database was written by a newer Latchkey (schema 99)");
}

TEST_P(StoreTest, NewerSchemaIsRefusedWithTheSameWords) {
  store_.reset();
  if (IsPostgres()) {
    auto r = TestPostgres::Get().Admin("UPDATE " + schema_ + ".schema_version SET version = 99");
    ASSERT_TRUE(r) << r.error().message;
  } else {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "latchkey.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = OpenAnother();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.error().message, "the database was written by a newer Latchkey (schema 99)");
}

// PostgreSQL only: the SQLite cases of these live in the file tests above.
class PostgresTest : public StoreTest {};

TEST_P(PostgresTest, ReplicasStartingTogetherMigrateOnce) {
  std::string schema;
  auto url = TestPostgres::Get().NewSchemaUrl(&schema);
  ASSERT_TRUE(url) << url.error().message;
  std::vector<Result<std::unique_ptr<Store>>> opened;
  for (int i = 0; i < 6; ++i) opened.emplace_back(Fail(ErrorCode::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < opened.size(); ++i) {
    threads.emplace_back([&, i] { opened[i] = OpenStore(*url); });
  }
  for (auto& t : threads) t.join();
  for (auto const& s : opened) ASSERT_TRUE(s) << s.error().message;
  // One row, at the latest version: the migrations ran once.
  auto check = TestPostgres::Get().Admin(
      "DO $$ BEGIN IF (SELECT COUNT(*) FROM " + schema +
      ".schema_version WHERE version = " + std::to_string(sql::MigrationCount()) +
      ") <> 1 THEN RAISE "
      "EXCEPTION 'schema_version is wrong'; END IF; END $$");
  EXPECT_TRUE(check) << check.error().message;
  ASSERT_TRUE((*opened[0])->CreateConnector(MakeConnector("x"), std::nullopt));
  EXPECT_TRUE((*opened[5])->FindConnector("x"));
  opened.clear();
  EXPECT_TRUE(TestPostgres::Get().DropSchema(schema));
}

TEST_P(PostgresTest, KilledConnectionsAreReopenedAndTheCallRetried) {
  ASSERT_TRUE(store_->CreateConnector(MakeConnector("before"), std::nullopt));
  // The server ends every session of this store (as a restart or a failover would).
  auto kill = TestPostgres::Get().Admin(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" +
      schema_ + "'");
  ASSERT_TRUE(kill) << kill.error().message;
  auto found = store_->FindConnector("before");
  EXPECT_TRUE(found) << found.error().message;
  ASSERT_TRUE(TestPostgres::Get().Admin(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" +
      schema_ + "'"));
  auto created = store_->CreateConnector(MakeConnector("after"), std::nullopt);
  EXPECT_TRUE(created) << created.error().message;
  EXPECT_TRUE(store_->FindConnector("after"));
}

INSTANTIATE_TEST_SUITE_P(Backends, PostgresTest, ::testing::Values(Backend::kPostgres),
                         BackendName);

}  // namespace
}  // namespace latchkey::testing
