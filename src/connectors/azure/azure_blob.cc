#include "connectors/azure/azure_blob.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "connectors/azure/azure_credentials.h"
#include "connectors/azure/azure_resource_ids.h"
#include "connectors/azure/azure_spec.h"
#include "connectors/azure/azure_subscription.h"
#include "connectors/azure/blob_api.h"
#include "connectors/kubernetes/kubernetes_credentials.h"

namespace latchkey::azure {
namespace {

// How far a SAS start lies in the past, so a client whose clock runs a little behind the
// service's can use it at once.
constexpr std::chrono::minutes kSasStartSkew{5};

bool IsKeyMethod(Connector const& c) {
  return c.auth_method == kStorageAccountKey || c.auth_method == kSasToken;
}

std::string Suffix(Connector const& c) { return EndpointsOf(c).storage_suffix; }

// The configured Blob CA as PEM, if any: checked at registration, so a pasted certificate
// that is not one fails there rather than as a TLS error.
Result<std::optional<std::string>> BlobCa(Connector const& c) {
  auto value = NonEmpty(c.Value(field::kBlobCaCertificate));
  if (!value) return std::optional<std::string>();
  auto pem = NormalizePem(*value, field::kBlobCaCertificate);
  if (!pem) return tl::unexpected(pem.error());
  return std::optional<std::string>(*pem);
}

// The storage accounts a connector reaches, each with the credentials its calls use. Key methods
// name their one account; token methods use `storage_account` when configured and otherwise
// every account ARM lists in the subscription (and resource group).
Result<std::vector<BlobTarget>> TargetsWithSystemTrust(Context& ctx, Connector const& c) {
  if (IsKeyMethod(c)) {
    std::string account = c.Value(field::kAccountName).value_or("");
    BlobTarget t{
        account,      BlobEndpointFor(account, NonEmpty(c.Value(field::kBlobEndpoint)), Suffix(c)),
        std::nullopt, std::nullopt,
        std::nullopt, std::nullopt};
    if (c.auth_method == kStorageAccountKey) {
      t.account_key = c.Value(field::kAccountKey);
    } else {
      t.sas = c.Value(field::kSasToken);
    }
    return std::vector<BlobTarget>{t};
  }
  auto token = TokenFor(ctx, c, Audience::kStorage);
  if (!token) return tl::unexpected(token.error());
  if (auto account = NonEmpty(c.Value(field::kStorageAccount))) {
    return std::vector<BlobTarget>{
        {*account, BlobEndpointFor(*account, NonEmpty(c.Value(field::kBlobEndpoint)), Suffix(c)),
         std::nullopt, token->token, std::nullopt, std::nullopt}};
  }
  auto arm = ArmTargetFor(ctx, c);
  if (!arm) return Fail(arm.error(), "listing storage accounts needs a management token too");
  auto subscription = ResolveSubscription(ctx, c, *arm);
  if (!subscription) return tl::unexpected(subscription.error());
  auto accounts =
      ListStorageAccounts(ctx, *arm, *subscription, NonEmpty(c.Value(field::kResourceGroup)));
  if (!accounts) return tl::unexpected(accounts.error());
  std::vector<BlobTarget> targets;
  for (auto const& a : *accounts) {
    targets.push_back({a.name, BlobEndpointFor(a.name, NonEmpty(a.endpoint), Suffix(c)),
                       std::nullopt, token->token, std::nullopt, std::nullopt});
  }
  if (targets.empty()) {
    return Fail(ErrorCode::kNotFound,
                "the subscription has no storage accounts the connector "
                "can see");
  }
  return targets;
}

// The same, each trusting only the configured Blob CA when there is one.
Result<std::vector<BlobTarget>> Targets(Context& ctx, Connector const& c) {
  auto ca = BlobCa(c);
  if (!ca) return tl::unexpected(ca.error());
  auto targets = TargetsWithSystemTrust(ctx, c);
  if (targets && *ca) {
    for (auto& t : *targets) t.ca_pem = *ca;
  }
  return targets;
}

// The account holding `container`: the first target that answers for it.
Result<BlobTarget> FindContainer(Context& ctx, std::vector<BlobTarget> const& targets,
                                 std::string const& container) {
  Error last{ErrorCode::kNotFound, ""};
  for (auto const& t : targets) {
    auto r = CheckContainer(ctx, t, container);
    if (r) return t;
    last = r.error();
    if (last.code != ErrorCode::kNotFound) break;
  }
  if (targets.size() > 1 && last.code == ErrorCode::kNotFound) {
    return Fail(
        ErrorCode::kNotFound,
        fmt::format("no storage account of the connector holds blob container '{}'", container));
  }
  return tl::unexpected(last);
}

}  // namespace

Result<std::vector<std::string>> VerifyBlobContainers(Context& ctx, Connector const& c,
                                                      OptString const& resource_id) {
  if (c.auth_method != kSasToken) {
    // A permission typo surfaces at registration, not at the first client request.
    auto permissions = NormalizeSasPermissions(c.Value(field::kSasPermissions).value_or("racwdl"));
    if (!permissions) return tl::unexpected(permissions.error());
  }
  auto targets = Targets(ctx, c);
  if (!targets) return tl::unexpected(targets.error());
  if (c.auth_method == kSasToken) {
    // A SAS reaches one container: the connector's resource, which it can list.
    std::string id = resource_id.value_or(c.resource_id.value_or(""));
    if (id.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "a sas-token connector needs its container as "
                  "resource ID");
    }
    if (auto r = ListBlobsWithSas(ctx, targets->front(), ContainerName(id)); !r) {
      return tl::unexpected(r.error());
    }
    return std::vector<std::string>{id};
  }
  if (resource_id) {
    auto t = FindContainer(ctx, *targets, ContainerName(*resource_id));
    if (!t) return tl::unexpected(t.error());
    return std::vector<std::string>{*resource_id};
  }
  std::vector<std::string> ids;
  std::optional<Error> failure;
  for (auto const& t : *targets) {
    auto names = ListContainers(ctx, t);
    if (!names) {
      failure = names.error();
      continue;
    }
    for (auto const& n : *names) ids.push_back("az://" + n);
  }
  // One unreadable account among several is not the connector's failure; all of them are.
  if (failure && ids.empty()) return tl::unexpected(*failure);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.empty()) {
    return Fail(ErrorCode::kNotFound, "the connector reaches no blob containers");
  }
  return ids;
}

