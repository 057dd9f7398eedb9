#include "connectors/gcp/gcp_session.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/gcp/application_default.h"
#include "connectors/gcp/credential_files.h"
#include "connectors/gcp/external_account.h"
#include "connectors/gcp/gcp_endpoints.h"
#include "connectors/gcp/gcp_resource_ids.h"
#include "connectors/gcp/gcp_spec.h"
#include "connectors/gcp/oauth2_grants.h"
#include "connectors/gcp/token_cache.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace latchkey::gcp {
namespace {

Result<void> RequireImplicitAllowed(Context const& ctx, std::string const& method) {
  if (ctx.allow_implicit_auth) return {};
  return Fail(ErrorCode::kPermissionDenied,
              "the " + method +
                  " authentication method is disabled; set "
                  "LATCHKEY_ENABLE_IMPLICIT_AUTH_METHODS=true to allow it");
}

int64_t Lifetime(Connector const& c) { return c.expiration_seconds.value_or(3600); }

std::string CacheKey(Connector const& c, std::string const& purpose, std::string const& extra) {
  nlohmann::json secrets(c.secrets);
  std::string material = c.auth_method + '\n' + purpose + '\n' + secrets.dump() + '\n' +
                         c.configuration.dump() + '\n' + std::to_string(Lifetime(c)) + '\n' + extra;
  return crypto::HexEncode(crypto::Sha256(material));
}

std::string Secret(Connector const& c, std::string const& field) {
  return c.Value(field).value_or("");
}

// One fetch per auth method, without the cache.
// `adc`: what an implicit connector resolved to (its identity), found once by the caller.
Result<AccessToken> FetchToken(Context& ctx, Connector const& c, GcpEndpoints const& endpoints,
                               AdcSource const* adc) {
  std::string const& m = c.auth_method;
  if (m == kServiceAccount || m == kImpersonation) {
    auto key = ParseServiceAccountKey(Secret(c, "service_account_json"), "service_account_json");
    if (!key) return tl::unexpected(key.error());
    auto token = JwtBearerGrant(ctx, *key, kCloudPlatformScope, endpoints.TokenUrl(key->token_uri));
    if (!token || m == kServiceAccount) return token;
    std::string target = c.Value("target_principal").value_or("");
    std::vector<std::string> delegates;
    if (auto d = c.configuration.find("delegates"); d != c.configuration.end() && d->is_array()) {
      for (auto const& e : *d) delegates.push_back(e.get<std::string>());
    }
    return GenerateAccessToken(ctx,
                               GenerateAccessTokenUrl(endpoints.BaseUrl("iamcredentials"), target),
                               *token, target, delegates, kCloudPlatformScope, Lifetime(c));
  }
  if (m == kUserAccount) {
    auto user = ParseAuthorizedUser(Secret(c, "user_account_json"), "user_account_json");
    if (!user) return tl::unexpected(user.error());
    return RefreshTokenGrant(ctx, *user, endpoints.TokenUrl(user->token_uri));
  }
  if (m == kOAuth2Token) {
    AccessToken t{Secret(c, "token"), c.expires_at, c.Value("service_account_email").value_or("")};
    if (t.token.empty()) return Fail(ErrorCode::kInvalidArgument, "the connector has no token");
    return t;
  }
  if (m == kExternalAccount) {
    if (auto ok = RequireImplicitAllowed(ctx, m); !ok) return tl::unexpected(ok.error());
    auto config = ParseExternalAccount(Secret(c, "external_account_json"), "external_account_json");
    if (!config) return tl::unexpected(config.error());
    return ExternalAccountToken(ctx, *config, endpoints, kCloudPlatformScope);
  }
  if (m == kImplicit && adc) {
    if (adc->metadata_host) {
      return MetadataServerToken(ctx, *adc->metadata_host, kCloudPlatformScope);
    }
    return TokenFromCredentialFile(ctx, adc->file_content, endpoints, kCloudPlatformScope);
  }
  return Fail(ErrorCode::kInvalidArgument, "unknown GCP authentication method '" + m + "'");
}

}  // namespace

Result<AccessToken> ConnectorToken(Context& ctx, Connector const& c, bool refresh) {
  GcpEndpoints endpoints = EndpointsOf(c);
  // The ADC source is an implicit connector's identity: resolved once, it keys the cache and
  // is what a fetched token comes from.
  std::optional<AdcSource> adc;
  std::string extra;
  if (c.auth_method == kImplicit) {
    if (auto ok = RequireImplicitAllowed(ctx, c.auth_method); !ok) {
      return tl::unexpected(ok.error());
    }
    auto found = FindApplicationDefaultCredentials(ctx);
    if (!found) return tl::unexpected(found.error());
    adc = std::move(*found);
    extra = adc->metadata_host ? *adc->metadata_host
                               : crypto::HexEncode(crypto::Sha256(adc->file_content));
  }
  std::string key = CacheKey(c, "connector", extra);
  auto& cache = TokenCache::Process();
  if (!refresh && c.auth_method != kOAuth2Token) {
    if (auto hit = cache.Get(key, ctx.now)) return *hit;
  }
  auto token = FetchToken(ctx, c, endpoints, adc ? &*adc : nullptr);
  if (!token) return token;
  if (c.auth_method != kOAuth2Token) cache.Put(key, *token, ctx.now);
  return token;
}

TokenSupplier ConnectorTokens(Context& ctx, Connector const& c) {
  return [&ctx, &c](bool refresh) { return ConnectorToken(ctx, c, refresh); };
}

bool DownscopesBucketTokens(Connector const& c) {
  auto v = c.Value("downscope_gcs_tokens");
  return !v || IsTruthy(*v);
}

std::string AccessBoundaryRole(Connector const& c) {
  return NonEmpty(c.Value("gcs_access_boundary_role")).value_or(kDefaultAccessBoundaryRole);
}

Result<AccessToken> ClientToken(Context& ctx, Connector const& c, std::string const& rt,
                                std::string const& rid) {
  auto token = ConnectorToken(ctx, c);
  if (!token || rt != kGcsResource || !DownscopesBucketTokens(c)) return token;
  std::string role = AccessBoundaryRole(c);
  nlohmann::json boundary = {
      {"accessBoundary",
       {{"accessBoundaryRules",
         {{{"availableResource",
            "//storage.googleapis.com/projects/_/buckets/" + GcsBucketName(rid)},
           {"availablePermissions", {"inRole:" + role}}}}}}}};
  auto downscoped =
      StsExchange(ctx, EndpointsOf(c).BaseUrl("sts") + "/v1/token",
                  {{"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
                   {"subject_token_type", "urn:ietf:params:oauth:token-type:access_token"},
                   {"requested_token_type", "urn:ietf:params:oauth:token-type:access_token"},
                   {"subject_token", token->token},
                   {"options", boundary.dump()}},
                  token->token);
  if (!downscoped) return Fail(downscoped.error(), "down-scoping the token to " + rid);
  downscoped->principal = token->principal;
  // A down-scoped token lives no longer than its source, whatever the exchange says.
  if (token->expires_at &&
      (!downscoped->expires_at || *token->expires_at < *downscoped->expires_at)) {
    downscoped->expires_at = token->expires_at;
  }
  return downscoped;
}

}  // namespace latchkey::gcp
