// Turns the kubeconfig AKS returns from listClusterUserCredential into static Kubernetes
// credentials (server, CA, token and/or client certificate) for a `kubernetes` client connector.
#pragma once

#include <string>

#include "connectors/kubernetes/kubernetes_credentials.h"

namespace latchkey::azure {

// Reads the current context (else the first one) of `kubeconfig`. Users that authenticate with
// an exec plugin (kubelogin, for Entra ID-integrated clusters) are refused: their tokens are
// minted on the client and cannot be handed out.
Result<KubernetesCredentials> CredentialsFromAksKubeconfig(std::string const& kubeconfig,
                                                           std::string const& cluster_name);

}  // namespace latchkey::azure
