// Writes a cluster's credentials into a kubeconfig the way `kubectl config set-cluster /
// set-credentials / set-context / use-context` would, in one atomic step. Used by the kubernetes
// connector and by every cloud connector that hands out Kubernetes client connectors.
#pragma once

#include <string>

#include "common/error.h"
#include "connectors/kubernetes/kubernetes_credentials.h"

namespace latchkey {

// Returns `existing` kubeconfig text (empty = a new file) with a cluster, a user and a context all
// named `creds.cluster_name` set from `creds`, and that context made current. Entries of the
// same name are replaced (a context keeps its namespace); every other entry and key is kept.
// `source` names the file in errors.
Result<std::string> MergeKubeconfigText(std::string const& existing, std::string const& source,
                                        KubernetesCredentials const& creds);

// Merges `creds` into the kubeconfig at `path` (created with apiVersion v1 / kind Config when
// missing) and replaces the file atomically with mode 0600. A symlinked kubeconfig is written
// through its link. On any error the file is left as it was.
Result<void> WriteKubeconfig(std::string const& path, KubernetesCredentials const& creds);

}  // namespace latchkey
