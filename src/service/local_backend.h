// Backend implementation that runs every use case in this process on a Store.
#pragma once

#include <memory>
#include <mutex>

#include "service/access.h"
#include "service/backend.h"
#include "service/service_state.h"

namespace latchkey {

class LocalBackend : public Backend {
 public:
  // Opens (and creates) the SQLite store under `options.home`, at StorePath(home).
  static Result<std::unique_ptr<LocalBackend>> Open(LocalBackendOptions options);
  static std::string StorePath(std::string const& home) { return home + "/latchkey.db"; }
  // The embedded mode: one local user (options.owner) who owns and administers everything.
  // `http` may be null: a libcurl client is then created on first use.
  LocalBackend(LocalBackendOptions options, std::unique_ptr<Store> store,
               std::unique_ptr<HttpClient> http);
  // One caller's view of shared state (the server makes one per request). `revision` is the
  // store's, read when the request began: with it, the connector named by a request for client
  // credentials may come from the state's revision cache instead of the store.
  LocalBackend(std::shared_ptr<ServiceState> state, Principal principal,
               std::optional<int64_t> revision = std::nullopt);

  std::vector<ConnectorTypeSpec const*> ListConnectorTypes(TypeFilter const& filter) override;
  Result<ConnectorTypeSpec const*> GetConnectorType(std::string const& connector_type) override;
  Result<SavedConnector> RegisterConnector(RegisterRequest request) override;
  Result<ResourcesReport> VerifyDraft(RegisterRequest request) override;
  Result<std::vector<Connector>> ListConnectors(ConnectorFilter const& filter) override;
  Result<Page<Connector>> PageConnectors(ListQuery query) override;
  Result<Connector> GetConnector(std::string const& name_or_id, bool reveal_secrets) override;
  Result<SavedConnector> UpdateConnector(UpdateRequest request) override;
  Result<void> DeleteConnector(std::string const& name_or_id) override;
  Result<ResourcesReport> VerifyConnector(std::string const& name_or_id,
                                          OptString const& resource_type,
                                          OptString const& resource_id,
                                          bool list_resources) override;
  Result<std::vector<ResourcesReport>> ListResources(ResourceQuery const& query) override;
  Result<Connector> GetConnectorClient(std::string const& name_or_id,
                                       OptString const& resource_type,
                                       OptString const& resource_id) override;

  Result<Secret> CreateSecret(std::string const& name,
                              std::map<std::string, std::string> const& values,
                              bool shared) override;
  Result<std::vector<Secret>> ListSecrets() override;
  Result<Page<Secret>> PageSecrets(ListQuery query) override;
  Result<Secret> GetSecret(std::string const& name_or_id, bool reveal_values) override;
  Result<Secret> UpdateSecret(std::string const& name_or_id,
                              std::map<std::string, std::string> const& values,
                              std::vector<std::string> const& remove_keys,
                              std::optional<bool> shared) override;
  Result<Secret> RenameSecret(std::string const& name_or_id, std::string const& new_name) override;
  Result<void> DeleteSecret(std::string const& name_or_id) override;
  Result<size_t> RotateSecretsKey() override;

  Result<ConnectedComponent> RegisterComponent(ComponentRequest request) override;
  Result<Page<StackComponent>> PageComponents(ComponentType type, ListQuery query) override;
  Result<StackComponent> GetComponent(ComponentType type, std::string const& name_or_id) override;
  Result<StackComponent> UpdateComponent(ComponentRequest request) override;
  Result<void> DeleteComponent(ComponentType type, std::string const& name_or_id) override;
  Result<ConnectedComponent> ConnectComponent(ConnectRequest request) override;
  Result<StackComponent> DisconnectComponent(ComponentType type,
                                             std::string const& name_or_id) override;
  Result<Stack> RegisterStack(StackRequest request) override;
  Result<Page<Stack>> PageStacks(ListQuery query) override;
  Result<Stack> GetStack(std::string const& name_or_id) override;
  Result<Stack> UpdateStack(std::string const& name_or_id, StackUpdate update) override;
  Result<void> DeleteStack(std::string const& name_or_id) override;
  Result<Stack> SetActiveStack(std::string const& name_or_id) override;
  Result<std::optional<Stack>> GetActiveStack() override;

  // A fresh context (current time) for connector calls made on behalf of this backend.
  Context MakeContext() { return state_->MakeContext(); }
  Principal const& principal() const { return principal_; }
  // The ring that seals this store's secrets, loaded (or created) by the same rules as for a
  // secret value, lost-key guard included: the CLI seals its credential cache with it.
  Result<KeyRing*> SecretsKeyRing() { return box().Ring(); }

 private:
  Store& store() { return state_->store(); }
  SecretBox& box() { return state_->box(); }
  LocalBackendOptions const& options() const { return state_->options(); }
  // How this caller's names resolve: their own item first, then a shared one (NameScope).
  NameScope names() const { return {principal_.name, principal_.admin}; }
  // Finds a connector the caller may access as `access`; its secret values are opened (for use
  // inside the service) when `reveal`.
  Result<Connector> Load(std::string const& name_or_id, Access access, bool reveal);
  // Load(name_or_id, kUse, false), from the revision cache when this view has a revision.
  Result<Connector> LoadForUse(std::string const& name_or_id);
  Result<SecretRecord> LoadSecret(std::string const& name_or_id, Access access);
  Result<Connector> BuildDraft(RegisterRequest& request, Context& ctx);
  Result<SecretRecord> SealSecrets(std::string const& name,
                                   std::map<std::string, std::string> const& values, bool internal,
                                   TimePoint now);
  Result<void> Reveal(Connector& c);
  // Stack components (local_backend_stacks.cc).
  struct ComponentLink;
  Result<StackComponent> LoadComponent(ComponentType type, std::string const& name_or_id,
                                       Access access);
  // Checks and verifies that `connector` can serve `component` (see Backend::ConnectComponent).
  Result<ComponentLink> ResolveLink(StackComponent const& component, std::string const& connector,
                                    OptString const& resource_id);
  // Refuses (naming them) while components use the connector: deleting it, or changing what it
  // reaches (auth method, resource types, resource ID).
  Result<void> RefuseWhileUsed(Connector const& c, std::string const& action);
  // Upstream's default stack: a user with no stack at all gets a `default` stack of a `default`
  // local orchestrator and a `default` local artifact store, made active when nothing is
  // (local_backend_default_stack.cc). Called first by the stack and component use cases.
  Result<void> EnsureDefaultStack();
  Result<Secret> OpenSecret(SecretRecord const& record, bool reveal_values);

  std::shared_ptr<ServiceState> state_;
  Principal principal_;
  std::optional<int64_t> revision_;
};

}  // namespace latchkey
