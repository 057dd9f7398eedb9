#include "store/sqlite/sqlite_database.h"

#include "store/sql/migrations.h"

namespace latchkey::sqlite {

Result<sql::QueryResult> SqliteConnection::Execute(std::string_view sql,
                                                   std::span<sql::Param const> params) {
  auto prepared = db_.Prepared(sql);
  if (!prepared) return tl::unexpected(prepared.error());
  Statement& st = **prepared;
  // Rewound and unbound however this call ends, ready for the next one.
  StatementReset reset_on_exit(st);
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    auto const& p = params[i];
    switch (p.kind()) {
      case sql::Param::Kind::kNull:
        st.Bind(index, std::optional<std::string>());
        break;
      case sql::Param::Kind::kText:
        st.Bind(index, p.bytes());
        break;
      case sql::Param::Kind::kInt:
        st.Bind(index, std::optional<long long>(p.integer()));
        break;
      case sql::Param::Kind::kBlob:
        st.BindBlob(index, p.bytes());
        break;
    }
  }
  sql::QueryResult result;
  while (true) {
    auto row = st.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    std::vector<sql::Row::Cell> cells;
    for (int c = 0; c < st.ColumnCount(); ++c) {
      switch (st.ColumnType(c)) {
        case SQLITE_NULL:
          cells.emplace_back(std::monostate());
          break;
        case SQLITE_INTEGER:
          cells.emplace_back(static_cast<int64_t>(*st.OptInt(c)));
          break;
        case SQLITE_BLOB:
          cells.emplace_back(st.Blob(c));
          break;
        default:  // text; a REAL never occurs in this schema and reads as its text
          cells.emplace_back(st.Text(c));
      }
    }
    result.rows.emplace_back(std::move(cells));
  }
  if (!st.ReadOnly()) result.affected = sqlite3_changes(db_.handle());
  return result;
}

Result<void> SqliteConnection::ExecuteScript(std::string const& sql) {
  return db_.Exec(sql.c_str());
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(std::string const& path) {
  auto db = sqlite::Database::Open(path);
  if (!db) return tl::unexpected(db.error());
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase(path, std::move(*db)));
  if (auto r = database->Migrate(); !r) return tl::unexpected(r.error());
  return database;
}

Result<void> SqliteDatabase::Read(Body const& body) {
  // A deferred transaction: one consistent snapshot for the few statements of a read.
  return WithReader(body, true);
}

Result<void> SqliteDatabase::ReadOne(Body const& body) {
  return WithReader(body, false);  // autocommit: the statement is its own read transaction
}

Result<void> SqliteDatabase::WithReader(Body const& body, bool in_transaction) {
  auto run = [&](sqlite::Database& db, SqliteConnection& connection) {
    return in_transaction ? InTransaction(db, "BEGIN", [&] { return body(connection); })
                          : body(connection);
  };
  if (in_memory_) {
    std::lock_guard lock(mu_);
    return run(db_, connection_);
  }
  auto reader = TakeReader();
  if (!reader) return tl::unexpected(reader.error());
  auto result = run((*reader)->db, (*reader)->connection);
  ReturnReader(std::move(*reader));
  return result;
}

Result<std::unique_ptr<SqliteDatabase::Reader>> SqliteDatabase::TakeReader() {
  std::unique_lock lock(readers_mu_);
  reader_free_.wait(lock, [&] { return !idle_readers_.empty() || open_readers_ < kMaxReaders; });
  if (!idle_readers_.empty()) {
    auto reader = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    return reader;
  }
  ++open_readers_;
  lock.unlock();
  auto db = sqlite::Database::Open(path_, sqlite::Database::Role::kReader);
  if (!db) {
    lock.lock();
    --open_readers_;
    reader_free_.notify_one();
    return tl::unexpected(db.error());
  }
  return std::make_unique<Reader>(std::move(*db));
}

