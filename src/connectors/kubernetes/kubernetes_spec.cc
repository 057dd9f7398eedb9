#include "connectors/kubernetes/kubernetes_spec.h"

namespace latchkey {
namespace {

constexpr char kTypeDescription[] =
    "The Kubernetes Service Connector authenticates to a generic Kubernetes cluster (on premises, "
    "k3d, kind, minikube, or any cluster reachable with static credentials) and hands the API "
    "server URL, its CA certificate and the configured credentials to the Stack Components "
    "linked to it. It can also write the same details into the local kubeconfig, so that "
    "kubectl and other Kubernetes clients reach the cluster without further setup.\n"
    "\n"
    "Two authentication methods are available: a username and password (HTTP basic "
    "authentication), and a bearer token and/or a client certificate (service account tokens, "
    "OIDC ID tokens, x509 client certificates).\n"
    "\n"
    "This connector type does not issue temporary credentials: consumers receive the configured "
    "credentials as they are. Prefer short-lived service account tokens bound to narrow RBAC "
    "roles. For EKS, GKE and AKS clusters, register an AWS, GCP or Azure connector instead: they "
    "issue short-lived Kubernetes tokens derived from cloud credentials.\n"
    "\n"
    "Auto-configuration reads the current context of the local kubeconfig (the files listed in "
    "KUBECONFIG, or ~/.kube/config). Credentials that kubectl obtains through exec plugins or "
    "auth providers (aws, gke-gcloud-auth-plugin, kubelogin) are minted on demand and cannot be "
    "lifted into a connector.";

constexpr char kClusterDescription[] =
    "A Kubernetes cluster, reached through its API server.\n"
    "\n"
    "A Kubernetes connector gives access to exactly one cluster, so this resource type has no "
    "instances: its resource ID is the `cluster_name` configured in the connector (usually the "
    "cluster's name in kubeconfig, e.g. `kind-dev`). Kubernetes orchestrators, step operators "
    "and model deployers use it; configuring the local client writes a kubeconfig cluster, user "
    "and context of that same name.";

constexpr char kPasswordDescription[] =
    "Authenticates to the Kubernetes API server with a username and password (HTTP basic "
    "authentication).\n"
    "\n"
    "Kubernetes removed its static password file in version 1.19, so this method only works "
    "with API servers or authenticating proxies that still accept basic credentials. It needs "
    "the API server URL, a cluster name, and optionally the CA certificate that signed the API "
    "server's certificate (PEM or base64-encoded PEM; without it the system trust store is "
    "used). The `insecure` flag skips TLS verification altogether and is meant for throwaway "
    "local clusters only.";

constexpr char kTokenDescription[] =
    "Authenticates to the Kubernetes API server with a bearer token, with a client certificate "
    "and private key (mutual TLS), or with both. At least a token or a certificate and key pair "
    "is required.\n"
    "\n"
    "Tokens can be service account tokens (`kubectl create token NAME --duration=1h`), OIDC ID "
    "tokens or any other token the API server accepts. Certificates and keys are given as PEM or "
    "base64-encoded PEM, like the `client-certificate-data` and `client-key-data` entries of a "
    "kubeconfig. The API server's CA certificate and the `insecure` flag work as for the "
    "password method.\n"
    "\n"
    "The configured credentials are handed out unchanged, so a token with a short lifetime or a "
    "narrow RBAC binding limits the damage of a leak. This is also the form of the temporary "
    "credentials that the AWS, GCP and Azure connectors issue for EKS, GKE and AKS clusters.";

std::vector<ConfigField> CommonFields() {
  return {
      {kube_field::kServer, FieldType::kString, false, true, std::nullopt,
       "Kubernetes API server URL"},
      {kube_field::kInsecure, FieldType::kBoolean, false, false, "false",
       "Skip TLS verification of the API server certificate (not for production)"},
      {kube_field::kClusterName, FieldType::kString, false, true, std::nullopt,
       "Kubernetes cluster name"},
      {kube_field::kCertificateAuthority, FieldType::kString, true, false, std::nullopt,
       "CA certificate of the API server, PEM or base64-encoded PEM"},
  };
}

AuthMethodSpec PasswordMethod() {
  AuthMethodSpec m;
  m.name = "Kubernetes username and password";
  m.auth_method = kKubernetesPasswordMethod;
  m.description = kPasswordDescription;
  m.fields = CommonFields();
  m.fields.push_back(
      {kube_field::kUsername, FieldType::kString, true, true, std::nullopt, "Kubernetes username"});
  m.fields.push_back(
      {kube_field::kPassword, FieldType::kString, true, true, std::nullopt, "Kubernetes password"});
  return m;
}

AuthMethodSpec TokenMethod() {
  AuthMethodSpec m;
  m.name = "Kubernetes token and/or client certificate";
  m.auth_method = kKubernetesTokenMethod;
  m.description = kTokenDescription;
  m.fields = CommonFields();
  m.fields.push_back({kube_field::kClientCertificate, FieldType::kString, true, false, std::nullopt,
                      "Client certificate, PEM or base64-encoded PEM"});
  m.fields.push_back({kube_field::kClientKey, FieldType::kString, true, false, std::nullopt,
                      "Client certificate private key, PEM or base64-encoded PEM"});
  m.fields.push_back({kube_field::kToken, FieldType::kString, true, false, std::nullopt,
                      "Kubernetes API (bearer) token"});
  return m;
}

}  // namespace

ConnectorTypeSpec MakeKubernetesConnectorSpec() {
  ConnectorTypeSpec spec;
  spec.name = "Kubernetes Service Connector";
  spec.connector_type = kKubernetesConnectorType;
  spec.emoji = "🌀";
  spec.description = kTypeDescription;
  spec.auth_methods = {PasswordMethod(), TokenMethod()};

  ResourceTypeSpec cluster;
  cluster.name = "Kubernetes cluster";
  cluster.resource_type = kKubernetesClusterResourceType;
  cluster.emoji = "🌀";
  cluster.description = kClusterDescription;
  cluster.auth_methods = {kKubernetesPasswordMethod, kKubernetesTokenMethod};
  cluster.supports_instances = false;
  cluster.id_forms = {"{cluster-name}"};
  spec.resource_types = {cluster};

  spec.supports_auto_configuration = true;
  spec.local = true;
  spec.remote = true;
  return spec;
}

}  // namespace latchkey
