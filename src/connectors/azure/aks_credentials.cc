#include "connectors/azure/aks_credentials.h"

#include "connectors/kubernetes/kubeconfig_yaml.h"

namespace latchkey::azure {
namespace {

YAML::Node Entry(YAML::Node const& root, std::string const& list, std::optional<std::string> name,
                 std::string const& inner) {
  YAML::Node seq = YamlChild(root, list);
  if (!IsYamlSequence(seq) || seq.size() == 0) return YAML::Node();
  YAML::Node entry = name ? FindNamedEntry(seq, *name) : seq[0];
  if (!entry.IsDefined()) entry = seq[0];
  return YamlChild(entry, inner);
}

}  // namespace

Result<KubernetesCredentials> CredentialsFromAksKubeconfig(std::string const& kubeconfig,
                                                           std::string const& cluster_name) {
  auto root = ParseKubeconfigYaml(kubeconfig, "the AKS user kubeconfig");
  if (!root) return tl::unexpected(root.error());
  std::optional<std::string> cluster_entry, user_entry;
  if (auto current = YamlString(*root, "current-context")) {
    YAML::Node context = Entry(*root, "contexts", *current, "context");
    cluster_entry = YamlString(context, "cluster");
    user_entry = YamlString(context, "user");
  }
  YAML::Node cluster = Entry(*root, "clusters", cluster_entry, "cluster");
  YAML::Node user = Entry(*root, "users", user_entry, "user");
  KubernetesCredentials k;
  k.server = YamlString(cluster, "server").value_or("");
  while (!k.server.empty() && k.server.back() == '/') k.server.pop_back();
  k.cluster_name = cluster_name;
  k.insecure = YamlBool(cluster, "insecure-skip-tls-verify");
  if (auto ca = YamlString(cluster, "certificate-authority-data")) {
    auto pem = NormalizePem(*ca, "certificate-authority-data");
    if (!pem) return tl::unexpected(pem.error());
    k.ca_pem = *pem;
  }
  if (YamlChild(user, "exec").IsDefined() || YamlChild(user, "auth-provider").IsDefined()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the AKS cluster's user credentials use an exec plugin (Entra ID integration); "
                "they are minted by kubelogin on the client and cannot be issued by the broker");
  }
  k.token = YamlString(user, "token");
  if (auto cert = YamlString(user, "client-certificate-data")) {
    auto pem = NormalizePem(*cert, "client-certificate-data");
    if (!pem) return tl::unexpected(pem.error());
    k.client_cert_pem = *pem;
  }
  if (auto key = YamlString(user, "client-key-data")) {
    auto pem = NormalizePem(*key, "client-key-data");
    if (!pem) return tl::unexpected(pem.error());
    k.client_key_pem = *pem;
  }
  if (auto valid = ValidateKubernetesCredentials(k); !valid) {
    return Fail(valid.error(), "the AKS user kubeconfig");
  }
  return k;
}

}  // namespace latchkey::azure
