// Store URLs: which database a URL names, and how to show one (or an error about one) without
// its password. Accepted: sqlite:///abs/path.db, a bare file path (SQLite), postgresql://...
// or postgres://... (libpq URIs, handed to libpq unchanged).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey {

struct StoreLocation {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string target;  // SQLite: the file path; PostgreSQL: the URL as given
};

Result<StoreLocation> ParseStoreUrl(std::string const& url);

// The URL with any password (user-info or `password=` parameter) replaced by "***".
std::string RedactUrl(std::string_view url);

// `message` with every form of the URL's password (as written and percent-decoded) replaced by
// "***". For messages built from, or returned by libraries given, such a URL.
std::string ScrubPassword(std::string message, std::string_view url);

}  // namespace latchkey
