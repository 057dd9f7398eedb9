// The catalogue entry of the `docker` connector type, and the names other connector types use
// when they hand out Docker registry clients (ECR, GCR/Artifact Registry, ACR).
#pragma once

#include "core/spec.h"

namespace latchkey::docker {

inline constexpr char kConnectorType[] = "docker";
inline constexpr char kRegistryResourceType[] = "docker-registry";
inline constexpr char kPasswordAuthMethod[] = "password";

// Field names of the `password` method.
inline constexpr char kUsernameField[] = "username";
inline constexpr char kPasswordField[] = "password";
inline constexpr char kRegistryField[] = "registry";

ConnectorTypeSpec MakeDockerSpec();

}  // namespace latchkey::docker
