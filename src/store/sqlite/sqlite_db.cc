#include "store/sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

namespace latchkey::sqlite {

Statement::Statement(sqlite3* db, std::string_view sql, unsigned flags) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &stmt_, nullptr) !=
      SQLITE_OK) {
    stmt_ = nullptr;
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::Bind(int index, std::string const& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<std::string> const& value) {
  if (value) return Bind(index, *value);
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<long long> const& value) {
  if (value) {
    sqlite3_bind_int64(stmt_, index, *value);
  } else {
    sqlite3_bind_null(stmt_, index);
  }
  return *this;
}

Statement& Statement::BindBlob(int index, std::string const& bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Result<bool> Statement::Step() {
  if (!stmt_) return Fail(ErrorCode::kInternal, std::string("bad SQL: ") + sqlite3_errmsg(db_));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(StepError(db_, "record"));
}

std::string Statement::Text(int column) const {
  auto const* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<char const*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

std::optional<std::string> Statement::OptText(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return Text(column);
}

std::optional<long long> Statement::OptInt(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Blob(int column) const {
  auto const* p = sqlite3_column_blob(stmt_, column);
  return p ? std::string(static_cast<char const*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

namespace {

// The database holds sealed secrets, users' password hashes and token hashes: it and its -wal
// and -shm files are the owner's alone, also when the directory already existed (the umask alone
// would leave them 0644). The file is created 0600 before SQLite opens it, because SQLite gives
// -wal and -shm the database file's mode; files left wider by older versions are narrowed.
void RestrictDatabaseFiles(std::string const& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) ::close(fd);
  for (std::string const& file : {path, path + "-wal", path + "-shm", path + "-journal"}) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0) {
      (void)::chmod(file.c_str(), st.st_mode & 0700);  // not ours: SQLite's own errors say so
    }
  }
}

// Set by the first commit of a write transaction on any connection of this process.
std::atomic<bool> process_committed_writes{false};

int NoteCommit(void*) {
  process_committed_writes.store(true, std::memory_order_relaxed);
  return 0;  // let the commit proceed
}

}  // namespace

Result<Database> Database::Open(std::string const& path, Role role) {
  sqlite3* db = nullptr;
  // Only before the writer opens: a reader opens while this process's other connections hold
  // POSIX locks on the file, and closing any descriptor of a file drops all of the process's
  // locks on it, which lets another process check-point or recover under our feet.
  if (role == Role::kWriter) RestrictDatabaseFiles(path);
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail(ErrorCode::kUnavailable, "cannot open database " + path + ": " + msg);
  }
  // Several CLI processes may write at once: wait for the lock instead of failing.
  sqlite3_busy_timeout(db, 15000);
  // Keep the WAL file between processes: otherwise every read-only command recreates and
  // truncates it on open and close.
  int persist = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  sqlite3_commit_hook(db, NoteCommit, nullptr);
  Database database(db);
  // Page caches: 8 MiB for a reader (SQLite's default is 2), so the sort indexes a deep page
  // walks stay in memory at 100,000 connectors instead of being re-read with a system call per
  // page; 4 MiB for the writer, whose inserts touch mostly the right edge of each index. The
  // server's RSS stays well under its 64 MiB budget with the writer and two readers full.
  // temp_store=MEMORY: a statement inside a larger transaction (a group commit) keeps a
  // statement journal to undo itself alone, which would otherwise be a temporary file.
  std::vector<char const*> pragmas;
  if (role == Role::kWriter) {
    pragmas = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-4096"};
  } else {
    pragmas = {"PRAGMA query_only=1", "PRAGMA cache_size=-8192"};
  }
  pragmas.insert(pragmas.end(), {"PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"});
  for (char const* pragma : pragmas) {
    if (auto r = database.RunWaitingForLock(pragma); !r) return tl::unexpected(r.error());
  }
  return database;
}

Database::~Database() {
  statements_.clear();  // finalized first: sqlite3_close refuses a connection with live ones
  // The last connection to close checkpoints the WAL into the database, with an fdatasync of
  // the WAL, the database and its directory. A process that only read (list, describe, the
  // credential helpers on a cache hit) leaves that to the next process that writes, which
  // checkpoints its own commits on close and so keeps them durable as before.
  if (db_ != nullptr && !process_committed_writes.load(std::memory_order_relaxed)) {
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  }
  sqlite3_close(db_);
}

namespace {

// The store's SQL is a fixed set of texts (filters add a few variants); the bound only guards
// against a caller that builds unbounded variants.
constexpr size_t kMaxCachedStatements = 128;

}  // namespace

Result<Statement*> Database::Prepared(std::string_view sql) {
  std::string key(sql);
  if (auto it = statements_.find(key); it != statements_.end()) return it->second.get();
  auto st = std::make_unique<Statement>(db_, sql, SQLITE_PREPARE_PERSISTENT);
  if (!st->ok()) {
    return Fail(ErrorCode::kInternal,
                std::string("bad SQL: ") + sqlite3_errmsg(db_) + " in: " + key);
  }
  if (statements_.size() >= kMaxCachedStatements) statements_.clear();
  return statements_.emplace(std::move(key), std::move(st)).first->second.get();
}

Result<void> Database::Run(std::string_view sql) {
  auto st = Prepared(sql);
  if (!st) return tl::unexpected(st.error());
  StatementReset reset_on_exit(**st);
  while (true) {
    auto row = (*st)->Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

Result<void> Database::Exec(char const* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Fail(ErrorCode::kUnavailable, "database error: " + msg);
  }
  return {};
}

Result<void> Database::RunWaitingForLock(std::string_view sql) {
  auto r = Run(sql);
  if (r || (sqlite3_errcode(db_) & 0xff) != SQLITE_BUSY) return r;
  // Seeded only once a wait is needed: std::random_device costs a system call per use.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::minstd_rand jitter(std::random_device{}());
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + jitter() % 45));
    r = Run(sql);
    if (r || (sqlite3_errcode(db_) & 0xff) != SQLITE_BUSY ||
        std::chrono::steady_clock::now() > deadline) {
      return r;
    }
  }
}

Error StepError(sqlite3* db, std::string const& what) {
  int ext = sqlite3_extended_errcode(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{ErrorCode::kAlreadyExists, what + " already exists"};
  }
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error{ErrorCode::kFailedPrecondition, what + " is still referenced"};
  }
  return Error{ErrorCode::kUnavailable, std::string("database error: ") + sqlite3_errmsg(db)};
}

}  // namespace latchkey::sqlite
