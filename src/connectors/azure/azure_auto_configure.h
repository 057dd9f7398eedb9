// --auto-configure for `azure`: a storage account key from AZURE_STORAGE_ACCOUNT /
// AZURE_STORAGE_KEY, a service principal from AZURE_CLIENT_ID / AZURE_CLIENT_SECRET /
// AZURE_TENANT_ID, else an access token minted by the az CLI's login for the audience the
// resource type needs (storage for blob containers, management otherwise).
#pragma once

#include "core/connector_type.h"

namespace latchkey::azure {

Result<Connector> AutoConfigureAzure(Context& ctx, OptString const& auth_method,
                                     OptString const& resource_type, OptString const& resource_id);

}  // namespace latchkey::azure
