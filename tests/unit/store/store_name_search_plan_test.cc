// The plans behind `contains:`, `startswith:` and `endswith:` on names: the statements a page of
// connectors or secrets runs (ConnectorListSql / SecretListSql, as PageConnectors and
// PageSecrets build them) read the trigram index of migration 8, FTS5 on SQLite and pg_trgm's
// GIN on PostgreSQL, instead of every row. Plus the migration's two edges: SQLite rows written
// before it are found (backfill), and PostgreSQL without the right to create pg_trgm still
// migrates.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "crypto/random.h"
#include "store/open_store.h"
#include "store/postgres/pg_database.h"
#include "store/sql/migrations.h"
#include "store/sql/sql_store_internal.h"
#include "store/sqlite/sqlite_database.h"
#include "store_fixture.h"
#include "test_postgres.h"

namespace latchkey::testing {
namespace {

ListQuery NamePlanQuery(FilterOp op, std::string needle) {
  ListQuery q;
  q.fields = {FieldFilter{"name", op, {std::move(needle)}}};
  return q;
}

class NameSearchPlanTest : public StoreTest {
 protected:
  Result<std::unique_ptr<sql::Database>> OpenDatabase() {
    if (IsPostgres()) {
      auto db = postgres::PgDatabase::Open(url_);
      if (!db) return tl::unexpected(db.error());
      return std::unique_ptr<sql::Database>(std::move(*db));
    }
    auto db = sqlite::SqliteDatabase::Open((dir_ / "latchkey.db").string());
    if (!db) return tl::unexpected(db.error());
    return std::unique_ptr<sql::Database>(std::move(*db));
  }

  // The plan of the count and of the page's IDs (sql::ReadPage's two statements), as one text.
  std::string PlanOf(std::string const& table, sql::ListSql const& built) {
    auto db = OpenDatabase();
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return {};
    std::string explain = IsPostgres() ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
    std::string plan;
    auto r = (*db)->Read([&](sql::Connection& c) -> Result<void> {
      for (std::string statement :
           {"SELECT COUNT(*) FROM " + table + " " + built.where,
            "SELECT id FROM " + table + " " + built.where + " " + built.order_by + " LIMIT 50"}) {
        auto rows = c.Execute(explain + statement, built.params);
        if (!rows) return tl::unexpected(rows.error());
        for (auto const& row : rows->rows) plan += row.Text(IsPostgres() ? 0 : 3) + "\n";
      }
      return {};
    });
    EXPECT_TRUE(r) << r.error().message;
    return plan;
  }
  std::string ConnectorPlan(FilterOp op, std::string needle) {
    auto built = sql::ConnectorListSql(dialect(), NamePlanQuery(op, std::move(needle)));
    EXPECT_TRUE(built);
    return built ? PlanOf("connectors", *built) : std::string();
  }
  std::string SecretPlan(FilterOp op, std::string needle) {
    auto built = sql::SecretListSql(dialect(), NamePlanQuery(op, std::move(needle)));
    EXPECT_TRUE(built);
    return built ? PlanOf("secrets", *built) : std::string();
  }
  sql::Dialect dialect() const {
    return IsPostgres() ? sql::Dialect::kPostgres : sql::Dialect::kSqlite;
  }

