// The catalogue entry of the `kubernetes` connector type, and the names other connectors need
// when they hand out Kubernetes client connectors (EKS, GKE and AKS issue `token` connectors).
#pragma once

#include "core/spec.h"

namespace latchkey {

inline constexpr char kKubernetesConnectorType[] = "kubernetes";
inline constexpr char kKubernetesClusterResourceType[] = "kubernetes-cluster";
inline constexpr char kKubernetesPasswordMethod[] = "password";
inline constexpr char kKubernetesTokenMethod[] = "token";

// Field names, shared by the spec, the credential parser and the kubeconfig importer.
namespace kube_field {
inline constexpr char kServer[] = "server";
inline constexpr char kInsecure[] = "insecure";
inline constexpr char kClusterName[] = "cluster_name";
inline constexpr char kCertificateAuthority[] = "certificate_authority";
inline constexpr char kUsername[] = "username";
inline constexpr char kPassword[] = "password";
inline constexpr char kClientCertificate[] = "client_certificate";
inline constexpr char kClientKey[] = "client_key";
inline constexpr char kToken[] = "token";
}  // namespace kube_field

ConnectorTypeSpec MakeKubernetesConnectorSpec();

}  // namespace latchkey
