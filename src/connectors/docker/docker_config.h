// The Docker client configuration file (config.json): where it lives, reading it without trusting
// it, and adding a login while keeping everything else in it. docker, skopeo, buildah and podman
// all read its `auths` entries.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/error.h"
#include "connectors/docker/registry_credentials.h"
#include "core/context.h"

namespace latchkey::docker {

// Key order is kept so that a rewritten file differs from the user's only where we changed it.
using DockerConfigJson = nlohmann::ordered_json;

// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json.
std::string DockerConfigPath(Environment const& env);

// nullopt when the file does not exist; an empty file reads as `{}`. A file that is not a JSON
// object (or whose `auths` is not one) is kFailedPrecondition. Messages never quote the file's
// content: it holds credentials.
Result<std::optional<DockerConfigJson>> ReadDockerConfig(std::string const& path);

// `config` with `auths[key]` replaced by {"auth": base64(username:password)}. The whole entry is
// replaced so that a stale `identitytoken`, which docker would prefer, cannot linger.
DockerConfigJson WithDockerLogin(DockerConfigJson config, std::string const& key,
                                 RegistryCredentials const& credentials);

// The credential helper docker consults for `registry_id` (canonical) instead of `auths`: a
// matching `credHelpers` entry, else `credsStore`.
std::optional<std::string> ShadowingCredentialHelper(DockerConfigJson const& config,
                                                     std::string const& registry_id);

struct DockerConfigUpdate {
  std::string path;
  // Set when docker will ask this helper rather than read the entry just written.
  std::optional<std::string> shadowing_helper;
};

// Adds the login to the file at `path` (created if missing) and rewrites it atomically with mode
// 0600 and 2-space indentation. A file that cannot be parsed is left untouched and refused.
Result<DockerConfigUpdate> StoreDockerLogin(std::string const& path, std::string const& key,
                                            RegistryCredentials const& credentials);

// `config` with credHelpers[key] = `helper`, and every `auths` entry for the same registry
// removed: docker would no longer read them, and they may hold stale secrets.
DockerConfigJson WithCredentialHelper(DockerConfigJson config, std::string const& key,
                                      std::string const& registry_id, std::string const& helper);

// Registers `helper` for the registry in the file at `path` (created if missing), atomically,
// mode 0600, like StoreDockerLogin.
Result<void> StoreCredentialHelper(std::string const& path, std::string const& key,
                                   std::string const& registry_id, std::string const& helper);

// Removes the credHelpers entries for the registry that name `helper` (other helpers are the
// user's and stay). True when the file changed.
Result<bool> RemoveCredentialHelper(std::string const& path, std::string const& registry_id,
                                    std::string const& helper);

}  // namespace latchkey::docker
