// The use cases of Latchkey, as one interface. The CLI talks only to a Backend: LocalBackend runs
// them in-process on the embedded store; a REST client will implement the same interface.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/connector_validation.h"
#include "core/model.h"
#include "core/spec.h"
#include "stack/stack_model.h"
#include "store/store.h"

namespace latchkey {

struct TypeFilter {
  OptString connector_type;
  OptString resource_type;
  OptString auth_method;
};

// The compiled-in catalogue filtered as `list-types` asks (client and server share it).
std::vector<ConnectorTypeSpec const*> FilterConnectorTypes(TypeFilter const& filter);

struct RegisterRequest {
  // name, connector_type, auth_method (may be empty with auto-configure or a single method),
  // resource_types (none = every type the method serves), resource_id, labels, description,
  // expiration_seconds, expires_at, expires_skew_tolerance.
  Connector draft;
  RawValues values;  // attribute values, secret or not
  bool verify = true;
  bool auto_configure = false;
};

struct UpdateRequest {
  std::string name_or_id;
  OptString new_name;
  OptString description;
  OptString auth_method;
  OptString resource_type;
  OptString resource_id;
  RawValues values;                                          // merged into the current attributes
  std::vector<std::string> remove_attrs;                     // attributes, or resource_id/...
  std::map<std::string, std::optional<std::string>> labels;  // nullopt removes the label
  std::optional<int64_t> expiration_seconds;
  std::optional<TimePoint> expires_at;
  std::optional<int64_t> expires_skew_tolerance;
  std::optional<bool> shared;
  std::optional<bool> shared_read_only;  // see Connector::shared_read_only and ApplySharing
  std::optional<bool> share_secrets;     // see Connector::share_secrets
  // Refuse (kConflict) unless the connector is still at this version (REST If-Match).
  std::optional<int64_t> expected_version;
  bool verify = true;
};

struct SavedConnector {
  Connector connector;
  std::optional<ResourcesReport> resources;  // when verified
};

struct ResourceQuery {
  OptString connector_type;
  OptString resource_type;
  OptString resource_id;
  bool exclude_errors = false;
};

// A component after register or connect: with the verified resource when it was connected.
struct ConnectedComponent {
  StackComponent component;
  std::optional<ResourcesReport> resources;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::vector<ConnectorTypeSpec const*> ListConnectorTypes(TypeFilter const& filter) = 0;
  virtual Result<ConnectorTypeSpec const*> GetConnectorType(std::string const& connector_type) = 0;

  virtual Result<SavedConnector> RegisterConnector(RegisterRequest request) = 0;
  // Verifies an unsaved configuration (the interactive wizard's check before saving).
  virtual Result<ResourcesReport> VerifyDraft(RegisterRequest request) = 0;
  virtual Result<std::vector<Connector>> ListConnectors(ConnectorFilter const& filter) = 0;
  // One page of the connectors the caller may see that match `query` (store/list_query.h).
  virtual Result<Page<Connector>> PageConnectors(ListQuery query) = 0;
  // Secret values are filled in only with `reveal_secrets` (owner rights).
  virtual Result<Connector> GetConnector(std::string const& name_or_id, bool reveal_secrets) = 0;
  virtual Result<SavedConnector> UpdateConnector(UpdateRequest request) = 0;
  virtual Result<void> DeleteConnector(std::string const& name_or_id) = 0;
  virtual Result<ResourcesReport> VerifyConnector(std::string const& name_or_id,
                                                  OptString const& resource_type,
                                                  OptString const& resource_id,
                                                  bool list_resources) = 0;
  virtual Result<std::vector<ResourcesReport>> ListResources(ResourceQuery const& query) = 0;
  virtual Result<Connector> GetConnectorClient(std::string const& name_or_id,
                                               OptString const& resource_type,
                                               OptString const& resource_id) = 0;

  virtual Result<Secret> CreateSecret(std::string const& name,
                                      std::map<std::string, std::string> const& values,
                                      bool shared) = 0;
  virtual Result<std::vector<Secret>> ListSecrets() = 0;          // values' keys only
  virtual Result<Page<Secret>> PageSecrets(ListQuery query) = 0;  // values' keys only
  virtual Result<Secret> GetSecret(std::string const& name_or_id, bool reveal_values) = 0;
  // `shared` (when given) changes who may see and use the secret.
  virtual Result<Secret> UpdateSecret(std::string const& name_or_id,
                                      std::map<std::string, std::string> const& values,
                                      std::vector<std::string> const& remove_keys,
                                      std::optional<bool> shared) = 0;
  virtual Result<Secret> RenameSecret(std::string const& name_or_id,
                                      std::string const& new_name) = 0;
  virtual Result<void> DeleteSecret(std::string const& name_or_id) = 0;
  // Re-encrypts every stored secret value with a fresh (or the newly configured) key.
  virtual Result<size_t> RotateSecretsKey() = 0;

  // Stack components (stack/). Connecting checks the flavor's connector requirement, takes the
  // resource ID from the flavor's attribute (or `resource_id`), and verifies that the connector
  // reaches the resource before saving the link.
  virtual Result<ConnectedComponent> RegisterComponent(ComponentRequest request) = 0;
  // One page of the components of `type` the caller may see (fields: ComponentFields()).
  virtual Result<Page<StackComponent>> PageComponents(ComponentType type, ListQuery query) = 0;
  virtual Result<StackComponent> GetComponent(ComponentType type,
                                              std::string const& name_or_id) = 0;
  virtual Result<StackComponent> UpdateComponent(ComponentRequest request) = 0;
  virtual Result<void> DeleteComponent(ComponentType type, std::string const& name_or_id) = 0;
  virtual Result<ConnectedComponent> ConnectComponent(ConnectRequest request) = 0;
  virtual Result<StackComponent> DisconnectComponent(ComponentType type,
                                                     std::string const& name_or_id) = 0;

  // Stacks: one component per type (an artifact store at least); each user has an active one.
  virtual Result<Stack> RegisterStack(StackRequest request) = 0;
  virtual Result<Page<Stack>> PageStacks(ListQuery query) = 0;  // fields: StackFields()
  virtual Result<Stack> GetStack(std::string const& name_or_id) = 0;
  virtual Result<Stack> UpdateStack(std::string const& name_or_id, StackUpdate update) = 0;
  virtual Result<void> DeleteStack(std::string const& name_or_id) = 0;
  virtual Result<Stack> SetActiveStack(std::string const& name_or_id) = 0;
  virtual Result<std::optional<Stack>> GetActiveStack() = 0;
};

}  // namespace latchkey
