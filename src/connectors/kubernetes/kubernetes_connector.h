// The `kubernetes` connector type: one cluster, reached with a username/password or with a token
// and/or client certificate. Its building blocks (credentials, API verification, kubeconfig
// reader and writer) live in their own headers for the cloud connectors that reuse them.
#pragma once

#include <memory>

#include "core/connector_type.h"

namespace latchkey {

std::unique_ptr<ConnectorType> MakeKubernetesConnectorType();

}  // namespace latchkey
