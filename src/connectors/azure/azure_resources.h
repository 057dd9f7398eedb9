// The ARM-backed resource types: azure-generic (the subscription), AKS clusters and ACR
// registries, with the client connectors each hands out (an Entra ID token, a `kubernetes`
// token connector, a `docker` connector holding an ACR refresh token).
#pragma once

#include <string>
#include <vector>

#include "core/connector_type.h"

namespace latchkey::azure {

Result<std::vector<std::string>> VerifyGeneric(Context& ctx, Connector const& c);
Result<std::vector<std::string>> VerifyAksClusters(Context& ctx, Connector const& c,
                                                   OptString const& resource_id);
Result<std::vector<std::string>> VerifyAcrRegistries(Context& ctx, Connector const& c,
                                                     OptString const& resource_id);

Result<Connector> GenericClient(Context& ctx, Connector const& c, std::string const& resource_id);
Result<Connector> AksClient(Context& ctx, Connector const& c, std::string const& resource_id);
Result<Connector> AcrClient(Context& ctx, Connector const& c, std::string const& resource_id);

}  // namespace latchkey::azure
