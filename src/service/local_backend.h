// Backend implementation that runs every use case in this process on a Store.
#pragma once

#include <memory>
#include <mutex>

#include "core/context.h"
#include "http/http_client.h"
#include "secrets/secret_box.h"
#include "service/backend.h"

namespace latchkey {

struct LocalBackendOptions {
  std::string home;  // $LATCHKEY_HOME
  Environment env;
  std::string owner = "default";
  std::chrono::milliseconds timeout{15000};
  size_t verify_parallelism = 8;
};

// Resolves $LATCHKEY_HOME (default ~/.latchkey) from the environment.
std::string LatchkeyHome(Environment const& env);

class LocalBackend : public Backend {
 public:
  // Opens (and creates) the SQLite store under `options.home`.
  static Result<std::unique_ptr<LocalBackend>> Open(LocalBackendOptions options);
  // `http` may be null: a libcurl client is then created on first use.
  LocalBackend(LocalBackendOptions options, std::unique_ptr<Store> store,
               std::unique_ptr<HttpClient> http);

  std::vector<ConnectorTypeSpec const*> ListConnectorTypes(TypeFilter const& filter) override;
  Result<ConnectorTypeSpec const*> GetConnectorType(std::string const& connector_type) override;
  Result<SavedConnector> RegisterConnector(RegisterRequest request) override;
  Result<ResourcesReport> VerifyDraft(RegisterRequest request) override;
  Result<std::vector<Connector>> ListConnectors(ConnectorFilter const& filter) override;
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
                              std::map<std::string, std::string> const& values) override;
  Result<std::vector<Secret>> ListSecrets() override;
  Result<Secret> GetSecret(std::string const& name_or_id, bool reveal_values) override;
  Result<Secret> UpdateSecret(std::string const& name_or_id,
                              std::map<std::string, std::string> const& values,
                              std::vector<std::string> const& remove_keys) override;
  Result<Secret> RenameSecret(std::string const& name_or_id, std::string const& new_name) override;
  Result<void> DeleteSecret(std::string const& name_or_id) override;
  Result<size_t> RotateSecretsKey() override;

  // A fresh context (current time) for connector calls made on behalf of this backend.
  Context MakeContext();

 private:
  Result<Connector> BuildDraft(RegisterRequest& request, Context& ctx);
  Result<SecretRecord> SealSecrets(std::string const& name,
                                   std::map<std::string, std::string> const& values, bool internal,
                                   TimePoint now);
  Result<void> Reveal(Connector& c);
  Result<Secret> OpenSecret(SecretRecord const& record, bool reveal_values);

  LocalBackendOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<HttpClient> http_;  // null until first needed (see Open)
  std::once_flag http_once_;
  SecretBox box_;
};

}  // namespace latchkey
