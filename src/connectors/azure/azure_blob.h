// The blob-container resource type for every auth method: which storage accounts the
// connector reaches, listing and checking containers, and the container SAS clients receive
// (service SAS from an account key, user delegation SAS from an Entra ID token).
#pragma once

#include <string>
#include <vector>

#include "core/connector_type.h"

namespace latchkey::azure {

// Canonical `az://` IDs of the containers reached, or the one asked for after checking it.
Result<std::vector<std::string>> VerifyBlobContainers(Context& ctx, Connector const& c,
                                                      OptString const& resource_id);

// A `sas-token` connector for the one container: the SAS carries the configured permissions
// and expires with the connector's expiration (default one hour).
Result<Connector> BlobContainerClient(Context& ctx, Connector const& c,
                                      std::string const& resource_id);

}  // namespace latchkey::azure
