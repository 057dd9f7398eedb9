// The Google API calls behind verification and discovery: Cloud Storage buckets, GKE clusters
// (container API, every location at once) and Artifact Registry Docker repositories.
#pragma once

#include <string>
#include <vector>

#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/gcp_resource_ids.h"
#include "connectors/gcp/google_api.h"

namespace latchkey::gcp {

struct GcpApi {
  Context& ctx;
  TokenSupplier tokens;
  GcpEndpoints endpoints;
};

// Bucket names of the project, every page.
Result<std::vector<std::string>> ListBuckets(GcpApi const& api, std::string const& project);
// Proves the token can read the bucket's objects (what clients will do): one-item object list.
Result<void> CheckBucketAccess(GcpApi const& api, std::string const& bucket);

struct GkeCluster {
  std::string name;
  std::string location;
  std::string endpoint;   // host or IP, no scheme
  std::string ca_base64;  // masterAuth.clusterCaCertificate
};
// `location` "-" lists every location.
Result<std::vector<GkeCluster>> ListGkeClusters(GcpApi const& api, std::string const& project,
                                                std::string const& location = "-");

// The project's Docker-format Artifact Registry repositories, across its locations.
Result<std::vector<RegistryId>> ListDockerRepositories(GcpApi const& api,
                                                       std::string const& project);

}  // namespace latchkey::gcp
