// Entra ID access tokens: the OAuth2 client-credentials grant of a service principal, one token
// per scope, kept in a process-wide cache until shortly before it expires so a burst of client
// requests costs one round trip to Entra ID.
#pragma once

#include <string>

#include "common/cache_usage.h"
#include "common/error.h"
#include "core/context.h"

namespace latchkey::azure {

struct AccessToken {
  std::string token;
  TimePoint expires_at;
};

// What a cached token must still have left to be handed out again.
inline constexpr std::chrono::seconds kTokenRefreshMargin{300};

struct ClientCredentials {
  std::string authority_host;  // "https://login.microsoftonline.com"
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;
};

// POST {authority}/{tenant}/oauth2/v2.0/token. A refusal becomes one line naming Entra ID's
// error code (e.g. AADSTS7000215 for a wrong secret), never the secret.
Result<AccessToken> ClientCredentialsToken(Context& ctx, ClientCredentials const& credentials,
                                           std::string const& scope);

// Drops every cached token (tests).
// How full the process-wide token cache is (for /metrics).
CacheUsage TokenCacheUsage();
void ClearTokenCache();

}  // namespace latchkey::azure
