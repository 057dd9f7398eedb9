// The Azure Resource Manager calls the connector makes: subscriptions, storage accounts, AKS
// clusters (and their user kubeconfig) and ACR registries, each with an Entra ID bearer token
// for the management endpoint, following nextLink pages.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "core/context.h"

namespace latchkey::azure {

struct ArmTarget {
  std::string endpoint;  // "https://management.azure.com", no trailing slash
  std::string token;
};

struct Subscription {
  std::string id;  // the UUID
  std::string display_name;
  std::string tenant_id;
};

struct ArmResource {
  std::string name;
  std::string resource_group;
  std::string endpoint;  // storage: primary blob endpoint; ACR: login server; AKS: FQDN
};

Result<Subscription> GetSubscription(Context& ctx, ArmTarget const& arm, std::string const& id);
Result<std::vector<Subscription>> ListSubscriptions(Context& ctx, ArmTarget const& arm);

// `resource_group` narrows each listing to one group.
Result<std::vector<ArmResource>> ListStorageAccounts(Context& ctx, ArmTarget const& arm,
                                                     std::string const& subscription,
                                                     std::optional<std::string> const& group);
Result<std::vector<ArmResource>> ListAksClusters(Context& ctx, ArmTarget const& arm,
                                                 std::string const& subscription,
                                                 std::optional<std::string> const& group);
Result<std::vector<ArmResource>> ListAcrRegistries(Context& ctx, ArmTarget const& arm,
                                                   std::string const& subscription,
                                                   std::optional<std::string> const& group);

// POST .../managedClusters/{name}/listClusterUserCredential: the first kubeconfig, decoded.
Result<std::string> AksUserKubeconfig(Context& ctx, ArmTarget const& arm,
                                      std::string const& subscription, std::string const& group,
                                      std::string const& name);

// "/subscriptions/s/resourceGroups/RG/providers/..." -> "RG".
std::string ResourceGroupOf(std::string const& arm_id);

}  // namespace latchkey::azure
