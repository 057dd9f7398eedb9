// Turns an `azure` connector's configuration into Entra ID access tokens for one audience: a
// client-credentials grant (service-principal), the configured token after an audience check
// (access-token) or the broker's ambient identity (implicit), plus the endpoints calls go to.
#pragma once

#include <optional>
#include <string>

#include "connectors/azure/entra_token.h"
#include "core/model.h"

namespace latchkey::azure {

struct AzureEndpoints {
  std::string authority_host;  // no trailing slash
  std::string management;      // no trailing slash
  std::string storage_suffix;  // "core.windows.net"
};

AzureEndpoints EndpointsOf(Connector const& c);

// The two kinds of token the connector needs: ARM (generic resources, AKS, the ACR exchange)
// and Blob storage (user delegation keys, container checks).
enum class Audience { kManagement, kStorage };

// "https://management.azure.com/" / "https://storage.azure.com/": the resource URI managed
// identity and the az CLI take; the OAuth2 scope is this plus ".default".
std::string ResourceUri(Audience audience, AzureEndpoints const& endpoints);

// The `aud` claim of a JWT, when the token is one (opaque tokens give nullopt).
std::optional<std::string> JwtAudience(std::string const& token);
std::optional<TimePoint> JwtExpiry(std::string const& token);
// Whether a token for `aud` is accepted by the service behind `audience`.
bool AudienceServes(std::string const& aud, Audience audience, AzureEndpoints const& endpoints);

Result<AccessToken> TokenFor(Context& ctx, Connector const& c, Audience audience);

}  // namespace latchkey::azure
