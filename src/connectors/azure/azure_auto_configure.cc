#include "connectors/azure/azure_auto_configure.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/azure/az_cli.h"
#include "connectors/azure/azure_credentials.h"
#include "connectors/azure/azure_spec.h"
#include "connectors/azure/implicit_token.h"

namespace latchkey::azure {
namespace {

bool Wants(OptString const& auth_method, char const* method) {
  return !auth_method || *auth_method == method;
}

// `az account show`: the subscription and tenant the CLI is logged in to.
Result<nlohmann::json> AzAccount() {
  auto out = RunCommand({"az", "account", "show", "-o", "json"});
  if (!out) return tl::unexpected(out.error());
  if (out->exit_status != 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                "`az account show` failed: " + FirstLine(out->stderr_text));
  }
  try {
    return nlohmann::json::parse(out->stdout_text);
  } catch (nlohmann::json::exception const&) {
    return Fail(ErrorCode::kFailedPrecondition, "`az account show` printed no JSON");
  }
}

Result<Connector> FromAzCli(Connector c, OptString const& resource_type) {
  auto account = AzAccount();
  if (!account) {
    return Fail(account.error(), "no Azure credentials in the environment and no az CLI login");
  }
  std::string subscription = account->value("id", "");
  std::string tenant = account->value("tenantId", "");
  if (!subscription.empty()) c.configuration[field::kSubscriptionId] = subscription;
  if (!tenant.empty()) c.configuration[field::kTenantId] = tenant;
  // The token's audience follows the resource type: a management token cannot read blobs,
  // which is upstream's silent failure.
  Audience audience =
      resource_type && *resource_type == kBlobResource ? Audience::kStorage : Audience::kManagement;
  std::vector<std::string> argv = {"az",
                                   "account",
                                   "get-access-token",
                                   "-o",
                                   "json",
                                   "--resource",
                                   ResourceUri(audience, EndpointsOf(c))};
  auto out = RunCommand(argv);
  if (!out) return tl::unexpected(out.error());
  if (out->exit_status != 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                "`az account get-access-token` failed: " + FirstLine(out->stderr_text));
  }
  auto token = ParseAzCliToken(out->stdout_text);
  if (!token) return tl::unexpected(token.error());
  c.auth_method = kAccessToken;
  c.secrets = {{field::kToken, token->token}};
  c.expires_at = token->expires_at;
  return c;
}

}  // namespace

Result<Connector> AutoConfigureAzure(Context& ctx, OptString const& auth_method,
                                     OptString const& resource_type, OptString const& resource_id) {
  Connector c;
  c.connector_type = kConnectorType;
  if (resource_type) c.resource_types = {*resource_type};
  c.resource_id = resource_id;
  if (auth_method && *auth_method == kImplicit) {
    c.auth_method = kImplicit;
    return c;
  }
  auto account = NonEmpty(ctx.env.Get("AZURE_STORAGE_ACCOUNT"));
  auto key = NonEmpty(ctx.env.Get("AZURE_STORAGE_KEY"));
  if (account && key && Wants(auth_method, kStorageAccountKey) &&
      (!resource_type || *resource_type == kBlobResource)) {
    c.auth_method = kStorageAccountKey;
    c.configuration[field::kAccountName] = *account;
    if (auto endpoint = NonEmpty(ctx.env.Get("AZURE_STORAGE_BLOB_ENDPOINT"))) {
      c.configuration[field::kBlobEndpoint] = *endpoint;
    }
    c.secrets = {{field::kAccountKey, *key}};
    if (!resource_type) c.resource_types = {kBlobResource};
    return c;
  }
  auto client = NonEmpty(ctx.env.Get("AZURE_CLIENT_ID"));
  auto secret = NonEmpty(ctx.env.Get("AZURE_CLIENT_SECRET"));
  auto tenant = NonEmpty(ctx.env.Get("AZURE_TENANT_ID"));
  if (client && secret && tenant && Wants(auth_method, kServicePrincipal)) {
    c.auth_method = kServicePrincipal;
    c.configuration = {{field::kClientId, *client}, {field::kTenantId, *tenant}};
    if (auto host = NonEmpty(ctx.env.Get("AZURE_AUTHORITY_HOST"))) {
      c.configuration[field::kAuthorityHost] = *host;
    }
    if (auto sub = NonEmpty(ctx.env.Get("AZURE_SUBSCRIPTION_ID"))) {
      c.configuration[field::kSubscriptionId] = *sub;
    }
    c.secrets = {{field::kClientSecret, *secret}};
    return c;
  }
  if (Wants(auth_method, kAccessToken)) return FromAzCli(c, resource_type);
  return Fail(
      ErrorCode::kFailedPrecondition,
      fmt::format("no credentials for the {} method found in the environment", *auth_method));
}

}  // namespace latchkey::azure
