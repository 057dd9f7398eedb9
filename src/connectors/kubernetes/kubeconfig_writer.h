// Writes a cluster's credentials into a kubeconfig the way `kubectl config set-cluster /
// set-credentials / set-context / use-context` would, in one atomic step. Used by the kubernetes
// connector and by every cloud connector that hands out Kubernetes client connectors.
#pragma once

#include <string>
#include <utility>
#include <vector>

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

// A client-go exec credential plugin (client.authentication.k8s.io/v1): kubectl runs `command`
// with `args` (and `env` added) whenever it needs a token, and caches the answer until its
// expirationTimestamp.
struct KubeconfigExec {
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
};

// As MergeKubeconfigText / WriteKubeconfig, but the user runs `exec` instead of holding
// credentials; only the cluster part of `cluster` (server, CA or insecure, name) is used.
Result<std::string> MergeKubeconfigExecText(std::string const& existing, std::string const& source,
                                            KubernetesCredentials const& cluster,
                                            KubeconfigExec const& exec);
Result<void> WriteKubeconfigExec(std::string const& path, KubernetesCredentials const& cluster,
                                 KubeconfigExec const& exec);

}  // namespace latchkey
