// The `azure` connector type: verification and resource discovery through Entra ID, ARM and the
// Blob service, and client connectors (container SAS, Entra ID tokens, Kubernetes tokens for
// AKS, docker logins for ACR).
#pragma once

#include <memory>

#include "core/connector_type.h"

namespace latchkey {

std::unique_ptr<ConnectorType> MakeAzureConnectorType();

}  // namespace latchkey