  // PostgreSQL plans by statistics: enough rows, of varied names, that a scan costs more.
  void FillForThePlanner() {
    if (!IsPostgres()) return;
    auto r = TestPostgres::Get().Admin(
        "INSERT INTO " + schema_ +
        ".connectors(id, name, connector_type, auth_method, resource_types, supports_instances, "
        "configuration, labels, description, owner, created, updated) "
        "SELECT 'c-' || g, 'bulk-' || md5(g::text), 'docker', 'password', '[]', 0, '{}', '{}', "
        "'', 'default', g, g FROM generate_series(1, 5000) g; "
        "INSERT INTO " +
        schema_ +
        ".secrets(id, name, owner, internal, created, updated) "
        "SELECT 's-' || g, 'bulk-' || md5(g::text), 'default', g % 2, g, g "
        "FROM generate_series(1, 5000) g; "
        "ANALYZE " +
        schema_ + ".connectors; ANALYZE " + schema_ + ".secrets");
    ASSERT_TRUE(r) << r.error().message;
  }
};

TEST_P(NameSearchPlanTest, ThreeCharactersOrMoreReadTheTrigramIndex) {
  FillForThePlanner();
  for (FilterOp op : {FilterOp::kContains, FilterOp::kStartsWith, FilterOp::kEndsWith}) {
    std::string plan = ConnectorPlan(op, "a1b2");
    std::string secret_plan = SecretPlan(op, "a1b2");
    if (IsPostgres()) {
      EXPECT_NE(plan.find("Bitmap Index Scan on connectors_name_trigrams"), std::string::npos)
          << OpName(op) << "\n"
          << plan;
      EXPECT_NE(secret_plan.find("Bitmap Index Scan on secrets_name_trigrams"), std::string::npos)
          << OpName(op) << "\n"
          << secret_plan;
      EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << plan;
    } else {
      // The FTS5 lookup gives the rowids; each is one search of the table by rowid.
      EXPECT_NE(plan.find("SCAN connector_name_trigrams VIRTUAL TABLE"), std::string::npos)
          << OpName(op) << "\n"
          << plan;
      EXPECT_NE(plan.find("SEARCH connectors USING INTEGER PRIMARY KEY (rowid=?)"),
                std::string::npos)
          << plan;
      EXPECT_EQ(plan.find("SCAN connectors"), std::string::npos) << plan;
      EXPECT_NE(secret_plan.find("SCAN secret_name_trigrams VIRTUAL TABLE"), std::string::npos)
          << secret_plan;
      EXPECT_EQ(secret_plan.find("SCAN secrets"), std::string::npos) << secret_plan;
    }
  }
}

// On PostgreSQL the planner decides, and the query is the same ILIKE either way.
using SqliteNameSearchPlanTest = NameSearchPlanTest;

TEST_P(SqliteNameSearchPlanTest, ShorterNeedlesHaveNoTrigramToLookUp) {
  std::string plan = ConnectorPlan(FilterOp::kContains, "ab");
  EXPECT_EQ(plan.find("trigrams"), std::string::npos) << plan;
}

// Rows written before migration 8 are in the index it made: a three-character needle, which
// only finds what the index holds, finds them.
TEST(NameSearchMigration, SqliteRowsFromBeforeAreBackfilled) {
  auto dir = std::filesystem::temp_directory_path() / ("latchkey-trigram-" + crypto::NewUuid());
  std::filesystem::create_directories(dir);
  std::string path = (dir / "latchkey.db").string();
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store) << store.error().message;
  }
  // Back to the schema before migration 8, with rows that only the backfill can index.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  std::string rollback =
      "DROP TRIGGER connectors_name_trigrams_insert; DROP TRIGGER connectors_name_trigrams_delete;"
      "DROP TRIGGER connectors_name_trigrams_update; DROP TRIGGER secrets_name_trigrams_insert;"
      "DROP TRIGGER secrets_name_trigrams_delete; DROP TRIGGER secrets_name_trigrams_update;"
      "DROP TABLE connector_name_trigrams; DROP TABLE secret_name_trigrams;"
      "INSERT INTO connectors(id, name, connector_type, auth_method, resource_types,"
      " supports_instances, configuration, labels, description, owner, created, updated)"
      " VALUES ('c-1', 'Legacy-Registry', 'docker', 'password', '[]', 0, '{}', '{}', '',"
      " 'default', 1, 1);"
      "INSERT INTO secrets(id, name, owner, internal, created, updated)"
      " VALUES ('s-1', 'legacy-token', 'default', 0, 1, 1),"
      " ('s-2', 'connector-legacy', 'default', 1, 1, 1);"
      "PRAGMA user_version = 7";  // migration 8 and those after it run again
  char* err = nullptr;
  int rc = sqlite3_exec(raw, rollback.c_str(), nullptr, nullptr, &err);
  std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(raw);
  ASSERT_EQ(rc, SQLITE_OK) << message;

