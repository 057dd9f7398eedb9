// The `gcp` connector type: verification and discovery through Cloud Storage, GKE and Artifact
// Registry, and client connectors (OAuth2 access tokens, bucket-scoped for GCS; Kubernetes
// tokens for GKE; Docker logins for GCR and Artifact Registry).
#pragma once

#include <memory>

#include "core/connector_type.h"

namespace latchkey {

std::unique_ptr<ConnectorType> MakeGcpConnectorType();

}  // namespace latchkey
