// The `docker` connector type: a username and password (or token) for one Docker/OCI registry.
#pragma once

#include <memory>

#include "core/connector_type.h"

namespace latchkey {

std::unique_ptr<ConnectorType> MakeDockerConnectorType();

}  // namespace latchkey
