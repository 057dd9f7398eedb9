// Workload Identity Federation (`external_account` files): a third-party token read from the
// credential source (a file, a URL, or an executable when
// GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1), exchanged at Google STS for a federated access
// token, then optionally used to impersonate a service account.
#pragma once

#include <nlohmann/json.hpp>

#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/google_api.h"

namespace latchkey::gcp {

Result<AccessToken> ExternalAccountToken(Context& ctx, nlohmann::json const& config,
                                         GcpEndpoints const& endpoints, std::string const& scope);

}  // namespace latchkey::gcp
