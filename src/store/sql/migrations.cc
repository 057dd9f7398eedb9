#include "store/sql/migrations.h"

#include <string_view>

#include "common/strings.h"

namespace latchkey::sql {
namespace {

constexpr char const* kMigrations[] = {
    // 1: connectors and secrets. Secret values are sealed per value (secret_values.sealed).
    R"sql(
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  internal {INT} NOT NULL DEFAULT 0,
  created {INT} NOT NULL,
  updated {INT} NOT NULL
);
CREATE TABLE secret_values (
  secret_id TEXT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sealed {BLOB} NOT NULL,
  PRIMARY KEY (secret_id, key)
);
CREATE TABLE connectors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  connector_type TEXT NOT NULL,
  auth_method TEXT NOT NULL,
  resource_types TEXT NOT NULL,
  resource_id TEXT,
  supports_instances {INT} NOT NULL,
  configuration TEXT NOT NULL,
  secret_id TEXT REFERENCES secrets(id),
  labels TEXT NOT NULL,
  expiration_seconds {INT},
  expires_at {INT},
  expires_skew_tolerance {INT},
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  created {INT} NOT NULL,
  updated {INT} NOT NULL
);
CREATE INDEX connectors_type ON connectors(connector_type);
)sql",
    // 2: users and their API tokens (only hashes), per-owner sharing, versioned connectors
    // (optimistic concurrency between server replicas).
    R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  admin {INT} NOT NULL DEFAULT 0,
  service_account {INT} NOT NULL DEFAULT 0,
  active {INT} NOT NULL DEFAULT 1,
  created {INT} NOT NULL,
  updated {INT} NOT NULL
);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created {INT} NOT NULL,
  expires_at {INT},
  revoked {INT} NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
ALTER TABLE connectors ADD COLUMN shared {INT} NOT NULL DEFAULT 0;
ALTER TABLE connectors ADD COLUMN version {INT} NOT NULL DEFAULT 1;
ALTER TABLE secrets ADD COLUMN shared {INT} NOT NULL DEFAULT 0;
CREATE INDEX connectors_owner ON connectors(owner);
CREATE INDEX secrets_owner ON secrets(owner);
)sql",
    // 3: the store's revision, advanced by every write transaction (SqlStore::Write) so that
    // server replicas can tell whether what they cached is still current.
    R"sql(
CREATE TABLE store_revision (
  id {INT} PRIMARY KEY,
  value {INT} NOT NULL
);
INSERT INTO store_revision (id, value) VALUES (1, 0);
)sql",
    // 4: stack components (linked to at most one connector, which cannot be deleted while
    // they use it), stacks of one component per type, and each user's active stack.
    R"sql(
CREATE TABLE stack_components (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  component_type TEXT NOT NULL,
  flavor TEXT NOT NULL,
  configuration TEXT NOT NULL,
  connector_id TEXT REFERENCES connectors(id),
  connector_resource_id TEXT,
  owner TEXT NOT NULL,
  created {INT} NOT NULL,
  updated {INT} NOT NULL,
  UNIQUE (component_type, name)
);
CREATE INDEX stack_components_connector ON stack_components(connector_id);
CREATE TABLE stacks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  created {INT} NOT NULL,
  updated {INT} NOT NULL
);
CREATE TABLE stack_members (
  stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
  component_type TEXT NOT NULL,
  component_id TEXT NOT NULL REFERENCES stack_components(id),
  PRIMARY KEY (stack_id, component_type)
);
CREATE INDEX stack_members_component ON stack_members(component_id);
CREATE TABLE active_stacks (
  owner TEXT PRIMARY KEY,
  stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE
);
)sql",
    // 5: lists filtered, sorted and paged in the database. Labels and resource types get rows
    // of their own (backfilled from the JSON columns, which stay the source a connector is read
    // from) so `label=k[=v]` and `resource_type=` are index lookups; indexes for every filter
    // and sort order. The sort indexes end in `id` so a page's IDs come from the index alone
    // (PageConnectors selects them first, then reads only those rows).
    R"sql(
