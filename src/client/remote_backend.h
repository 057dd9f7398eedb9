// The CLI as a client of a Latchkey server: the Backend interface over the REST API. Secrets
// configured on the server never come back here; `GetConnectorClient` receives only the client
// connector's temporary credentials. Auto-configuration runs here, in the user's environment,
// and only its result is sent.
#pragma once

#include <memory>
#include <string>

#include "core/context.h"
#include "http/http_client.h"
#include "service/backend.h"

namespace latchkey {

struct RemoteOptions {
  std::string url;    // "https://latchkey.example:8237" (no trailing slash needed)
  std::string token;  // API token or service-account API key
  TlsOptions tls;
  std::chrono::milliseconds timeout{60000};  // verification can take a while upstream
  Environment env;                           // for auto-configuration
};

class RemoteBackend : public Backend {
 public:
  RemoteBackend(RemoteOptions options, std::unique_ptr<HttpClient> http);

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

  // One API call: `path` below the server URL ("/api/v1/users"), query pairs appended encoded.
  // 2xx bodies come back parsed (null for 204); errors carry the server's code and message.
  Result<nlohmann::json> Call(std::string const& method, std::string const& path,
                              std::vector<std::pair<std::string, std::string>> const& query = {},
                              std::optional<nlohmann::json> const& body = std::nullopt);

 private:
  Result<nlohmann::json> RegisterBody(RegisterRequest& request);

  RemoteOptions options_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace latchkey
