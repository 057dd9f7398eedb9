// Where a registry's v2 API answers: the base URLs to try, in order, for a `registry` setting.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey::docker {

struct RegistryEndpoint {
  std::string registry_id;  // canonical, used in messages
  // Tried in order; a later one is only used when the earlier ones cannot be reached at all.
  std::vector<std::string> base_urls;
};

// An unset or empty `registry` means Docker Hub. An explicit http:// or https:// is honoured;
// without one HTTPS is used, with a plain-HTTP fallback for loopback hosts only (docker treats
// those as insecure registries too, and nothing else can intercept loopback traffic).
Result<RegistryEndpoint> ResolveRegistryEndpoint(std::optional<std::string> const& registry);

}  // namespace latchkey::docker
