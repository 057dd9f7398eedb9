// Opens the store a URL names (see store_url.h) and brings its schema up to date. Errors never
// contain the URL's password.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace latchkey {

struct StoreOptions {
  size_t postgres_pool_size = 4;  // connections per process
};

Result<std::unique_ptr<Store>> OpenStore(std::string const& url, StoreOptions const& options = {});

// The embedded store: one SQLite file (created if missing).
Result<std::unique_ptr<Store>> OpenSqliteStore(std::string const& path);

}  // namespace latchkey
