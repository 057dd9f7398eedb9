// Lifting a login out of a Docker client configuration (config.json `auths`), for
// auto-configuration. Logins kept by credential helpers are named but never run: executing a
// helper binary on the broker's behalf is not something a configuration file should trigger.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "connectors/docker/docker_config.h"
#include "connectors/docker/registry_credentials.h"

namespace latchkey::docker {

struct DockerLogin {
  std::string config_key;   // the `auths` key as found, e.g. "https://index.docker.io/v1/"
  std::string registry_id;  // canonical
  RegistryCredentials credentials;
};

// The login for `registry_id` (canonical) or, without one, the only registry in the file. An
// entry's `auth` (base64 "user:password") wins over its `username`/`password`, as in docker.
// `path` is only used in messages.
Result<DockerLogin> FindDockerLogin(DockerConfigJson const& config, std::string const& path,
                                    std::optional<std::string> const& registry_id);

}  // namespace latchkey::docker
