// The schema, as one ordered list of migrations shared by every dialect. A migration is never
// edited once released: append a new one. Column types are written as {INT} and {BLOB} and
// become INTEGER/BLOB in SQLite, BIGINT/BYTEA in PostgreSQL (epoch seconds need 64 bits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "store/sql/sql_connection.h"

namespace latchkey::sql {

size_t MigrationCount();

// Migration `index` (0-based) with the dialect's type words.
std::string MigrationSql(size_t index, Dialect dialect);

// Refuses a database whose schema is newer than this build (the same words for every dialect).
Result<void> CheckNotNewer(int64_t version);

// Applies migrations [version, MigrationCount()) on `c`; the caller holds the transaction and
// records the new version.
Result<void> ApplyMigrationsFrom(Connection& c, int64_t version);

}  // namespace latchkey::sql
