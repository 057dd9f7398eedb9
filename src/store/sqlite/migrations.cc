#include "store/sqlite/migrations.h"

namespace latchkey::sqlite {
namespace {

constexpr char const* kMigrations[] = {
    // 1: connectors and secrets. Secret values are sealed per value (secret_values.sealed).
    R"sql(
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  internal INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE secret_values (
  secret_id TEXT NOT NULL REFERENCES secrets(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sealed BLOB NOT NULL,
  PRIMARY KEY (secret_id, key)
);
CREATE TABLE connectors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
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
  updated INTEGER NOT NULL
);
CREATE INDEX connectors_type ON connectors(connector_type);
)sql",
};

}  // namespace

std::span<char const* const> Migrations() { return kMigrations; }

}  // namespace latchkey::sqlite
