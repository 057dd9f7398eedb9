// The broker's own Azure identity, found as DefaultAzureCredential finds it: a service principal
// in AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID, a managed identity endpoint
// (IDENTITY_ENDPOINT + IDENTITY_HEADER), then the az CLI's login.
#pragma once

#include <optional>
#include <string>

#include "connectors/azure/azure_credentials.h"

namespace latchkey::azure {

// `resource` is a resource URI ("https://storage.azure.com/"); `client_id` picks a
// user-assigned managed identity.
Result<AccessToken> ImplicitToken(Context& ctx, AzureEndpoints const& endpoints,
                                  std::optional<std::string> const& tenant_id,
                                  std::optional<std::string> const& client_id,
                                  std::string const& resource);

// Parses `az account get-access-token -o json`: accessToken plus expires_on (epoch) or
// else expiresOn ("YYYY-MM-DD HH:MM:SS.ffffff" in local time, as az prints it).
Result<AccessToken> ParseAzCliToken(std::string const& json);

}  // namespace latchkey::azure
