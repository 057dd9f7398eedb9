// The PostgreSQL driver's connection (libpq): `?` placeholders rewritten to $1..$n, typed
// parameters (bytea and integers sent binary), binary results decoded by column type, and
// SQLSTATEs classified so the pool knows what may be retried.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/postgres/pq_library.h"
#include "store/sql/sql_connection.h"

namespace latchkey::postgres {

// "?" -> "$1", "$2", ... outside quoted literals, quoted identifiers and comments. `count`
// receives the number of placeholders.
std::string RewritePlaceholders(std::string_view sql, size_t* count);

class PgConnection : public sql::Connection {
 public:
  // What the last failures mean for the caller: a serialization failure or deadlock (40001,
  // 40P01: run the transaction again) or a lost connection (reset it; retry only what had not
  // committed). Sticky until ClearFailure(), so a body that turns an error into its own message
  // still lets the pool see it.
  enum class Failure { kNone, kRetryable, kBroken };

  // `conninfo` is a libpq URI or keyword string; it may hold a password, which no error repeats.
  static Result<std::unique_ptr<PgConnection>> Connect(std::string const& conninfo);
  ~PgConnection() override;
  PgConnection(PgConnection const&) = delete;
  PgConnection& operator=(PgConnection const&) = delete;

  using sql::Connection::Execute;
  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Result<sql::QueryResult> Execute(std::string_view sql,
                                   std::span<sql::Param const> params) override;
  Result<void> ExecuteScript(std::string const& sql) override;

  Failure failure() const { return failure_; }
  void ClearFailure() { failure_ = Failure::kNone; }
  bool Broken() const;
  // Reconnects with the same parameters; true when the connection is usable again.
  bool Reset();

 private:
  PgConnection(PqLibrary const& pq, PGconn* conn) : pq_(pq), conn_(conn) {}
  Error ErrorFrom(PGresult const* res);

  PqLibrary const& pq_;
  PGconn* conn_;
  Failure failure_ = Failure::kNone;
};

}  // namespace latchkey::postgres