CREATE TABLE connector_labels (
  connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (connector_id, key)
);
CREATE INDEX connector_labels_key_value ON connector_labels(key, value, connector_id);
CREATE TABLE connector_resource_types (
  connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL,
  PRIMARY KEY (connector_id, resource_type)
);
CREATE INDEX connector_resource_types_type ON connector_resource_types(resource_type, connector_id);
INSERT INTO connector_labels(connector_id, key, value) {LABEL_ROWS};
INSERT INTO connector_resource_types(connector_id, resource_type) {TYPE_ROWS};
CREATE INDEX connectors_auth_method ON connectors(auth_method);
CREATE INDEX connectors_resource_id ON connectors(resource_id);
CREATE INDEX connectors_secret_id ON connectors(secret_id);
CREATE INDEX connectors_name_id ON connectors(name, id);
CREATE INDEX connectors_created ON connectors(created, name, id);
CREATE INDEX connectors_updated ON connectors(updated, name, id);
CREATE INDEX connectors_owner_name ON connectors(owner, name);
CREATE INDEX secrets_internal_name ON secrets(internal, name, id);
CREATE INDEX secrets_internal_created ON secrets(internal, created, name, id);
CREATE INDEX secrets_internal_updated ON secrets(internal, updated, name, id);
CREATE INDEX stack_components_type_name ON stack_components(component_type, name);
CREATE INDEX stacks_owner ON stacks(owner);
CREATE INDEX api_tokens_created ON api_tokens(created, id);
)sql",
    // 6: names unique per owner (and among shared items) instead of across users, so a
    // refused name no longer reveals another user's private item and names cannot be squatted.
    // The old global UNIQUE constraints go first ({DROP_GLOBAL_NAME_UNIQUENESS}: PostgreSQL
    // drops them; SQLite, which cannot, rebuilds the tables without them). Fewer B-trees per
    // connector created (each is a page written per create): a connector's own secret is in
    // none of the user-secret indexes (partial on internal = 0), the owner indexes are the
    // unique (owner, name) ones, and SQLite's key-value side tables are WITHOUT ROWID.
    R"sql(
{DROP_GLOBAL_NAME_UNIQUENESS}
DROP INDEX IF EXISTS connectors_owner_name;
DROP INDEX IF EXISTS connectors_owner;
CREATE UNIQUE INDEX connectors_owner_name ON connectors(owner, name);
CREATE UNIQUE INDEX connectors_shared_name ON connectors(name) WHERE shared <> 0;
DROP INDEX IF EXISTS secrets_owner;
DROP INDEX IF EXISTS secrets_internal_name;
DROP INDEX IF EXISTS secrets_internal_created;
DROP INDEX IF EXISTS secrets_internal_updated;
CREATE UNIQUE INDEX secrets_owner_name ON secrets(owner, name) WHERE internal = 0;
CREATE UNIQUE INDEX secrets_shared_name ON secrets(name) WHERE shared <> 0 AND internal = 0;
CREATE INDEX secrets_user_name ON secrets(name, id) WHERE internal = 0;
CREATE INDEX secrets_user_created ON secrets(created, name, id) WHERE internal = 0;
CREATE INDEX secrets_user_updated ON secrets(updated, name, id) WHERE internal = 0;
CREATE UNIQUE INDEX stack_components_owner_type_name
  ON stack_components(owner, component_type, name);
DROP INDEX IF EXISTS stacks_owner;
CREATE UNIQUE INDEX stacks_owner_name ON stacks(owner, name);
CREATE INDEX stacks_name ON stacks(name);
)sql",
    // 7: components, stacks, users and tokens page in the database like connectors: an index
    // for each sort order (ending in the tiebreak, so a page's IDs come from the index).
    R"sql(
CREATE INDEX stack_components_type_created ON stack_components(component_type, created, name, id);
CREATE INDEX stack_components_type_updated ON stack_components(component_type, updated, name, id);
CREATE INDEX stacks_created ON stacks(created, name, id);
CREATE INDEX stacks_updated ON stacks(updated, name, id);
CREATE INDEX users_created ON users(created, name);
CREATE INDEX users_updated ON users(updated, name);
CREATE INDEX api_tokens_user_created ON api_tokens(user_id, created, id);
)sql",
    // 8: `contains:`, `startswith:` and `endswith:` on connector and secret names become index
    // lookups instead of a LIKE over every row. Only names are indexed, and of secrets only users'
    // ones (a connector's own secret is never listed). SQLite: FTS5 trigram tables kept in step by
    // triggers (kSqliteNameTrigrams); PostgreSQL: pg_trgm GIN indexes, or none where the
    // extension cannot be had (kPostgresNameTrigrams). Either way the LIKE/ILIKE still decides
    // what matches (sql_list_query.cc), so the answers are the same without them.
    R"sql(
{NAME_TRIGRAM_INDEXES}
)sql",
    // 9: the sort indexes of connectors and secrets carry owner and shared, the columns of the
    // visibility condition every user's list has, so counting a list and skipping to a deep
    // page read only the index; before, each skipped row was looked up in its table (a random
    // page of 100,000 connectors took 12 ms on SQLite).
    R"sql(
