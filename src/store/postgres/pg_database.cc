#include "store/postgres/pg_database.h"

#include <algorithm>
#include <random>
#include <thread>

#include "store/sql/migrations.h"

namespace latchkey::postgres {
namespace {

// The pg_advisory_xact_lock key held while migrating ("LTCHKEY" in ASCII): one constant for
// every replica of every version, so two of them starting at once apply migrations one after
// the other.
constexpr int64_t kMigrationLockKey = 0x4C5443484B4559;

// Read Committed: every write that depends on an earlier read is guarded in the statement
// itself (UPDATE ... WHERE version = ?, DELETE ... RETURNING, a re-seal only replaces the exact
// bytes it read), so concurrent replicas lose nothing. Serializable was tried: on tables this
// small PostgreSQL takes predicate locks per page or relation, and updates of unrelated rows
// failed with 40001 often enough to exhaust any sensible retry budget.
constexpr char kBeginWrite[] = "BEGIN ISOLATION LEVEL READ COMMITTED";
// One snapshot for the few statements of a read; a read-only snapshot never fails to serialize.
constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

// Random, growing waits so transactions that collided do not collide again in lockstep.
void Backoff(int attempt) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  int cap_ms = std::min(100, 2 << std::min(attempt, 6));
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % cap_ms));
}

}  // namespace

Result<std::unique_ptr<PgDatabase>> PgDatabase::Open(std::string const& url, PgOptions options) {
  options.pool_size = std::max<size_t>(options.pool_size, 1);
  options.max_attempts = std::max(options.max_attempts, 1);
  std::unique_ptr<PgDatabase> db(new PgDatabase(url, options));
  if (auto r = db->Migrate(); !r) return tl::unexpected(r.error());
  return db;
}

Result<PgDatabase::Lease> PgDatabase::Acquire() {
  std::unique_lock lock(mu_);
  auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  if (!available_.wait_until(lock, deadline,
                             [&] { return !idle_.empty() || open_ < options_.pool_size; })) {
    return Fail(ErrorCode::kUnavailable,
                "all " + std::to_string(options_.pool_size) +
                    " PostgreSQL connections stayed busy; try again later");
  }
  auto drop = [&] {
    std::lock_guard relock(mu_);
    --open_;
    available_.notify_one();
  };
  if (!idle_.empty()) {
    std::unique_ptr<PgConnection> conn = std::move(idle_.back());
    idle_.pop_back();
    lock.unlock();
    if (conn->Broken() && !conn->Reset()) {
      conn.reset();
      drop();
      return Fail(ErrorCode::kUnavailable,
                  "lost the connection to PostgreSQL and cannot reconnect");
    }
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  auto conn = PgConnection::Connect(url_);
  if (!conn) {
    drop();
    return tl::unexpected(conn.error());
  }
  return Lease(this, std::move(*conn));
}

void PgDatabase::Release(std::unique_ptr<PgConnection> conn) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
  }
  available_.notify_one();
}

Result<void> PgDatabase::Read(Body const& body) { return Run(body, Mode::kSnapshotRead); }

Result<void> PgDatabase::ReadOne(Body const& body) { return Run(body, Mode::kSingleRead); }

Result<void> PgDatabase::Transact(Body const& body) { return Run(body, Mode::kWrite); }

Result<void> PgDatabase::Run(Body const& body, Mode mode) {
  bool const writes = mode == Mode::kWrite;
  bool const in_transaction = mode != Mode::kSingleRead;
  char const* begin = writes ? kBeginWrite : kBeginRead;
  bool reconnected = false;
  Error last;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto lease = Acquire();
    if (!lease) return tl::unexpected(lease.error());
    PgConnection& c = **lease;
    c.ClearFailure();
    Result<void> outcome;
    if (in_transaction) {
      if (auto b = c.Execute(begin); !b) outcome = tl::unexpected(b.error());
    }
    if (outcome) outcome = body(c);
    bool committing = false;
    if (outcome && !in_transaction) return outcome;
    if (outcome) {
      committing = true;
      auto commit = c.Execute("COMMIT");
      if (commit) return {};
      outcome = tl::unexpected(commit.error());
    } else if (in_transaction && c.failure() != PgConnection::Failure::kBroken) {
      (void)c.Execute("ROLLBACK");
    }
    switch (c.failure()) {
      case PgConnection::Failure::kNone:
        return outcome;
      case PgConnection::Failure::kRetryable:  // a deadlock or 40001 aborted it all: run again
        last = outcome.error();
        Backoff(attempt);
        continue;
      case PgConnection::Failure::kBroken:
        if (committing && writes) {
          return Fail(ErrorCode::kUnavailable,
                      "lost the connection to PostgreSQL while committing; the change may or "
                      "may not have been saved");
        }
        if (reconnected) return outcome;
        reconnected = true;
        (void)c.Reset();  // if this fails, Acquire tries once more before giving up
        continue;
    }
  }
  return Fail(last, "gave up after " + std::to_string(options_.max_attempts) +
                        " attempts against concurrent changes");
}

Result<void> PgDatabase::Migrate() {
  auto lease = Acquire();
  if (!lease) return tl::unexpected(lease.error());
  PgConnection& c = **lease;
  // Read Committed on purpose: after waiting for the lock, the next statement must see what the
  // replica that held it committed (a repeatable-read snapshot would be taken before the wait).
  auto body = [&]() -> Result<void> {
    if (auto r = c.Execute("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey}); !r) {
      return tl::unexpected(r.error());
    }
    auto exists = c.Execute("SELECT to_regclass('schema_version')");
    if (!exists) return tl::unexpected(exists.error());
    if (exists->rows.at(0).IsNull(0)) {
      if (auto r = c.ExecuteScript("CREATE TABLE schema_version (version BIGINT NOT NULL)"); !r) {
        return r;
      }
    }
    auto current = c.Execute("SELECT MAX(version) FROM schema_version");
    if (!current) return tl::unexpected(current.error());
    int64_t version = current->rows.at(0).Int(0);
    int64_t latest = static_cast<int64_t>(sql::MigrationCount());
    if (auto r = sql::ApplyMigrationsFrom(c, version); !r) return r;
    if (version == latest) return {};
    if (auto r = c.Execute("DELETE FROM schema_version"); !r) return tl::unexpected(r.error());
    if (auto r = c.Execute("INSERT INTO schema_version(version) VALUES(?)", {latest}); !r) {
      return tl::unexpected(r.error());
    }
    return {};
  };
  if (auto r = c.Execute("BEGIN ISOLATION LEVEL READ COMMITTED"); !r) {
    return tl::unexpected(r.error());
  }
  if (auto r = body(); !r) {
    (void)c.Execute("ROLLBACK");
    return r;
  }
  if (auto r = c.Execute("COMMIT"); !r) return tl::unexpected(r.error());
  return {};
}

}  // namespace latchkey::postgres
