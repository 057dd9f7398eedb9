// Thin RAII over the sqlite3 C API: a connection and prepared statements with typed binds.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement const&) = delete;
  Statement& operator=(Statement const&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& Bind(int index, std::string const& value);
  Statement& Bind(int index, std::optional<std::string> const& value);
  Statement& Bind(int index, std::optional<long long> const& value);
  Statement& BindBlob(int index, std::string const& bytes);
  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> error.
  Result<bool> Step();
  std::string Text(int column) const;
  std::optional<std::string> OptText(int column) const;
  std::optional<long long> OptInt(int column) const;
  std::string Blob(int column) const;
  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  int ColumnType(int column) const { return sqlite3_column_type(stmt_, column); }
  bool ReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  static Result<Database> Open(std::string const& path);
  Database(Database&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Database& operator=(Database&&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }
  Result<void> Exec(char const* sql);
  // Exec that waits out SQLITE_BUSY answers the busy handler does not cover (SQLite returns
  // some at once to avoid deadlocks, e.g. while another process converts the file to WAL).
  Result<void> ExecWaitingForLock(char const* sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Runs `body` inside `begin` (BEGIN or BEGIN IMMEDIATE) ... COMMIT, rolling back on any error,
// so a failed command leaves nothing half-written.
template <class F>
Result<void> InTransaction(Database& db, char const* begin, F&& body) {
  if (auto r = db.ExecWaitingForLock(begin); !r) return r;
  Result<void> result = body();
  if (!result) {
    (void)db.Exec("ROLLBACK");
    return result;
  }
  if (auto r = db.Exec("COMMIT"); !r) {
    (void)db.Exec("ROLLBACK");
    return r;
  }
  return {};
}

// Maps a failed step to an error; a UNIQUE violation becomes kAlreadyExists with `what`.
Error StepError(sqlite3* db, std::string const& what);

}  // namespace latchkey::sqlite