DROP INDEX connectors_name_id;
DROP INDEX connectors_created;
DROP INDEX connectors_updated;
CREATE INDEX connectors_name_id ON connectors(name, id, owner, shared);
CREATE INDEX connectors_created ON connectors(created, name, id, owner, shared);
CREATE INDEX connectors_updated ON connectors(updated, name, id, owner, shared);
DROP INDEX secrets_user_name;
DROP INDEX secrets_user_created;
DROP INDEX secrets_user_updated;
CREATE INDEX secrets_user_name ON secrets(name, id, owner, shared) WHERE internal = 0;
CREATE INDEX secrets_user_created ON secrets(created, name, id, owner, shared) WHERE internal = 0;
CREATE INDEX secrets_user_updated ON secrets(updated, name, id, owner, shared) WHERE internal = 0;
)sql",
};

// SQLite cannot drop a UNIQUE column constraint: migration 6 rebuilds each table without it
// (SQLite's documented procedure; SqliteDatabase::Migrate turns foreign keys off around it and
// checks them before committing), with the columns and the indexes of migrations 1-5 that stay
// (the common part of migration 6 adds the new ones), and the side tables WITHOUT ROWID.
constexpr char kSqliteRebuildWithoutGlobalNames[] = R"sql(
CREATE TABLE connectors_v6 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  connector_type TEXT NOT NULL,
  auth_method TEXT NOT NULL,
  resource_types TEXT NOT NULL,
  resource_id TEXT,
  supports_instances INTEGER NOT NULL,
  configuration TEXT NOT NULL,
  secret_id TEXT REFERENCES secrets(id),
  labels TEXT NOT NULL,
  expiration_seconds INTEGER,
  expires_at INTEGER,
  expires_skew_tolerance INTEGER,
  description TEXT NOT NULL,
  owner TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO connectors_v6 SELECT id, name, connector_type, auth_method, resource_types,
  resource_id, supports_instances, configuration, secret_id, labels, expiration_seconds,
  expires_at, expires_skew_tolerance, description, owner, created, updated, shared, version
  FROM connectors;
DROP TABLE connectors;
ALTER TABLE connectors_v6 RENAME TO connectors;
CREATE INDEX connectors_type ON connectors(connector_type);
CREATE INDEX connectors_auth_method ON connectors(auth_method);
CREATE INDEX connectors_resource_id ON connectors(resource_id);
CREATE INDEX connectors_secret_id ON connectors(secret_id);
CREATE INDEX connectors_name_id ON connectors(name, id);
CREATE INDEX connectors_created ON connectors(created, name, id);
CREATE INDEX connectors_updated ON connectors(updated, name, id);

CREATE TABLE secrets_v6 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  internal INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0
);
INSERT INTO secrets_v6 SELECT id, name, owner, internal, created, updated, shared FROM secrets;
DROP TABLE secrets;
ALTER TABLE secrets_v6 RENAME TO secrets;

CREATE TABLE secret_values_v6 (
  secret_id TEXT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sealed BLOB NOT NULL,
  PRIMARY KEY (secret_id, key)
) WITHOUT ROWID;
INSERT INTO secret_values_v6 SELECT secret_id, key, key_id, sealed FROM secret_values;
DROP TABLE secret_values;
ALTER TABLE secret_values_v6 RENAME TO secret_values;

CREATE TABLE connector_labels_v6 (
  connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (connector_id, key)
) WITHOUT ROWID;
INSERT INTO connector_labels_v6 SELECT connector_id, key, value FROM connector_labels;
DROP TABLE connector_labels;
ALTER TABLE connector_labels_v6 RENAME TO connector_labels;
CREATE INDEX connector_labels_key_value ON connector_labels(key, value, connector_id);

