// The one Store implementation, written once against the SQL layer (sql_connection.h) and run
// on SQLite (embedded default) or PostgreSQL (shared by server replicas). Every method is safe
// to call from many threads; the driver provides connections, transactions and retries.
#pragma once

#include <memory>

#include "store/sql/sql_connection.h"
#include "store/sql/sql_list_query.h"
#include "store/store.h"

namespace latchkey {

class SqlStore : public Store {
 public:
  explicit SqlStore(std::unique_ptr<sql::Database> db) : db_(std::move(db)) {}

  Result<void> CreateConnector(Connector const& c,
                               std::optional<SecretRecord> const& secret) override;
  Result<Connector> FindConnector(std::string const& name_or_id,
                                  NameScope const& scope = {}) override;
  Result<std::vector<Connector>> ListConnectors(ConnectorFilter const& filter) override;
  Result<Page<Connector>> PageConnectors(ListQuery const& query) override;
  Result<void> UpdateConnector(Connector const& c,
                               std::optional<SecretRecord> const& secret) override;
  Result<void> DeleteConnector(std::string const& id) override;

  Result<void> CreateSecret(SecretRecord const& s) override;
  Result<SecretRecord> GetSecretById(std::string const& id) override;
  Result<SecretRecord> FindSecret(std::string const& name_or_id,
                                  NameScope const& scope = {}) override;
  Result<std::vector<SecretRecord>> ListSecrets(SecretFilter const& filter) override;
  Result<Page<SecretRecord>> PageSecrets(ListQuery const& query) override;
  Result<bool> HasSealedValues() override;
  Result<void> UpdateSecret(SecretRecord const& s) override;
  Result<void> DeleteSecret(std::string const& id) override;
  Result<size_t> ResealAll(Reseal const& reseal) override;

  Result<void> CreateUser(User const& u) override;
  Result<User> FindUser(std::string const& name_or_id) override;
  Result<Page<User>> PageUsers(ListQuery const& query) override;
  Result<void> UpdateUser(User const& u) override;
  Result<void> DeleteUser(std::string const& id) override;
  Result<size_t> CountOwnedBy(std::string const& user_id) override;

  Result<void> CreateToken(ApiToken const& t) override;
  Result<ApiToken> FindTokenByHash(std::string const& token_hash) override;
  Result<Page<ApiToken>> PageTokens(ListQuery const& query) override;
  Result<void> RevokeToken(std::string const& id) override;

  Result<void> CreateComponent(StackComponent const& c) override;
  Result<StackComponent> FindComponent(ComponentType type, std::string const& name_or_id,
                                       NameScope const& scope = {}) override;
  Result<std::vector<StackComponent>> ListComponents(ComponentFilter const& filter) override;
  Result<Page<StackComponent>> PageComponents(ComponentType type, ListQuery const& query) override;
  Result<void> UpdateComponent(StackComponent const& c) override;
  Result<void> UpdateStack(Stack const& s) override;
  Result<void> DeleteComponent(std::string const& id) override;
  Result<void> CreateStack(Stack const& s) override;
  Result<Stack> FindStack(std::string const& name_or_id, NameScope const& scope = {}) override;
  Result<Page<Stack>> PageStacks(ListQuery const& query) override;
  Result<void> DeleteStack(std::string const& id) override;
  Result<void> SetActiveStack(std::string const& owner, std::string const& stack_id) override;
  Result<std::optional<std::string>> ActiveStackId(std::string const& owner) override;

  Result<int64_t> Revision() override;
  CacheUsage ListTotalsUsage() const override {
    return {list_totals_.size(), list_totals_.bytes(), list_totals_.max_entries(),
            list_totals_.max_bytes()};
  }

 private:
  // A write transaction that also advances the revision, so no change escapes the caches.
  Result<void> Write(sql::Database::Body const& body);

  std::unique_ptr<sql::Database> db_;
  sql::ListTotals list_totals_{1024, size_t{1} << 20};
};

}  // namespace latchkey
