// Lifts a kubeconfig context into static credentials, reading the files the way kubectl merges
// them: the first file that sets `current-context` wins, and so does the first definition of each
// named cluster, user and context. Paths inside a file are relative to that file's directory.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "core/context.h"

namespace latchkey {

struct KubeconfigSelection {
  std::string context_name;
  std::string user_name;
  std::string source;  // the file that defines the context
  // `cluster_name` is the kubeconfig cluster entry's name. Every credential the user entry
  // holds is filled in (a user may carry a token and a username/password at once); the caller
  // keeps those of the auth method it wants.
  KubernetesCredentials credentials;
};

// Picks `context` or, when unset, the current context. A `context` that names no context but a
// cluster selects the current context if it uses that cluster, else the first context that does.
// Users whose credentials come from an exec plugin or auth provider are refused: those
// credentials are minted on demand and cannot be stored.
Result<KubeconfigSelection> ReadKubeconfigContext(Environment const& env,
                                                  std::optional<std::string> const& context);

}  // namespace latchkey
