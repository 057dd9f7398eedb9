#include "store/open_store.h"

#include "store/postgres/pg_database.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/sqlite_database.h"
#include "store/store_url.h"

namespace latchkey {

Result<std::unique_ptr<Store>> OpenSqliteStore(std::string const& path) {
  auto db = sqlite::SqliteDatabase::Open(path);
  if (!db) return tl::unexpected(db.error());
  return std::make_unique<SqlStore>(std::move(*db));
}

Result<std::unique_ptr<Store>> OpenStore(std::string const& url, StoreOptions const& options) {
  auto location = ParseStoreUrl(url);
  if (!location) return tl::unexpected(location.error());
  if (location->kind == StoreLocation::Kind::kSqlite) return OpenSqliteStore(location->target);
  postgres::PgOptions pg;
  pg.pool_size = options.postgres_pool_size;
  auto db = postgres::PgDatabase::Open(location->target, pg);
  if (!db) {
    // The driver scrubs what libpq says already; this also covers any message that might one
    // day echo the URL.
    return Fail(db.error().code, ScrubPassword(db.error().message, url));
  }
  return std::make_unique<SqlStore>(std::move(*db));
}

}  // namespace latchkey
