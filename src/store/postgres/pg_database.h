// The PostgreSQL driver of the SQL layer: a small pool of libpq connections shared by every
// thread (each used by one call at a time), transactions retried on serialization failures and
// deadlocks, a lost connection reset and the call retried once if nothing had committed, and
// migrations under an advisory lock so replicas starting together don't race.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/sql/sql_connection.h"

namespace latchkey::postgres {

struct PgOptions {
  size_t pool_size = 4;
  // How long a call waits for a free connection before giving up.
  std::chrono::milliseconds acquire_timeout{30000};
  int max_attempts = 5;  // per call, counting deadlock and serialization-failure retries
};

class PgDatabase : public sql::Database {
 public:
  // Connects (one connection at first, the rest on demand) and brings the schema up to date.
  static Result<std::unique_ptr<PgDatabase>> Open(std::string const& url, PgOptions options = {});

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Result<void> Read(Body const& body) override;
  Result<void> ReadOne(Body const& body) override;
  Result<void> Transact(Body const& body) override;

 private:
  // A connection taken from the pool; goes back when the lease ends.
  class Lease {
   public:
    Lease(PgDatabase* pool, std::unique_ptr<PgConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    PgConnection& operator*() const { return *conn_; }
    PgConnection* operator->() const { return conn_.get(); }

   private:
    PgDatabase* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  PgDatabase(std::string url, PgOptions options) : url_(std::move(url)), options_(options) {}
  Result<Lease> Acquire();
  void Release(std::unique_ptr<PgConnection> conn);
  enum class Mode { kSnapshotRead, kSingleRead, kWrite };
  Result<void> Run(Body const& body, Mode mode);
  Result<void> Migrate();

  std::string const url_;  // may hold the password: never put into a message unscrubbed
  PgOptions const options_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  size_t open_ = 0;  // idle plus leased
};

}  // namespace latchkey::postgres
