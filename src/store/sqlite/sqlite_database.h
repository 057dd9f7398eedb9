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
  SqliteDatabase(std::string path, sqlite::Database db)
      : path_(std::move(path)),
        in_memory_(path_.empty() || path_ == ":memory:" ||
                   path_.find("mode=memory") != std::string::npos),
        db_(std::move(db)),
        connection_(db_) {}
  Result<void> Migrate();

  // Reads run on connections of their own: in WAL mode a reader sees the last commit and
  // neither waits for the writer nor holds it up, so a request's token check or a deep page
  // never queues behind a group commit. Opened on first need (a CLI command that only reads
  // opens one), at most kMaxReaders, reused most-recently-released first so one warm page
  // cache serves a single client. An in-memory database has one connection only: reads share
  // the writer's.
  static constexpr size_t kMaxReaders = 2;
  struct Reader {
    explicit Reader(sqlite::Database opened) : db(std::move(opened)), connection(db) {}
    sqlite::Database db;
    SqliteConnection connection;
  };
  Result<void> WithReader(Body const& body, bool in_transaction);
  Result<std::unique_ptr<Reader>> TakeReader();
  void ReturnReader(std::unique_ptr<Reader> reader);
  std::string path_;
  bool const in_memory_;
  std::mutex readers_mu_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Reader>> idle_readers_;
  size_t open_readers_ = 0;

  // Group commit. A commit costs a small write to the WAL for every b-tree page the
  // transaction dirtied, and writes are what a busy server waits on. Transactions that arrive
  // while one is running are queued; the next leader runs them all in one BEGIN IMMEDIATE ...
  // COMMIT, so pages they share are written once (RunWriteBatch says how a failure stays
  // alone). Nobody is told "committed" before the COMMIT.
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

  // The one writing connection, one call at a time: SQLite admits a single writer per file
  // anyway. Other processes still share the file through WAL and the busy timeout.
  std::mutex mu_;
  sqlite::Database db_;
  SqliteConnection connection_;
};

}  // namespace latchkey::sqlite
