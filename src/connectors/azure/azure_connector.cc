#include "connectors/azure/azure_connector.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "connectors/azure/azure_auto_configure.h"
#include "connectors/azure/azure_blob.h"
#include "connectors/azure/azure_resource_ids.h"
#include "connectors/azure/azure_resources.h"
#include "connectors/azure/azure_spec.h"

namespace latchkey::azure {
namespace {

// The account whose containers the connector reaches, when it names one.
std::optional<std::string> ConfiguredAccount(Connector const& c) {
  if (auto a = NonEmpty(c.Value(field::kAccountName))) return a;
  return NonEmpty(c.Value(field::kStorageAccount));
}

class AzureConnectorType : public ConnectorType {
 public:
  ConnectorTypeSpec const& Spec() const override { return AzureSpec(); }

  Result<std::string> CanonicalResourceId(Connector const& c, std::string const& rt,
                                          std::string const& id) const override {
    if (rt == kBlobResource) return CanonicalBlobContainerId(id, ConfiguredAccount(c));
    if (rt == kAksResource) {
      return CanonicalAksClusterId(id, NonEmpty(c.Value(field::kResourceGroup)));
    }
    if (rt == kAcrResource) return CanonicalAcrRegistryId(id);
    auto sub = CanonicalSubscriptionId(id);
    if (!sub) return sub;
    auto configured = NonEmpty(c.Value(field::kSubscriptionId));
    if (configured && ToLower(*configured) != *sub) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the azure-generic resource of this connector is its subscription "
                              "'{}', not '{}'",
                              *configured, id));
    }
    return sub;
  }

  Result<std::string> DefaultResourceId(Connector const& c, std::string const& rt) const override {
    if (rt == kGenericResource) {
      if (auto sub = NonEmpty(c.Value(field::kSubscriptionId))) return ToLower(*sub);
    }
    return Fail(ErrorCode::kFailedPrecondition, "discovered at verification");
  }

  Result<std::vector<std::string>> Verify(Context& ctx, Connector const& c, OptString const& rt,
                                          OptString const& rid) const override {
    if (!rt) {
      // The credentials alone: through the service the connector's first resource type needs,
      // so a storage-only token or key is not judged by ARM.
      std::string first = c.resource_types.empty() ? kGenericResource : c.resource_types.front();
      if (first == kBlobResource) {
        auto ids = VerifyBlobContainers(ctx, c, c.resource_id);
        if (!ids && ids.error().code == ErrorCode::kNotFound && !c.resource_id) {
          return std::vector<std::string>{};  // no containers yet, but the key works
        }
        if (!ids) return tl::unexpected(ids.error());
        return std::vector<std::string>{};
      }
      auto ids = VerifyGeneric(ctx, c);
      if (!ids) return tl::unexpected(ids.error());
      return std::vector<std::string>{};
    }
    if (*rt == kBlobResource) return VerifyBlobContainers(ctx, c, rid);
    if (*rt == kAksResource) return VerifyAksClusters(ctx, c, rid);
    if (*rt == kAcrResource) return VerifyAcrRegistries(ctx, c, rid);
    auto ids = VerifyGeneric(ctx, c);
    if (ids && rid && ids->front() != *rid) {
      return Fail(
          ErrorCode::kNotFound,
          fmt::format("the connector works in subscription {}, not {}", ids->front(), *rid));
    }
    return ids;
  }

  Result<Connector> Client(Context& ctx, Connector const& c, std::string const& rt,
                           std::string const& rid) const override {
    if (rt == kBlobResource) return BlobContainerClient(ctx, c, rid);
    if (rt == kAksResource) return AksClient(ctx, c, rid);
    if (rt == kAcrResource) return AcrClient(ctx, c, rid);
    return GenericClient(ctx, c, rid);
  }

  // AKS and ACR clients are kubernetes and docker connectors, which configure kubectl and
  // docker. What is left has no tool configuration to write: a SAS travels in each request's
  // URL (AzCopy, SDKs, curl), and the az CLI takes no access token from outside its own cache.
  // Writing them to a file no tool reads would only leave a credential lying around.
  Result<std::string> ConfigureLocalClient(Context&, Connector const& client) const override {
    if (client.auth_method == kSasToken) {
      return Fail(ErrorCode::kFailedPrecondition,
                  "login configures no local tool for a blob container: a SAS is used in the URL "
                  "({blob_endpoint}/{container}?{sas_token}); get it with `service-connector "
                  "describe --client --show-secrets` and hand it to AzCopy, an SDK or curl");
    }
    return Fail(ErrorCode::kFailedPrecondition,
                "login configures no local tool for an Entra ID access token (the az CLI "
                "accepts none from outside); use `service-connector describe --client "
                "--show-secrets` and send it as 'Authorization: Bearer'");
  }

  Result<Connector> AutoConfigure(Context& ctx, OptString const& auth_method, OptString const& rt,
                                  OptString const& rid) const override {
    return AutoConfigureAzure(ctx, auth_method, rt, rid);
  }
};

}  // namespace
}  // namespace latchkey::azure

namespace latchkey {

std::unique_ptr<ConnectorType> MakeAzureConnectorType() {
  return std::make_unique<azure::AzureConnectorType>();
}

}  // namespace latchkey
