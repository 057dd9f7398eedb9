// Persistence of connectors and secrets. Secret values only ever reach a Store sealed; the
// service layer seals and opens them. Implementations: sqlite/ (embedded default).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/cache_usage.h"
#include "core/identity.h"
#include "core/model.h"
#include "secrets/secret_box.h"
#include "stack/stack_model.h"
#include "store/list_query.h"

namespace latchkey {

struct SecretRecord {
  std::string id;
  std::string name;
  std::string owner;
  bool shared = false;
  bool internal = false;  // a connector's own secret: hidden from `secret list`
  TimePoint created{};
  TimePoint updated{};
  std::vector<EncryptedValue> values;
};

struct ConnectorFilter {
  std::optional<std::string> name;
  std::optional<std::string> connector_type;
  std::optional<std::string> auth_method;
  std::optional<std::string> resource_type;
  std::optional<std::string> resource_id;
  // key, and optionally the value it must have
  std::vector<std::pair<std::string, std::optional<std::string>>> labels;
  // Only connectors this user owns or that are shared (none: every connector, for admins).
  std::optional<std::string> visible_to;
};

struct SecretFilter {
  std::optional<std::string> visible_to;  // as ConnectorFilter::visible_to
};

struct ComponentFilter {
  std::optional<ComponentType> type;
  std::optional<std::string> connector_id;  // components linked to this connector
  std::optional<std::string> visible_to;    // owned by this user (none: every component)
};

// Whose items a lookup by name sees. Private names are unique per owner and shared names among
// shared items, so one name can mean several items: a lookup takes the caller's own first, then
// the shared one, then, for a caller who sees everything (an admin, or a test), the only other
// one. An item the caller cannot see is never found by its name, so a name does not reveal it.
struct NameScope {
  std::string caller;  // the owner name of whoever asks; empty: nobody's own items
  bool sees_all = true;
};

class Store {
 public:
  virtual ~Store() = default;

  // Connectors come back with `secrets` holding the key names only (empty values).
  virtual Result<void> CreateConnector(Connector const& c,
                                       std::optional<SecretRecord> const& secret) = 0;
  // Exact ID, a name as `scope` resolves it, or a unique ID prefix.
  virtual Result<Connector> FindConnector(std::string const& name_or_id,
                                          NameScope const& scope = {}) = 0;
  virtual Result<std::vector<Connector>> ListConnectors(ConnectorFilter const& filter) = 0;
  // One page of the connectors matching `query` (fields: ConnectorFields()), filtered, sorted
  // and paged by the database; default order by name.
  virtual Result<Page<Connector>> PageConnectors(ListQuery const& query) = 0;
  // With `secret`, the connector's secret is replaced by it (the old one is deleted).
  // Optimistic concurrency: succeeds only if the stored version still equals `c.version`, and
  // stores `c.version + 1`; otherwise kConflict and nothing changes.
  virtual Result<void> UpdateConnector(Connector const& c,
                                       std::optional<SecretRecord> const& secret) = 0;
  virtual Result<void> DeleteConnector(std::string const& id) = 0;

  virtual Result<void> CreateSecret(SecretRecord const& s) = 0;
  virtual Result<SecretRecord> GetSecretById(std::string const& id) = 0;
  // User secrets only; exact ID, a name as `scope` resolves it, or a unique ID prefix.
  virtual Result<SecretRecord> FindSecret(std::string const& name_or_id,
                                          NameScope const& scope = {}) = 0;
  // User secrets, values' keys only.
  virtual Result<std::vector<SecretRecord>> ListSecrets(SecretFilter const& filter) = 0;
  // One page of user secrets (fields: SecretFields()), values' keys only; default order by name.
  virtual Result<Page<SecretRecord>> PageSecrets(ListQuery const& query) = 0;
  // Whether any value (of a secret or a connector) is stored sealed: a missing key file is then
  // a lost key, never a first use.
  virtual Result<bool> HasSealedValues() = 0;
  // Replaces name, sharing, updated time and the whole set of values.
  virtual Result<void> UpdateSecret(SecretRecord const& s) = 0;
  virtual Result<void> DeleteSecret(std::string const& id) = 0;

