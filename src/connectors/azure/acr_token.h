// The AAD -> ACR token exchange: an Entra ID token for the management endpoint becomes an ACR
// refresh token (POST https://{registry}/oauth2/exchange), which docker clients use as the
// password of the well-known all-zero user. The registry then swaps it for access tokens at
// /oauth2/token on every pull or push, so the refresh token never leaves that registry.
#pragma once

#include <optional>
#include <string>

#include "connectors/azure/entra_token.h"

namespace latchkey::azure {

inline constexpr char kAcrRefreshTokenUser[] = "00000000-0000-0000-0000-000000000000";

// "myreg.azurecr.io" -> "https://myreg.azurecr.io"; a URL with a scheme stays as it is.
std::string AcrBaseUrl(std::string const& login_server);
// The host of a base URL from AcrBaseUrl: "https://myreg.azurecr.io" -> "myreg.azurecr.io".
std::string AcrHost(std::string const& base_url);

Result<AccessToken> ExchangeAcrRefreshToken(Context& ctx, std::string const& login_server,
                                            std::string const& aad_token,
                                            std::optional<std::string> const& tenant_id);

}  // namespace latchkey::azure