Result<Connector> BlobContainerClient(Context& ctx, Connector const& c,
                                      std::string const& resource_id) {
  if (c.auth_method == kSasToken) return c;
  auto targets = Targets(ctx, c);
  if (!targets) return tl::unexpected(targets.error());
  std::string container = ContainerName(resource_id);
  auto target = FindContainer(ctx, *targets, container);
  if (!target) return tl::unexpected(target.error());
  auto permissions = NormalizeSasPermissions(c.Value(field::kSasPermissions).value_or("racwdl"));
  if (!permissions) return tl::unexpected(permissions.error());
  ContainerSas sas{target->account,
                   container,
                   *permissions,
                   ctx.now - kSasStartSkew,
                   ctx.now + std::chrono::seconds(c.expiration_seconds.value_or(3600)),
                   StartsWith(target->endpoint, "https://")};
  Result<std::string> query;
  if (c.auth_method == kStorageAccountKey) {
    query = MakeServiceSas(sas, *target->account_key);
  } else {
    auto key = GetUserDelegationKey(ctx, *target, sas.start, sas.expiry);
    if (!key) return tl::unexpected(key.error());
    query = MakeUserDelegationSas(sas, *key);
  }
  if (!query) return tl::unexpected(query.error());
  Connector client;
  client.connector_type = kConnectorType;
  client.auth_method = kSasToken;
  client.resource_types = {kBlobResource};
  client.resource_id = resource_id;
  client.supports_instances = false;
  client.configuration = {{field::kAccountName, target->account},
                          {field::kBlobEndpoint, target->endpoint},
                          {field::kStorageSuffix, Suffix(c)}};
  if (target->ca_pem) client.configuration[field::kBlobCaCertificate] = *target->ca_pem;
  client.secrets = {{field::kSasToken, *query}};
  client.expires_at = sas.expiry;
  // The usual five-minute skew would make a short SAS count as expired when issued; a quarter
  // of its lifetime keeps the same margin for long ones.
  client.expires_skew_tolerance =
      std::min<int64_t>(kDefaultSkewToleranceSeconds, c.expiration_seconds.value_or(3600) / 4);
  return client;
}

}  // namespace latchkey::azure
