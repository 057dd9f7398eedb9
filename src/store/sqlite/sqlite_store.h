// The embedded store: one SQLite file in WAL mode, foreign keys on, schema migrations applied on
// open. Safe for several processes at once (busy timeout + BEGIN IMMEDIATE transactions).
#pragma once

#include <memory>

#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace latchkey {

class SqliteStore : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(std::string const& path);

  Result<void> CreateConnector(Connector const& c,
                               std::optional<SecretRecord> const& secret) override;
  Result<Connector> FindConnector(std::string const& name_or_id) override;
  Result<std::vector<Connector>> ListConnectors(ConnectorFilter const& filter) override;
  Result<void> UpdateConnector(Connector const& c,
                               std::optional<SecretRecord> const& secret) override;
  Result<void> DeleteConnector(std::string const& id) override;

  Result<void> CreateSecret(SecretRecord const& s) override;
  Result<SecretRecord> GetSecretById(std::string const& id) override;
  Result<SecretRecord> FindSecret(std::string const& name_or_id) override;
  Result<std::vector<SecretRecord>> ListSecrets() override;
  Result<void> UpdateSecret(SecretRecord const& s) override;
  Result<void> DeleteSecret(std::string const& id) override;
  Result<size_t> ResealAll(Reseal const& reseal) override;

 private:
  explicit SqliteStore(sqlite::Database db) : db_(std::move(db)) {}
  Result<void> Migrate();
  Result<void> InsertSecret(SecretRecord const& s);
  Result<void> InsertSecretValues(SecretRecord const& s);
  Result<void> InsertConnectorRow(Connector const& c);
  Result<std::vector<Connector>> QueryConnectors(std::string const& where,
                                                 std::vector<std::string> const& args);
  Result<std::vector<SecretRecord>> QuerySecrets(std::string const& where,
                                                 std::vector<std::string> const& args,
                                                 bool with_values);

  sqlite::Database db_;
};

}  // namespace latchkey