void SqliteDatabase::ReturnReader(std::unique_ptr<Reader> reader) {
  std::lock_guard lock(readers_mu_);
  idle_readers_.push_back(std::move(reader));
  reader_free_.notify_one();
}

Result<void> SqliteDatabase::Transact(Body const& body) {
  PendingWrite me{&body, {}, false};
  std::unique_lock lock(group_mu_);
  queued_.push_back(&me);
  while (!me.done) {
    if (leader_active_) {
      group_cv_.wait(lock);
      continue;
    }
    // Lead: take everything queued so far (this write included) and commit it as one.
    leader_active_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(queued_);
    lock.unlock();
    RunWriteBatch(batch);
    lock.lock();
    for (auto* p : batch) p->done = true;
    leader_active_ = false;
    group_cv_.notify_all();
  }
  return me.result;
}

void SqliteDatabase::RunWriteBatch(std::vector<PendingWrite*> const& batch) {
  std::lock_guard lock(mu_);
  auto run_alone = [&](PendingWrite* p) {
    p->result = InTransaction(db_, "BEGIN IMMEDIATE", [&] { return (*p->body)(connection_); });
  };
  if (batch.size() == 1) return run_alone(batch[0]);
  // Optimistic: the whole batch in one transaction, no savepoints (each SAVEPOINT/RELEASE
  // pair also makes the FTS5 name index flush its pending terms into a segment of its own).
  // Writes rarely fail, so when one does the batch is rolled back and every body runs again
  // alone, in the same order: each outcome is then what it would have been without batching.
  // Bodies may run more than once (Database::Transact's contract).
  bool all_ok = true;
  Result<void> whole = InTransaction(db_, "BEGIN IMMEDIATE", [&]() -> Result<void> {
    for (auto* p : batch) {
      p->result = (*p->body)(connection_);
      if (!p->result) {
        all_ok = false;
        return p->result;
      }
    }
    return {};
  });
  if (whole) return;
  if (all_ok) {
    // The COMMIT itself failed: nothing of the batch was written; every body fails with why.
    for (auto* p : batch) p->result = tl::unexpected(whole.error());
    return;
  }
  for (auto* p : batch) run_alone(p);
}

Result<void> SqliteDatabase::Migrate() {
  std::lock_guard lock(mu_);
  auto version = [&]() -> Result<int64_t> {
    auto r = connection_.Execute("PRAGMA user_version");
    if (!r) return tl::unexpected(r.error());
    return r->rows.empty() ? 0 : r->rows[0].Int(0);
  };
  // Fast path: most opens find the schema current and take no write lock.
  if (auto v = version(); v && *v == static_cast<int64_t>(sql::MigrationCount())) return {};
  // Migrations may rebuild a table (SQLite cannot drop a constraint): with foreign keys on,
  // dropping the old table would cascade into the rows that reference it. The pragma is a
  // no-op inside a transaction, so it is switched around it, and the references are checked
  // before the commit instead.
  if (auto r = db_.Exec("PRAGMA foreign_keys=OFF"); !r) return r;
  auto migrated = InTransaction(db_, "BEGIN IMMEDIATE", [&]() -> Result<void> {
    auto current = version();
    if (!current) return tl::unexpected(current.error());
    if (auto r = sql::ApplyMigrationsFrom(connection_, *current); !r) return r;
    auto dangling = connection_.Execute("PRAGMA foreign_key_check");
    if (!dangling) return tl::unexpected(dangling.error());
    if (!dangling->rows.empty()) {
      return Fail(ErrorCode::kInternal, "the schema migration left a row of table '" +
                                            dangling->rows[0].Text(0) +
                                            "' pointing at a missing row");
    }
    std::string set = "PRAGMA user_version=" + std::to_string(sql::MigrationCount());
    return db_.Exec(set.c_str());
  });
  if (auto r = db_.Exec("PRAGMA foreign_keys=ON"); !r) return r;
  return migrated;
}

}  // namespace latchkey::sqlite
