// Everything needed to talk to one Kubernetes API server, decoded and validated once. The
// kubernetes connector, the kubeconfig reader/writer and the cloud connectors that issue
// Kubernetes client connectors (EKS, GKE, AKS) all go through this one shape.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "core/model.h"

namespace latchkey {

struct KubernetesCredentials {
  std::string server;        // API server URL, without a trailing '/'
  std::string cluster_name;  // also the connector's resource ID and the kubeconfig entry names
  bool insecure = false;
  std::optional<std::string> ca_pem;  // PEM text, never base64
  // `password` method.
  std::optional<std::string> username;
  std::optional<std::string> password;
  // `token` method: a token, a certificate/key pair, or both.
  std::optional<std::string> token;
  std::optional<std::string> client_cert_pem;
  std::optional<std::string> client_key_pem;

  // "password" when a username is set, else "token".
  std::string AuthMethod() const;
};

// Accepts PEM text or base64-encoded PEM (as kubeconfig `*-data` entries hold it) and returns the
// PEM text. `field` names the offending setting in the error, which never quotes the value.
Result<std::string> NormalizePem(std::string_view value, std::string_view field);

// Reads and checks a `kubernetes` connector's fields for its auth method: required fields present,
// PEM values decodable, a client certificate only together with its key, and at least one
// credential for the `token` method.
Result<KubernetesCredentials> KubernetesCredentialsFromConnector(Connector const& connector);

// Checks `creds` the way KubernetesCredentialsFromConnector checks a connector.
Result<void> ValidateKubernetesCredentials(KubernetesCredentials const& creds);

// Builds a single-cluster `kubernetes` connector (auth method per AuthMethod()) with plain fields
// in `configuration` and secret ones in `secrets`. Callers set name, expiry and labels.
Connector KubernetesConnectorFromCredentials(KubernetesCredentials const& creds);

}  // namespace latchkey
