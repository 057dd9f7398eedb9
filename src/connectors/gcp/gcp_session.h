// Turns a `gcp` connector into access tokens: the token its own calls use (cloud-platform
// scope), per auth method and cached, and the token a client receives for one resource (for a
// GCS bucket limited to that bucket with a Credential Access Boundary).
#pragma once

#include <string>

#include "connectors/gcp/google_api.h"
#include "core/model.h"

namespace latchkey::gcp {

// The connector's token; `refresh` skips the cache (after a 401). implicit and
// external-account are refused unless implicit auth methods are enabled.
Result<AccessToken> ConnectorToken(Context& ctx, Connector const& c, bool refresh = false);
// The same as a supplier for SendGoogle.
TokenSupplier ConnectorTokens(Context& ctx, Connector const& c);

// The token handed to a client for `resource_type` / `resource_id`.
Result<AccessToken> ClientToken(Context& ctx, Connector const& c, std::string const& resource_type,
                                std::string const& resource_id);

// Whether a client token for this resource is down-scoped, and to which role.
bool DownscopesBucketTokens(Connector const& c);
std::string AccessBoundaryRole(Connector const& c);

}  // namespace latchkey::gcp