CREATE TABLE connector_resource_types_v6 (
  connector_id TEXT NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL,
  PRIMARY KEY (connector_id, resource_type)
) WITHOUT ROWID;
INSERT INTO connector_resource_types_v6 SELECT connector_id, resource_type
  FROM connector_resource_types;
DROP TABLE connector_resource_types;
ALTER TABLE connector_resource_types_v6 RENAME TO connector_resource_types;
CREATE INDEX connector_resource_types_type
  ON connector_resource_types(resource_type, connector_id);

CREATE TABLE stack_components_v6 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  component_type TEXT NOT NULL,
  flavor TEXT NOT NULL,
  configuration TEXT NOT NULL,
  connector_id TEXT REFERENCES connectors(id),
  connector_resource_id TEXT,
  owner TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
INSERT INTO stack_components_v6 SELECT id, name, component_type, flavor, configuration,
  connector_id, connector_resource_id, owner, created, updated FROM stack_components;
DROP TABLE stack_components;
ALTER TABLE stack_components_v6 RENAME TO stack_components;
CREATE INDEX stack_components_connector ON stack_components(connector_id);
CREATE INDEX stack_components_type_name ON stack_components(component_type, name);

CREATE TABLE stacks_v6 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
INSERT INTO stacks_v6 SELECT id, name, owner, created, updated FROM stacks;
DROP TABLE stacks;
ALTER TABLE stacks_v6 RENAME TO stacks;
)sql";

// Contentless (the names stay in their tables only) and detail=none (rowids without positions):
// the smallest index FTS5 keeps, so a create writes little more than before. The trigram
// tokenizer folds case (case_sensitive 0). Keyed by the tables' rowids, which VACUUM keeps for
// tables with an index; a later migration that rebuilds `connectors` or `secrets` (as 6 did)
// must copy rowid along or refill these tables, and recreate the triggers, which go with the
// table they are on. The 'delete' command of a contentless table needs the values indexed,
// which old.name is.
constexpr char kSqliteNameTrigrams[] = R"sql(
CREATE VIRTUAL TABLE connector_name_trigrams USING fts5(
  name, tokenize = 'trigram case_sensitive 0', content = '', detail = none, columnsize = 0);
INSERT INTO connector_name_trigrams(rowid, name) SELECT rowid, name FROM connectors;
CREATE TRIGGER connectors_name_trigrams_insert AFTER INSERT ON connectors BEGIN
  INSERT INTO connector_name_trigrams(rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER connectors_name_trigrams_delete AFTER DELETE ON connectors BEGIN
  INSERT INTO connector_name_trigrams(connector_name_trigrams, rowid, name)
    VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER connectors_name_trigrams_update AFTER UPDATE OF name ON connectors
  WHEN old.name IS NOT new.name BEGIN
  INSERT INTO connector_name_trigrams(connector_name_trigrams, rowid, name)
    VALUES ('delete', old.rowid, old.name);
  INSERT INTO connector_name_trigrams(rowid, name) VALUES (new.rowid, new.name);
END;

CREATE VIRTUAL TABLE secret_name_trigrams USING fts5(
  name, tokenize = 'trigram case_sensitive 0', content = '', detail = none, columnsize = 0);
INSERT INTO secret_name_trigrams(rowid, name) SELECT rowid, name FROM secrets WHERE internal = 0;
CREATE TRIGGER secrets_name_trigrams_insert AFTER INSERT ON secrets WHEN new.internal = 0 BEGIN
  INSERT INTO secret_name_trigrams(rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER secrets_name_trigrams_delete AFTER DELETE ON secrets WHEN old.internal = 0 BEGIN
  INSERT INTO secret_name_trigrams(secret_name_trigrams, rowid, name)
    VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER secrets_name_trigrams_update AFTER UPDATE OF name, internal ON secrets
  WHEN old.name IS NOT new.name OR old.internal IS NOT new.internal BEGIN
  INSERT INTO secret_name_trigrams(secret_name_trigrams, rowid, name)
    SELECT 'delete', old.rowid, old.name WHERE old.internal = 0;
  INSERT INTO secret_name_trigrams(rowid, name)
    SELECT new.rowid, new.name WHERE new.internal = 0;
END;
)sql";

// pg_trgm ships with PostgreSQL (contrib) and is trusted from 13 on, so the store's owner may
// create it; where it is missing or refused, the migration goes on without the indexes (the
// nested BEGIN ... EXCEPTION is a subtransaction: a refusal undoes only itself). An extension
// that already exists, in whatever schema, is used from there. Why there is no index goes to
// the server's log (a WARNING; the driver drops notices). A small pending list (64 kB,
// not 4 MB): the planner prices every pending page into a lookup, and after a few thousand
// creates without a VACUUM it chose a scan over the index; flushing it more often costs the
// create of a 40-character name about 60 us.
constexpr char kPostgresNameTrigrams[] = R"sql(
DO $migration8$
DECLARE
  trgm_schema name;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'latchkey: no pg_trgm (%): name filters will scan', SQLERRM;
    END;
  END IF;
  SELECT n.nspname INTO trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
  IF trgm_schema IS NULL THEN
    RETURN;
  END IF;
  BEGIN
    EXECUTE format('CREATE INDEX connectors_name_trigrams ON connectors '
                   'USING gin (name %I.gin_trgm_ops) WITH (gin_pending_list_limit = 64)',
                   trgm_schema);
    EXECUTE format('CREATE INDEX secrets_name_trigrams ON secrets '
                   'USING gin (name %I.gin_trgm_ops) WITH (gin_pending_list_limit = 64) '
                   'WHERE internal = 0', trgm_schema);
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'latchkey: no trigram indexes (%): name filters will scan', SQLERRM;
  END;
END
$migration8$;
)sql";

