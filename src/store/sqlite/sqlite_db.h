// Thin RAII over the sqlite3 C API: a connection and prepared statements with typed binds.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"

namespace latchkey::sqlite {

class Statement {
 public:
  // `flags` are sqlite3_prepare_v3's, e.g. SQLITE_PREPARE_PERSISTENT for a statement kept in a
  // cache and run many times.
  Statement(sqlite3* db, std::string_view sql, unsigned flags = 0);
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
  // Ready to run again: rewound, bindings cleared (so no bound value outlives its use).
  void Reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Rewinds a statement when the scope that ran it ends, however it ends.
class StatementReset {
 public:
  explicit StatementReset(Statement& st) : st_(st) {}
  ~StatementReset() { st_.Reset(); }
  StatementReset(StatementReset const&) = delete;
  StatementReset& operator=(StatementReset const&) = delete;

 private:
  Statement& st_;
};

class Database {
 public:
  // kWriter sets the file up (WAL mode) and writes; kReader only reads (query_only), so it
  // never needs the lock that switching the journal mode takes.
  enum class Role { kWriter, kReader };
  static Result<Database> Open(std::string const& path, Role role = Role::kWriter);
  Database(Database&& other) noexcept : db_(other.db_), statements_(std::move(other.statements_)) {
    other.db_ = nullptr;
  }
  Database& operator=(Database&&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }
  // The prepared statement for one SQL statement, kept for the next call with the same text:
  // parsing and planning cost more than running the store's small indexed queries. Not
  // thread-safe (the caller serializes use of the connection); reset it after each run.
  Result<Statement*> Prepared(std::string_view sql);
  // Runs one statement (cached), discarding any rows.
  Result<void> Run(std::string_view sql);
  // Runs a script of several statements (migrations).
  Result<void> Exec(char const* sql);
  // Run that waits out SQLITE_BUSY answers the busy handler does not cover (SQLite returns
  // some at once to avoid deadlocks, e.g. while another process converts the file to WAL).
  Result<void> RunWaitingForLock(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// Runs `body` inside `begin` (BEGIN or BEGIN IMMEDIATE) ... COMMIT, rolling back on any error,
// so a failed command leaves nothing half-written.
template <class F>
Result<void> InTransaction(Database& db, char const* begin, F&& body) {
  if (auto r = db.RunWaitingForLock(begin); !r) return r;
  Result<void> result = body();
  if (!result) {
    (void)db.Run("ROLLBACK");
    return result;
  }
  if (auto r = db.Run("COMMIT"); !r) {
    (void)db.Run("ROLLBACK");
    return r;
  }
  return {};
}

// Maps a failed step to an error; a UNIQUE violation becomes kAlreadyExists with `what`.
Error StepError(sqlite3* db, std::string const& what);

}  // namespace latchkey::sqlite