  auto store = OpenStore(path);
  ASSERT_TRUE(store) << store.error().message;
  auto connectors = (*store)->PageConnectors(NamePlanQuery(FilterOp::kContains, "REGISTRY"));
  ASSERT_TRUE(connectors) << connectors.error().message;
  ASSERT_EQ(connectors->items.size(), 1u);
  EXPECT_EQ(connectors->items[0].id, "c-1");
  auto secrets = (*store)->PageSecrets(NamePlanQuery(FilterOp::kContains, "legacy"));
  ASSERT_TRUE(secrets) << secrets.error().message;
  ASSERT_EQ(secrets->items.size(), 1u) << "a connector's own secret is neither indexed nor listed";
  EXPECT_EQ(secrets->items[0].id, "s-1");
  // And the triggers index what comes after.
  ASSERT_TRUE((*store)->DeleteConnector("c-1"));
  EXPECT_EQ((*store)->PageConnectors(NamePlanQuery(FilterOp::kContains, "REGISTRY"))->total, 0);
  store->reset();
  std::filesystem::remove_all(dir);
}

// pg_trgm is trusted, but creating it takes the CREATE right on the database, which a role that
// only owns its schema lacks: the migration goes on without the indexes and filters still answer.
using PostgresNameSearchPlanTest = NameSearchPlanTest;

TEST_P(PostgresNameSearchPlanTest, WithoutTheRightToCreatePgTrgmStillMigrates) {
  auto& pg = TestPostgres::Get();
  auto at = pg.url().find('@');
  ASSERT_NE(at, std::string::npos) << "the test database's URL names no user";
  store_.reset();
  // The fixture's store made pg_trgm (in its schema); without it the new role must create it.
  ASSERT_TRUE(pg.Admin("DROP EXTENSION IF EXISTS pg_trgm CASCADE"));
  std::string suffix = crypto::NewUuid().substr(0, 8);
  std::string role = "lk_noext_" + suffix;
  std::string schema = "lk_test_noext_" + suffix;
  std::string password = crypto::NewUuid();
  ASSERT_TRUE(pg.Admin("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'"));
  auto created = pg.Admin("CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
  EXPECT_TRUE(created) << created.error().message;
  std::string rest = pg.url().substr(at + 1);
  std::string url = "postgresql://" + role + ":" + password + "@" + rest +
                    (rest.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
                    schema;
  {
    auto store = OpenStore(url);
    ASSERT_TRUE(store) << store.error().message;
    for (auto name : {"aws-prod", "gcp-prod", "aws-dev"}) {
      ASSERT_TRUE((*store)->CreateConnector(MakeConnector(name), std::nullopt));
    }
    auto page = (*store)->PageConnectors(NamePlanQuery(FilterOp::kContains, "AWS-"));
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->total, 2);
  }
  auto no_index = pg.Admin(
      "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = '" + schema +
      "' AND indexname LIKE '%trigrams') OR EXISTS (SELECT 1 FROM pg_extension WHERE extname = "
      "'pg_trgm') THEN RAISE EXCEPTION 'pg_trgm or an index was made'; END IF; END $$");
  EXPECT_TRUE(no_index) << no_index.error().message;
  EXPECT_TRUE(pg.Admin("DROP SCHEMA " + schema + " CASCADE"));
  EXPECT_TRUE(pg.Admin("DROP ROLE " + role));
}

INSTANTIATE_TEST_SUITE_P(Backends, NameSearchPlanTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteNameSearchPlanTest, ::testing::Values(Backend::kSqlite),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Postgres, PostgresNameSearchPlanTest,
                         ::testing::Values(Backend::kPostgres), BackendName);

}  // namespace
}  // namespace latchkey::testing
