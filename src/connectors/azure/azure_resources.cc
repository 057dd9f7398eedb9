#include "connectors/azure/azure_resources.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/azure/acr_token.h"
#include "connectors/azure/aks_credentials.h"
#include "connectors/azure/azure_credentials.h"
#include "connectors/azure/azure_resource_ids.h"
#include "connectors/azure/azure_spec.h"
#include "connectors/azure/azure_subscription.h"
#include "connectors/docker/docker_spec.h"

namespace latchkey::azure {
namespace {

struct Scope {
  ArmTarget arm;
  std::string subscription;
};

Result<Scope> ScopeOf(Context& ctx, Connector const& c) {
  auto arm = ArmTargetFor(ctx, c);
  if (!arm) return tl::unexpected(arm.error());
  auto subscription = ResolveSubscription(ctx, c, *arm);
  if (!subscription) return tl::unexpected(subscription.error());
  return Scope{*arm, *subscription};
}

std::optional<std::string> Group(Connector const& c) {
  return NonEmpty(c.Value(field::kResourceGroup));
}

Result<ArmResource> FindAks(Context& ctx, Connector const& c, Scope const& scope,
                            std::string const& resource_id) {
  AksClusterRef ref = ParseAksClusterId(resource_id);
  auto clusters = ListAksClusters(ctx, scope.arm, scope.subscription,
                                  ref.resource_group ? ref.resource_group : Group(c));
  if (!clusters) return tl::unexpected(clusters.error());
  for (auto const& k : *clusters) {
    if (ToLower(k.name) == ToLower(ref.name)) return k;
  }
  return Fail(ErrorCode::kNotFound, fmt::format("AKS cluster '{}' not found in subscription {}",
                                                resource_id, scope.subscription));
}

std::string HostOf(std::string const& base_url) {
  std::string host = base_url.substr(base_url.find("://") + 3);
  return host.substr(0, host.find('/'));
}

Result<ArmResource> FindAcr(Context& ctx, Connector const& c, Scope const& scope,
                            std::string const& resource_id) {
  auto registries = ListAcrRegistries(ctx, scope.arm, scope.subscription, Group(c));
  if (!registries) return tl::unexpected(registries.error());
  bool by_name = EndsWith(resource_id, ".azurecr.io");
  for (auto const& r : *registries) {
    if (by_name && ToLower(r.name) == AcrRegistryName(resource_id)) return r;
    if (ToLower(HostOf(AcrBaseUrl(r.endpoint))) == resource_id) return r;  // login server form
  }
  return Fail(ErrorCode::kNotFound, fmt::format("ACR registry '{}' not found in subscription {}",
                                                resource_id, scope.subscription));
}

}  // namespace

Result<std::vector<std::string>> VerifyGeneric(Context& ctx, Connector const& c) {
  auto scope = ScopeOf(ctx, c);
  if (!scope) return tl::unexpected(scope.error());
  auto sub = GetSubscription(ctx, scope->arm, scope->subscription);
  if (!sub) return tl::unexpected(sub.error());
  return std::vector<std::string>{scope->subscription};
}

Result<std::vector<std::string>> VerifyAksClusters(Context& ctx, Connector const& c,
                                                   OptString const& resource_id) {
  auto scope = ScopeOf(ctx, c);
  if (!scope) return tl::unexpected(scope.error());
  if (resource_id) {
    auto found = FindAks(ctx, c, *scope, *resource_id);
    if (!found) return tl::unexpected(found.error());
    return std::vector<std::string>{*resource_id};
  }
  auto clusters = ListAksClusters(ctx, scope->arm, scope->subscription, Group(c));
  if (!clusters) return Fail(clusters.error(), "failed to list AKS clusters");
  std::vector<std::string> ids;
  for (auto const& k : *clusters) ids.push_back(k.resource_group + "/" + k.name);
  if (ids.empty()) return Fail(ErrorCode::kNotFound, "the connector reaches no AKS clusters");
  return ids;
}

Result<std::vector<std::string>> VerifyAcrRegistries(Context& ctx, Connector const& c,
                                                     OptString const& resource_id) {
  auto scope = ScopeOf(ctx, c);
  if (!scope) return tl::unexpected(scope.error());
  if (resource_id) {
    auto found = FindAcr(ctx, c, *scope, *resource_id);
    if (!found) return tl::unexpected(found.error());
    auto token = ExchangeAcrRefreshToken(ctx, found->endpoint, scope->arm.token,
                                         NonEmpty(c.Value(field::kTenantId)));
    if (!token) return tl::unexpected(token.error());
    return std::vector<std::string>{*resource_id};
  }
  auto registries = ListAcrRegistries(ctx, scope->arm, scope->subscription, Group(c));
  if (!registries) return Fail(registries.error(), "failed to list ACR registries");
  std::vector<std::string> ids;
  for (auto const& r : *registries) {
    // The login server, which is what clients and the docker helper name; a registry ARM
    // reports none for is known by its public-cloud host.
    auto id = r.endpoint.empty() ? CanonicalAcrRegistryId(r.name)
                                 : CanonicalAcrRegistryId(HostOf(AcrBaseUrl(r.endpoint)));
    ids.push_back(id ? *id : ToLower(r.name) + ".azurecr.io");
  }
  if (ids.empty()) return Fail(ErrorCode::kNotFound, "the connector reaches no ACR registries");
  return ids;
}

Result<Connector> GenericClient(Context& ctx, Connector const& c, std::string const& resource_id) {
  auto token = TokenFor(ctx, c, Audience::kManagement);
  if (!token) return tl::unexpected(token.error());
  Connector client;
  client.connector_type = kConnectorType;
  client.auth_method = kAccessToken;
  client.resource_types = {kGenericResource};
  client.resource_id = resource_id;
  client.configuration = nlohmann::json::object();
  for (char const* key :
       {field::kSubscriptionId, field::kTenantId, field::kResourceGroup, field::kAuthorityHost,
        field::kManagementEndpoint, field::kStorageSuffix}) {
    if (auto v = NonEmpty(c.Value(key))) client.configuration[key] = *v;
  }
  client.configuration[field::kSubscriptionId] = resource_id;
  client.secrets = {{field::kToken, token->token}};
  client.expires_at = token->expires_at;
  return client;
}

Result<Connector> AksClient(Context& ctx, Connector const& c, std::string const& resource_id) {
  auto scope = ScopeOf(ctx, c);
  if (!scope) return tl::unexpected(scope.error());
  auto cluster = FindAks(ctx, c, *scope, resource_id);
  if (!cluster) return tl::unexpected(cluster.error());
  auto kubeconfig = AksUserKubeconfig(ctx, scope->arm, scope->subscription, cluster->resource_group,
                                      cluster->name);
  if (!kubeconfig) return tl::unexpected(kubeconfig.error());
  auto creds = CredentialsFromAksKubeconfig(*kubeconfig, cluster->name);
  if (!creds) return tl::unexpected(creds.error());
  // The user kubeconfig's credentials live until the cluster rotates them; they carry no expiry.
  return KubernetesConnectorFromCredentials(*creds);
}

Result<Connector> AcrClient(Context& ctx, Connector const& c, std::string const& resource_id) {
  auto scope = ScopeOf(ctx, c);
  if (!scope) return tl::unexpected(scope.error());
  auto registry = FindAcr(ctx, c, *scope, resource_id);
  if (!registry) return tl::unexpected(registry.error());
  // Always the exchange, also for service principals: clients get a registry-only token, never
  // the principal's secret.
  auto token = ExchangeAcrRefreshToken(ctx, registry->endpoint, scope->arm.token,
                                       NonEmpty(c.Value(field::kTenantId)));
  if (!token) return tl::unexpected(token.error());
  std::string base = AcrBaseUrl(registry->endpoint);
  Connector client;
  client.connector_type = docker::kConnectorType;
  client.auth_method = docker::kPasswordAuthMethod;
  client.resource_types = {docker::kRegistryResourceType};
  client.resource_id = AcrHost(base);
  client.configuration = {{docker::kRegistryField, base}};
  client.secrets = {{docker::kUsernameField, kAcrRefreshTokenUser},
                    {docker::kPasswordField, token->token}};
  client.expires_at = token->expires_at;
  return client;
}

}  // namespace latchkey::azure
