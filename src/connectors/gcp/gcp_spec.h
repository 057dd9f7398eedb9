// The `gcp` connector type's catalogue entry, and the names its code shares.
#pragma once

#include <string>

#include "core/spec.h"

namespace latchkey::gcp {

inline constexpr char kConnectorType[] = "gcp";

inline constexpr char kImplicit[] = "implicit";
inline constexpr char kUserAccount[] = "user-account";
inline constexpr char kServiceAccount[] = "service-account";
inline constexpr char kExternalAccount[] = "external-account";
inline constexpr char kOAuth2Token[] = "oauth2-token";
inline constexpr char kImpersonation[] = "impersonation";

inline constexpr char kGenericResource[] = "gcp-generic";
inline constexpr char kGcsResource[] = "gcs-bucket";
inline constexpr char kGkeResource[] = "kubernetes-cluster";
inline constexpr char kRegistryResource[] = "docker-registry";

// The services the connector calls; each may be pointed elsewhere with `<service>_endpoint`
// (private endpoints, sovereign deployments, the loopback fakes of the tests), or all at once
// with `api_endpoint`.
inline constexpr char const* kGcpServices[] = {
    "oauth2",           "iamcredentials",      "sts", "storage", "container",
    "artifactregistry", "cloudresourcemanager"};
inline constexpr char kApiEndpointField[] = "api_endpoint";
std::string ServiceEndpointField(std::string const& service);

inline constexpr char kCloudPlatformScope[] = "https://www.googleapis.com/auth/cloud-platform";
// The role a down-scoped GCS token keeps on its one bucket unless configured otherwise.
inline constexpr char kDefaultAccessBoundaryRole[] = "roles/storage.objectAdmin";

ConnectorTypeSpec const& GcpSpec();

}  // namespace latchkey::gcp
