#include "cli/refreshing_login.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "cli/client_target.h"
#include "cli/docker_credential_helper.h"
#include "cli/docker_helper_registry.h"
#include "common/strings.h"
#include "connectors/aws/aws_config_files.h"
#include "connectors/aws/aws_spec.h"
#include "connectors/docker/docker_config.h"
#include "connectors/docker/docker_spec.h"
#include "connectors/docker/registry_id.h"
#include "connectors/kubernetes/kubeconfig_paths.h"
#include "connectors/kubernetes/kubeconfig_writer.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "connectors/kubernetes/kubernetes_spec.h"

namespace latchkey::cli {
namespace {

Result<std::string> AwsProfile(CliState& state, Connector const& client) {
  auto command = ReissueCommand(state, {"credentials", "aws"}, client);
  if (!command) return tl::unexpected(command.error());
  std::string profile = "latchkey-" + client.id.substr(0, 8);
  aws::IniSection config = {{"credential_process", aws::ShellQuote(*command)}};
  if (auto region = client.Value("region"); region && !region->empty()) config["region"] = *region;
  if (auto endpoint = client.Value("endpoint_url"); endpoint && !endpoint->empty()) {
    config["endpoint_url"] = *endpoint;
  }
  if (auto r = aws::WriteProcessProfile(state.env(), profile, config); !r) {
    return tl::unexpected(r.error());
  }
  return fmt::format(
      "Configured AWS profile '{}' in {} to fetch fresh credentials with `latchkey credentials "
      "aws` whenever they near expiry; use it with AWS_PROFILE={}.",
      profile, aws::ConfigFilePath(state.env()), profile);
}

Result<std::string> KubeconfigUser(CliState& state, Connector const& client) {
  KubernetesCredentials cluster;
  cluster.server = client.Value(kube_field::kServer).value_or("");
  cluster.cluster_name = client.Value(kube_field::kClusterName).value_or("");
  cluster.insecure = client.BoolValue(kube_field::kInsecure);
  if (auto ca = client.Value(kube_field::kCertificateAuthority); ca && !ca->empty()) {
    auto pem = NormalizePem(*ca, "certificate_authority");
    if (!pem) return tl::unexpected(pem.error());
    cluster.ca_pem = *pem;
  }
  if (client.auth_method == kKubernetesPasswordMethod) {
    return Fail(ErrorCode::kFailedPrecondition,
                "connector '" + client.name +
                    "' authenticates with a username and password, which a kubectl exec "
                    "plugin cannot hand over; log in with --static instead");
  }
  auto command = ReissueCommand(state, {"credentials", "kubernetes"}, client);
  if (!command) return tl::unexpected(command.error());
  KubeconfigExec exec;
  exec.command = command->front();
  exec.args.assign(command->begin() + 1, command->end());
  if (auto r = WriteKubeconfigExec(KubeconfigWritePath(state.env()), cluster, exec); !r) {
    return tl::unexpected(r.error());
  }
  return "Updated local kubeconfig with the cluster details; kubectl fetches fresh credentials "
         "with `latchkey credentials kubernetes` whenever they expire. The current kubectl "
         "context was set to '" +
         cluster.cluster_name + "'.";
}

// Docker finds helpers on PATH by name; say where ours is when it is not there.
std::string HelperPathNote(Environment const& env) {
  for (auto const& dir : Split(env.Get("PATH").value_or(""), ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + kDockerHelperProgram;
    if (::access(candidate.c_str(), X_OK) == 0) return "";
  }
  auto self = SelfExecutable();
  std::string dir = self ? std::filesystem::path(*self).parent_path().string() : "";
  return fmt::format(
      " Note: {} is not on PATH; add {} to PATH (the build links it next to "
      "latchkey) so that docker can run it.",
      kDockerHelperProgram, dir.empty() ? "its directory" : dir);
}

Result<std::string> DockerHelper(CliState& state, Connector const& client) {
  auto registry_id = docker::CanonicalRegistryId(client.resource_id.value_or(""));
  if (!registry_id) return tl::unexpected(registry_id.error());
  auto entries = LoadHelperRegistrations(state.env());
  if (!entries) return tl::unexpected(entries.error());
  HelperRegistration entry;
  entry.target = {client.id, client.resource_types.front(), *registry_id};
  std::string name = client.name;
  entry.connector_name = name.substr(0, name.find(" ("));  // client names carry the resource
  (*entries)[*registry_id] = entry;
  if (auto saved = SaveHelperRegistrations(state.env(), *entries); !saved) {
    return tl::unexpected(saved.error());
  }
  std::string path = docker::DockerConfigPath(state.env());
  if (auto r = docker::StoreCredentialHelper(path, docker::DockerConfigKey(*registry_id),
                                             *registry_id, kDockerHelperName);
      !r) {
    return tl::unexpected(r.error());
  }
  return fmt::format(
             "Configured the local Docker client to ask {} for registry {} in {}; every pull and "
             "push gets a fresh login.",
             kDockerHelperProgram, *registry_id, path) +
         HelperPathNote(state.env());
}

}  // namespace

namespace {

// The tools whose own refresh hook Latchkey can fill: credential_process, the kubectl exec
// plugin, a docker credential helper. gcloud and Azure tools have none.
bool HasRefreshingLogin(Connector const& client) {
  return client.connector_type == aws::kConnectorType ||
         client.connector_type == kKubernetesConnectorType ||
         client.connector_type == docker::kConnectorType;
}

}  // namespace

bool UsesRefresh(LoginMode mode, Connector const& client) {
  if (mode == LoginMode::kAuto) return client.expires_at.has_value() && HasRefreshingLogin(client);
  return mode == LoginMode::kRefresh;
}

Result<std::string> ConfigureRefreshingClient(CliState& state, Connector const& client) {
  if (client.connector_type == aws::kConnectorType) return AwsProfile(state, client);
  if (client.connector_type == kKubernetesConnectorType) return KubeconfigUser(state, client);
  if (client.connector_type == docker::kConnectorType) return DockerHelper(state, client);
  return Fail(ErrorCode::kInvalidArgument, "connector '" + client.name + "' issues " +
                                               client.connector_type +
                                               " credentials, for which no refreshing login "
                                               "exists; log in with --static");
}

Result<std::string> ForgetRefreshingDockerLogin(CliState& state, Connector const& client) {
  if (client.connector_type != docker::kConnectorType) return std::string();
  auto registry_id = docker::CanonicalRegistryId(client.resource_id.value_or(""));
  if (!registry_id) return std::string();
  auto removed = docker::RemoveCredentialHelper(docker::DockerConfigPath(state.env()), *registry_id,
                                                kDockerHelperName);
  if (!removed) return tl::unexpected(removed.error());
  auto entries = LoadHelperRegistrations(state.env());
  if (entries && entries->erase(*registry_id)) {
    if (auto saved = SaveHelperRegistrations(state.env(), *entries); !saved) {
      return tl::unexpected(saved.error());
    }
  }
  return *removed ? std::string(" (replacing the docker-credential-latchkey helper set for it)")
                  : std::string();
}

}  // namespace latchkey::cli
