#include "connectors/docker/docker_connector.h"

#include "connectors/docker/docker_config.h"
#include "connectors/docker/docker_config_logins.h"
#include "connectors/docker/docker_spec.h"
#include "connectors/docker/registry_auth.h"
#include "connectors/docker/registry_endpoint.h"
#include "connectors/docker/registry_id.h"

namespace latchkey {
namespace {

using docker::RegistryCredentials;

Result<void> RequireRegistryType(std::string const& resource_type) {
  if (resource_type == docker::kRegistryResourceType) return {};
  return Fail(ErrorCode::kInvalidArgument, "the docker connector type serves only '" +
                                               std::string(docker::kRegistryResourceType) +
                                               "' resources, not '" + resource_type + "'");
}

std::optional<std::string> RegistrySetting(Connector const& c) {
  return c.Value(docker::kRegistryField);
}

Result<std::string> RequiredSecret(Connector const& c, char const* field) {
  auto value = c.Value(field);
  if (!value || value->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string("the docker connector has no '") + field + "' attribute");
  }
  return *value;
}

Result<RegistryCredentials> CredentialsOf(Connector const& c) {
  auto username = RequiredSecret(c, docker::kUsernameField);
  if (!username) return tl::unexpected(username.error());
  auto password = RequiredSecret(c, docker::kPasswordField);
  if (!password) return tl::unexpected(password.error());
  return RegistryCredentials{std::move(*username), std::move(*password)};
}

class DockerConnectorType : public ConnectorType {
 public:
  DockerConnectorType() : spec_(docker::MakeDockerSpec()) {}

  ConnectorTypeSpec const& Spec() const override { return spec_; }

  Result<std::string> CanonicalResourceId(Connector const&, std::string const& resource_type,
                                          std::string const& resource_id) const override {
    if (auto ok = RequireRegistryType(resource_type); !ok) return tl::unexpected(ok.error());
    return docker::CanonicalRegistryId(resource_id);
  }

  Result<std::string> DefaultResourceId(Connector const& connector,
                                        std::string const& resource_type) const override {
    if (auto ok = RequireRegistryType(resource_type); !ok) return tl::unexpected(ok.error());
    auto registry = RegistrySetting(connector);
    if (!registry || registry->empty()) return std::string(docker::kDockerHubRegistryId);
    auto id = docker::CanonicalRegistryId(*registry);
    if (!id) return Fail(id.error(), "the 'registry' attribute");
    return id;
  }

  Result<std::vector<std::string>> Verify(Context& ctx, Connector const& connector,
                                          OptString const& resource_type,
                                          OptString const& resource_id) const override {
    auto target =
        CheckTarget(connector, resource_type.value_or(docker::kRegistryResourceType), resource_id);
    if (!target) return tl::unexpected(target.error());
    auto credentials = CredentialsOf(connector);
    if (!credentials) return tl::unexpected(credentials.error());
    auto endpoint = docker::ResolveRegistryEndpoint(RegistrySetting(connector));
    if (!endpoint) return tl::unexpected(endpoint.error());
    if (auto ok = docker::CheckRegistryLogin(ctx, *endpoint, *credentials); !ok) {
      return tl::unexpected(ok.error());
    }
    return std::vector<std::string>{*target};
  }

  Result<Connector> Client(Context& ctx, Connector const& connector,
                           std::string const& resource_type,
                           std::string const& resource_id) const override {
    auto target = CheckTarget(connector, resource_type, resource_id);
    if (!target) return tl::unexpected(target.error());
    return ConnectorType::Client(ctx, connector, resource_type, *target);
  }

  Result<Connector> AutoConfigure(Context& ctx, OptString const& auth_method,
                                  OptString const& resource_type,
                                  OptString const& resource_id) const override {
    if (auth_method && *auth_method != docker::kPasswordAuthMethod) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the docker connector type can only auto-configure the 'password' "
                  "authentication method, not '" +
                      *auth_method + "'");
    }
    if (resource_type) {
      if (auto ok = RequireRegistryType(*resource_type); !ok) return tl::unexpected(ok.error());
    }
    std::optional<std::string> wanted;
    if (resource_id) {
      auto id = docker::CanonicalRegistryId(*resource_id);
      if (!id) return tl::unexpected(id.error());
      wanted = *id;
    }
    std::string path = docker::DockerConfigPath(ctx.env);
    auto config = docker::ReadDockerConfig(path);
    if (!config) return tl::unexpected(config.error());
    if (!*config) {
      return Fail(ErrorCode::kNotFound, "no Docker client configuration at " + path +
                                            " (log in with `docker login`, or set DOCKER_CONFIG)");
    }
    auto login = docker::FindDockerLogin(**config, path, wanted);
    if (!login) return tl::unexpected(login.error());

    Connector c;
    c.connector_type = docker::kConnectorType;
    c.auth_method = docker::kPasswordAuthMethod;
    c.resource_types = {docker::kRegistryResourceType};
    c.resource_id = login->registry_id;
    c.supports_instances = false;
    c.configuration = nlohmann::json::object();
    c.configuration[docker::kRegistryField] = login->config_key;
    c.secrets[docker::kUsernameField] = login->credentials.username;
    c.secrets[docker::kPasswordField] = login->credentials.password;
    return c;
  }

  Result<std::string> ConfigureLocalClient(Context& ctx, Connector const& client) const override {
    auto credentials = CredentialsOf(client);
    if (!credentials) return tl::unexpected(credentials.error());
    auto registry_id = DefaultResourceId(client, docker::kRegistryResourceType);
    if (!registry_id) return tl::unexpected(registry_id.error());
    std::string path = docker::DockerConfigPath(ctx.env);
    auto update =
        docker::StoreDockerLogin(path, docker::DockerConfigKey(*registry_id), *credentials);
    if (!update) return tl::unexpected(update.error());
    std::string message =
        "Configured the local Docker client for registry " + *registry_id + " in " + update->path;
    if (update->shadowing_helper) {
      message += " (note: docker asks the credential helper 'docker-credential-" +
                 *update->shadowing_helper +
                 "' configured there before it reads this entry; remove that helper setting "
                 "for the login to take effect)";
    }
    return message;
  }

 private:
  // A connector reaches exactly one registry, so any given ID must name that one.
  Result<std::string> CheckTarget(Connector const& connector, std::string const& resource_type,
                                  OptString const& resource_id) const {
    auto default_id = DefaultResourceId(connector, resource_type);
    if (!default_id) return tl::unexpected(default_id.error());
    if (!resource_id) return *default_id;
    auto id = docker::CanonicalRegistryId(*resource_id);
    if (!id) return tl::unexpected(id.error());
    if (*id != *default_id) {
      return Fail(ErrorCode::kInvalidArgument,
                  "this docker connector only reaches registry " + *default_id + ", not " + *id);
    }
    return *id;
  }

  ConnectorTypeSpec spec_;
};

}  // namespace

std::unique_ptr<ConnectorType> MakeDockerConnectorType() {
  return std::make_unique<DockerConnectorType>();
}

}  // namespace latchkey
