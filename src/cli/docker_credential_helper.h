// `docker-credential-latchkey`: the docker credential helper protocol (get, list, store, erase,
// version) spoken by the latchkey binary when it is invoked under that name. Docker, skopeo,
// podman and buildah run it for the registries that config.json `credHelpers` maps to
// "latchkey"; every `get` issues a fresh login from the connector `service-connector login`
// recorded for that registry, so short-lived registry tokens (ECR) are never stale.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/context.h"

namespace latchkey::cli {

inline constexpr char kDockerHelperName[] = "latchkey";  // the credHelpers value
inline constexpr char kDockerHelperProgram[] = "docker-credential-latchkey";
// The exact text docker-credential-helpers clients recognise as "no login for this registry".
inline constexpr char kCredentialsNotFound[] = "credentials not found in native keychain";

// Runs one helper action (`args` without the program name). Following the protocol, results
// and error messages go to `out` (stdout); the return value is the exit status.
int RunDockerCredentialHelper(std::vector<std::string> const& args, Environment env,
                              std::istream& in, std::ostream& out);

}  // namespace latchkey::cli
