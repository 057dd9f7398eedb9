#include "connectors/docker/docker_spec.h"

namespace latchkey::docker {
namespace {

constexpr char kTypeDescription[] =
    "The Docker Service Connector authenticates to a Docker or OCI container registry (Docker "
    "Hub, a self-hosted registry, Harbor, GitLab, Quay, ...) with a username and a password or "
    "access token.\n"
    "\n"
    "It checks the credentials by speaking the registry's v2 HTTP API directly, including the "
    "bearer-token exchange most registries use, so no Docker daemon is needed where Latchkey "
    "runs. Consumers receive the same username and password as a client connector.\n"
    "\n"
    "`login` writes the credentials into the local Docker client configuration "
    "(`$DOCKER_CONFIG/config.json`, default `~/.docker/config.json`) without touching any other "
    "entry of that file, so `docker`, `skopeo`, `buildah` and other tools that read it can pull "
    "and push right away.\n"
    "\n"
    "Auto-configuration reads the same file and lifts a login made earlier with `docker login`. "
    "Credentials kept by a credential helper (`credsStore`, `credHelpers`) cannot be lifted.\n"
    "\n"
    "Cloud connector types (AWS, GCP, Azure) also hand out clients of this type for their own "
    "registries (ECR, Artifact Registry, ACR), with short-lived tokens as the password.";

constexpr char kPasswordMethodDescription[] =
    "Authenticates with a registry username and a password. Most registries also accept an "
    "access token in place of the password (a Docker Hub personal access token, a GitLab deploy "
    "token, a Harbor robot account secret, ...), which is preferable: it can be scoped and "
    "revoked without changing the account password.\n"
    "\n"
    "Set `registry` to the registry server (`registry.example.com:5000`, "
    "`https://registry.example.com`); omit it for Docker Hub. Without a scheme, HTTPS is used, "
    "except that loopback registries (localhost, 127.0.0.1, [::1]) fall back to plain HTTP as "
    "Docker itself does.\n"
    "\n"
    "The credentials are long-lived: clients receive them unchanged and they do not expire "
    "unless the registry revokes them.";

constexpr char kRegistryResourceDescription[] =
    "A Docker or OCI container registry, identified by its server `host[:port]`. Docker Hub is "
    "`docker.io`; its other spellings (`index.docker.io`, `registry-1.docker.io`, "
    "`https://index.docker.io/v1/`) mean the same registry.\n"
    "\n"
    "A connector reaches exactly one registry (the one in its `registry` setting), so the "
    "resource ID never has to be chosen. Repository paths in a given ID are accepted and "
    "ignored: `registry.example.com/team/app` names the registry `registry.example.com`.";

ConfigField StringField(std::string name, bool secret, bool required, std::string title) {
  ConfigField field;
  field.name = std::move(name);
  field.type = FieldType::kString;
  field.secret = secret;
  field.required = required;
  field.title = std::move(title);
  return field;
}

}  // namespace

ConnectorTypeSpec MakeDockerSpec() {
  ConnectorTypeSpec spec;
  spec.name = "Docker Service Connector";
  spec.connector_type = kConnectorType;
  spec.emoji = "🐳";
  spec.description = kTypeDescription;
  spec.supports_auto_configuration = true;
  spec.local = true;
  spec.remote = true;

  AuthMethodSpec password;
  password.name = "Docker username and password/token";
  password.auth_method = kPasswordAuthMethod;
  password.description = kPasswordMethodDescription;
  password.fields = {
      StringField(kUsernameField, /*secret=*/true, /*required=*/true, "Username"),
      StringField(kPasswordField, /*secret=*/true, /*required=*/true, "Password or access token"),
      StringField(kRegistryField, /*secret=*/false, /*required=*/false,
                  "Registry server URL. Omit to use DockerHub."),
  };
  spec.auth_methods.push_back(std::move(password));

  ResourceTypeSpec registry;
  registry.name = "Docker/OCI container registry";
  registry.resource_type = kRegistryResourceType;
  registry.emoji = "🐳";
  registry.description = kRegistryResourceDescription;
  registry.auth_methods = {kPasswordAuthMethod};
  registry.supports_instances = false;
  registry.id_forms = {
      "{hostname}[:{port}] (canonical)",
      "docker.io",
      "https://index.docker.io/v1/[{repository}]",
      "http[s]://{hostname}[:{port}][/{repository}]",
  };
  spec.resource_types.push_back(std::move(registry));
  return spec;
}

}  // namespace latchkey::docker
