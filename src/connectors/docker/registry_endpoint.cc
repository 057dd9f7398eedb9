#include "connectors/docker/registry_endpoint.h"

#include "common/strings.h"
#include "connectors/docker/registry_id.h"

namespace latchkey::docker {

Result<RegistryEndpoint> ResolveRegistryEndpoint(std::optional<std::string> const& registry) {
  std::string text =
      registry && !Trim(*registry).empty() ? *registry : std::string(kDockerHubRegistryId);
  auto address = ParseRegistryAddress(text);
  if (!address) return tl::unexpected(address.error());

  RegistryEndpoint endpoint;
  endpoint.registry_id = address->canonical_id;
  if (address->canonical_id == kDockerHubRegistryId) {
    endpoint.base_urls = {kDockerHubApiBase};
    return endpoint;
  }
  std::string const& host_port = address->canonical_id;
  if (address->scheme) {
    endpoint.base_urls = {*address->scheme + "://" + host_port};
  } else {
    endpoint.base_urls = {"https://" + host_port};
    if (IsLoopbackRegistryHost(address->host)) endpoint.base_urls.push_back("http://" + host_port);
  }
  return endpoint;
}

}  // namespace latchkey::docker
