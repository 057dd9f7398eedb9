// The SQLite driver of the SQL layer: one file in WAL mode, foreign keys on, `PRAGMA
// user_version` migrations, BEGIN IMMEDIATE write transactions and a busy timeout so several
// processes can write at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql/sql_connection.h"
#include "store/sqlite/sqlite_db.h"

namespace latchkey::sqlite {

class SqliteConnection : public sql::Connection {
 public:
  explicit SqliteConnection(sqlite::Database& db) : db_(db) {}
  using sql::Connection::Execute;
  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Result<sql::QueryResult> Execute(std::string_view sql,
                                   std::span<sql::Param const> params) override;
  Result<void> ExecuteScript(std::string const& sql) override;

 private:
  sqlite::Database& db_;
};

class SqliteDatabase : public sql::Database {
 public:
  // Opens (creating) the file and brings its schema up to date.
  static Result<std::unique_ptr<SqliteDatabase>> Open(std::string const& path);

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Result<void> Read(Body const& body) override;
  Result<void> ReadOne(Body const& body) override;
  Result<void> Transact(Body const& body) override;

 private:
  explicit SqliteDatabase(sqlite::Database db) : db_(std::move(db)), connection_(db_) {}
  Result<void> Migrate();

  // Group commit. A commit costs about seventy small writes to the WAL (every b-tree page a
  // transaction dirtied), and writes are what a busy server waits on. Transactions that arrive
  // while one is running are queued; the next leader runs them all in one BEGIN IMMEDIATE ...
  // COMMIT, each body inside its own SAVEPOINT, so each stays atomic and fails alone (ROLLBACK
  // TO), and pages they share are written once. Nobody is told "committed" before the COMMIT.
  struct PendingWrite {
    Body const* body;
    Result<void> result;
    bool done = false;
  };
  void RunWriteBatch(std::vector<PendingWrite*> const& batch);
  std::mutex group_mu_;
  std::condition_variable group_cv_;
  std::vector<PendingWrite*> queued_;
  bool leader_active_ = false;

  // One connection shared by every thread, one call at a time. SQLite admits a single writer
  // per file anyway, and reads of this store take microseconds; a connection per thread would
  // re-open the file and re-parse the schema per worker and tie connections to thread lifetimes
  // for no throughput a CLI or one server replica could notice. Other processes still share the
  // file through WAL and the busy timeout.
  std::mutex mu_;
  sqlite::Database db_;
  SqliteConnection connection_;
};

}  // namespace latchkey::sqlite