constexpr char kPostgresDropGlobalNames[] = R"sql(
ALTER TABLE connectors DROP CONSTRAINT connectors_name_key;
ALTER TABLE secrets DROP CONSTRAINT secrets_name_key;
ALTER TABLE stack_components DROP CONSTRAINT stack_components_component_type_name_key;
ALTER TABLE stacks DROP CONSTRAINT stacks_name_key;
)sql";

}  // namespace

size_t MigrationCount() { return std::size(kMigrations); }

std::string MigrationSql(size_t index, Dialect dialect) {
  std::string sql = kMigrations[index];
  bool pg = dialect == Dialect::kPostgres;
  ReplaceAll(sql, "{INT}", pg ? "BIGINT" : "INTEGER");
  ReplaceAll(sql, "{BLOB}", pg ? "BYTEA" : "BLOB");
  // Rows out of the JSON columns (an object of strings, a list of strings).
  ReplaceAll(sql, "{LABEL_ROWS}",
             pg ? "SELECT c.id, j.key, j.value FROM connectors c, "
                  "jsonb_each_text(c.labels::jsonb) j"
                : "SELECT c.id, j.key, j.value FROM connectors c, json_each(c.labels) j");
  ReplaceAll(sql, "{TYPE_ROWS}",
             pg ? "SELECT DISTINCT c.id, j.value FROM connectors c, "
                  "jsonb_array_elements_text(c.resource_types::jsonb) j"
                : "SELECT DISTINCT c.id, j.value FROM connectors c, json_each(c.resource_types) j");
  ReplaceAll(sql, "{DROP_GLOBAL_NAME_UNIQUENESS}",
             pg ? kPostgresDropGlobalNames : kSqliteRebuildWithoutGlobalNames);
  ReplaceAll(sql, "{NAME_TRIGRAM_INDEXES}", pg ? kPostgresNameTrigrams : kSqliteNameTrigrams);
  return sql;
}

Result<void> CheckNotNewer(int64_t version) {
  if (version > static_cast<int64_t>(MigrationCount())) {
    return Fail(
        ErrorCode::kFailedPrecondition,
        "the database was written by a newer Latchkey (schema " + std::to_string(version) + ")");
  }
  return {};
}

Result<void> ApplyMigrationsFrom(Connection& c, int64_t version) {
  if (auto r = CheckNotNewer(version); !r) return r;
  for (size_t i = static_cast<size_t>(version); i < MigrationCount(); ++i) {
    if (auto r = c.ExecuteScript(MigrationSql(i, c.dialect())); !r) {
      return Fail(r.error(), "applying schema migration " + std::to_string(i + 1));
    }
  }
  return {};
}

}  // namespace latchkey::sql
