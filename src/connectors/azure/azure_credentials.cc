#include "connectors/azure/azure_credentials.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/azure/azure_spec.h"
#include "connectors/azure/implicit_token.h"
#include "crypto/encoding.h"

namespace latchkey::azure {
namespace {

// Entra ID's first-party application IDs, which appear as `aud` in v1 tokens.
constexpr char kManagementAppId[] = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
constexpr char kStorageAppId[] = "e406a681-f3d4-42a8-90b6-c2b029497af1";

std::string NoSlash(std::string s) {
  while (EndsWith(s, "/")) s.pop_back();
  return s;
}

std::optional<nlohmann::json> JwtClaims(std::string const& token) {
  auto parts = Split(token, '.');
  if (parts.size() != 3) return std::nullopt;
  auto payload = crypto::Base64Decode(parts[1]);
  if (!payload) return std::nullopt;
  try {
    auto claims = nlohmann::json::parse(*payload);
    if (claims.is_object()) return claims;
  } catch (nlohmann::json::exception const&) {
  }
  return std::nullopt;
}

std::string ResourceTypeNeeding(Audience audience) {
  return audience == Audience::kStorage ? "blob containers"
                                        : "generic resources, AKS clusters and ACR registries";
}

Result<AccessToken> ConfiguredToken(Context& ctx, Connector const& c, Audience audience) {
  auto token = NonEmpty(c.Value(field::kToken));
  if (!token) return Fail(ErrorCode::kInvalidArgument, "the connector has no access token");
  AzureEndpoints endpoints = EndpointsOf(c);
  if (auto aud = JwtAudience(*token); aud && !AudienceServes(*aud, audience, endpoints)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("the access token is for audience '{}', which cannot reach {}; "
                            "register a token for {} (az account get-access-token --resource {})",
                            *aud, ResourceTypeNeeding(audience), ResourceUri(audience, endpoints),
                            ResourceUri(audience, endpoints)));
  }
  AccessToken out{*token, ctx.now + std::chrono::hours(1)};
  if (c.expires_at) {
    out.expires_at = *c.expires_at;
  } else if (auto exp = JwtExpiry(*token)) {
    out.expires_at = *exp;
  }
  return out;
}

}  // namespace

AzureEndpoints EndpointsOf(Connector const& c) {
  return {
      NoSlash(
          NonEmpty(c.Value(field::kAuthorityHost)).value_or("https://login.microsoftonline.com")),
      NoSlash(
          NonEmpty(c.Value(field::kManagementEndpoint)).value_or("https://management.azure.com")),
      NonEmpty(c.Value(field::kStorageSuffix)).value_or("core.windows.net")};
}

std::string ResourceUri(Audience audience, AzureEndpoints const& endpoints) {
  return audience == Audience::kStorage ? "https://storage.azure.com/" : endpoints.management + "/";
}

std::optional<std::string> JwtAudience(std::string const& token) {
  auto claims = JwtClaims(token);
  if (!claims || !claims->contains("aud")) return std::nullopt;
  auto const& aud = (*claims)["aud"];
  if (aud.is_string()) return aud.get<std::string>();
  if (aud.is_array() && !aud.empty() && aud[0].is_string()) return aud[0].get<std::string>();
  return std::nullopt;
}

std::optional<TimePoint> JwtExpiry(std::string const& token) {
  auto claims = JwtClaims(token);
  if (!claims || !claims->contains("exp") || !(*claims)["exp"].is_number()) return std::nullopt;
  return TimePoint(ClampedSeconds((*claims)["exp"].get<double>(), kLatestTimestamp));
}

bool AudienceServes(std::string const& aud, Audience audience, AzureEndpoints const& endpoints) {
  std::string a = ToLower(NoSlash(aud));
  if (audience == Audience::kStorage) {
    return a == "https://storage.azure.com" || a == kStorageAppId ||
           (StartsWith(a, "https://") && EndsWith(a, ".blob." + endpoints.storage_suffix));
  }
  return a == ToLower(endpoints.management) || a == "https://management.core.windows.net" ||
         a == "https://management.azure.com" || a == kManagementAppId;
}

Result<AccessToken> TokenFor(Context& ctx, Connector const& c, Audience audience) {
  AzureEndpoints endpoints = EndpointsOf(c);
  std::string scope = ResourceUri(audience, endpoints) + ".default";
  if (c.auth_method == kServicePrincipal) {
    ClientCredentials creds{endpoints.authority_host, c.Value(field::kTenantId).value_or(""),
                            c.Value(field::kClientId).value_or(""),
                            c.Value(field::kClientSecret).value_or("")};
    return ClientCredentialsToken(ctx, creds, scope);
  }
  if (c.auth_method == kAccessToken) return ConfiguredToken(ctx, c, audience);
  if (c.auth_method == kImplicit) {
    if (!ctx.allow_implicit_auth) {
      return Fail(ErrorCode::kPermissionDenied,
                  "the implicit authentication method is disabled; set "
                  "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true to allow it");
    }
    return ImplicitToken(ctx, endpoints, NonEmpty(c.Value(field::kTenantId)),
                         NonEmpty(c.Value(field::kClientId)), ResourceUri(audience, endpoints));
  }
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("the {} method gives no Entra ID tokens", c.auth_method));
}

}  // namespace latchkey::azure