  // Re-seals every stored value in one transaction (key rotation); returns how many.
  using Reseal = std::function<Result<EncryptedValue>(std::string const& secret_id,
                                                      EncryptedValue const& value)>;
  virtual Result<size_t> ResealAll(Reseal const& reseal) = 0;

  // Users: names are unique. Exact ID or exact name.
  virtual Result<void> CreateUser(User const& u) = 0;
  virtual Result<User> FindUser(std::string const& name_or_id) = 0;
  // One page of users (fields: UserFields()); default order by name. visible_to is not used.
  virtual Result<Page<User>> PageUsers(ListQuery const& query) = 0;
  virtual Result<void> UpdateUser(User const& u) = 0;          // name, password_hash, admin, active
  virtual Result<void> DeleteUser(std::string const& id) = 0;  // and the user's tokens
  // Counts what `user_id` owns (connectors and user secrets), so a delete can be refused.
  virtual Result<size_t> CountOwnedBy(std::string const& user_id) = 0;

  // API tokens: looked up by the hash of the presented token.
  virtual Result<void> CreateToken(ApiToken const& t) = 0;
  virtual Result<ApiToken> FindTokenByHash(std::string const& token_hash) = 0;
  // One page of tokens (fields: TokenFields()); visible_to: the ID of the user whose tokens
  // these are (none: everyone's). Default order by creation.
  virtual Result<Page<ApiToken>> PageTokens(ListQuery const& query) = 0;
  virtual Result<void> RevokeToken(std::string const& id) = 0;

  // Stack components: names are unique per owner and type. Exact ID, a name as `scope` resolves
  // it, or a unique ID prefix.
  // A component linked to a connector keeps that connector from being deleted.
  virtual Result<void> CreateComponent(StackComponent const& c) = 0;
  virtual Result<StackComponent> FindComponent(ComponentType type, std::string const& name_or_id,
                                               NameScope const& scope = {}) = 0;
  virtual Result<std::vector<StackComponent>> ListComponents(ComponentFilter const& filter) = 0;
  // One page of the components of `type` (fields: ComponentFields()); visible_to: the owner
  // (none: everyone's). Default order by name.
  virtual Result<Page<StackComponent>> PageComponents(ComponentType type,
                                                      ListQuery const& query) = 0;
  virtual Result<void> UpdateComponent(StackComponent const& c) = 0;  // all but id, type, owner
  // kFailedPrecondition naming the stacks that still hold the component.
  virtual Result<void> DeleteComponent(std::string const& id) = 0;

  // Stacks come back with their components. Names are unique per owner.
  virtual Result<void> CreateStack(Stack const& s) = 0;
  virtual Result<Stack> FindStack(std::string const& name_or_id, NameScope const& scope = {}) = 0;
  // One page of stacks (fields: StackFields()); visible_to: the owner (none: everyone's).
  // Default order by name.
  virtual Result<Page<Stack>> PageStacks(ListQuery const& query) = 0;
  virtual Result<void> DeleteStack(std::string const& id) = 0;
  // Replaces the members and the update time of stack `s.id`.
  virtual Result<void> UpdateStack(Stack const& s) = 0;
  // Each user's active stack (nullopt: none set).
  virtual Result<void> SetActiveStack(std::string const& owner, std::string const& stack_id) = 0;
  virtual Result<std::optional<std::string>> ActiveStackId(std::string const& owner) = 0;

  // A number that grows with every committed change of connectors, secrets, users or tokens,
  // in any process sharing the database. Caches of data read from the store are valid while it
  // stays the same; read it before the data it guards, so a cached answer is never older than
  // the revision it is filed under.
  virtual Result<int64_t> Revision() = 0;

  // The list totals the store remembers per revision (for /metrics).
  virtual CacheUsage ListTotalsUsage() const = 0;
};

}  // namespace latchkey
