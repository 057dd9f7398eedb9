// The resource-ID forms of the gcp connector: GCS buckets (`gs://b` or `b`; unlike upstream,
// names with dots are accepted), GKE clusters (`name` or `location/name`) and container
// registries (legacy GCR hosts and Artifact Registry Docker repositories).
// GKE IDs also come as gcloud's kubeconfig names, gke_PROJECT_LOCATION_NAME.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey::gcp {

Result<std::string> CanonicalGcsBucketId(std::string const& id);  // -> gs://b
std::string GcsBucketName(std::string const& id);                 // gs://b -> b

struct GkeClusterId {
  std::optional<std::string> location;
  std::string name;
};
Result<GkeClusterId> ParseGkeClusterId(std::string const& id);
std::string CanonicalGkeClusterId(GkeClusterId const& id);

struct RegistryId {
  std::string host;                       // gcr.io, eu.gcr.io, us-central1-docker.pkg.dev
  std::string project;                    //
  std::optional<std::string> location;    // Artifact Registry only
  std::optional<std::string> repository;  // Artifact Registry only
  bool IsArtifactRegistry() const { return repository.has_value(); }
  std::string Canonical() const;  // gcr.io/p or us-docker.pkg.dev/p/repo
};
Result<RegistryId> ParseRegistryId(std::string const& id);

}  // namespace latchkey::gcp
