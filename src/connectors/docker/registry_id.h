// Docker registry addresses as users, docker and config.json spell them, reduced to one canonical
// `host[:port]` ID. Public so that every connector type handing out docker-registry clients
// (ECR, GCR/Artifact Registry, ACR) names registries the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace latchkey::docker {

inline constexpr char kDockerHubRegistryId[] = "docker.io";
// The key docker itself uses for Docker Hub in config.json `auths`.
inline constexpr char kDockerHubConfigKey[] = "https://index.docker.io/v1/";
// Docker Hub's v2 API does not live at docker.io.
inline constexpr char kDockerHubApiBase[] = "https://registry-1.docker.io";

struct RegistryAddress {
  std::optional<std::string> scheme;  // "http" or "https" when spelled out
  std::string host;                   // lowercased; IPv6 literals keep their brackets
  std::optional<uint16_t> port;
  std::string canonical_id;  // "host[:port]", Docker Hub's aliases folded into "docker.io"
};

// Accepts `docker.io`, `[https://]index.docker.io/v1/[repo]`, `http[s]://host[:port][/repo]` and
// `host[:port][/repo]`; anything else is refused with a message listing those forms.
Result<RegistryAddress> ParseRegistryAddress(std::string_view text);
Result<std::string> CanonicalRegistryId(std::string_view text);

// localhost, 127.0.0.0/8 and [::1]: docker talks plain HTTP to these when HTTPS fails.
bool IsLoopbackRegistryHost(std::string_view host);

// The config.json `auths` key docker looks credentials up by: the canonical ID, except Docker
// Hub's historical "https://index.docker.io/v1/".
std::string DockerConfigKey(std::string const& canonical_id);

}  // namespace latchkey::docker
