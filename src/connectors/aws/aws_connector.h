// The `aws` connector type: verification and resource discovery through STS/S3/EKS/ECR, and
// client connectors (AWS STS credentials, Kubernetes tokens for EKS, Docker logins for ECR).
#pragma once

#include <memory>

#include "core/connector_type.h"

namespace latchkey {

std::unique_ptr<ConnectorType> MakeAwsConnectorType();

}  // namespace latchkey
