// Resource IDs of the Azure connector: the accepted forms and their canonical form.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"

namespace latchkey::azure {

// `az://c[/path]`, `abfs[s]://c[@{account}.dfs.{suffix}][/path]` or `c` -> `az://c`. Container
// names follow Azure's rules: 3-63 lowercase letters, digits and single hyphens, starting and
// ending with a letter or digit. An abfs form naming another account than `storage_account`
// (when configured) is refused.
Result<std::string> CanonicalBlobContainerId(std::string const& id,
                                             std::optional<std::string> const& storage_account);
std::string ContainerName(std::string const& canonical_id);  // `az://c` -> `c`

// `rg/name`, `name` (with `resource_group` configured -> `rg/name`) or the cluster's ARM
// resource ID -> `rg/name` (or `name` when no group is known; the cluster is then looked up
// in the whole subscription).
Result<std::string> CanonicalAksClusterId(std::string const& id,
                                          std::optional<std::string> const& resource_group);
struct AksClusterRef {
  std::optional<std::string> resource_group;
  std::string name;
};
AksClusterRef ParseAksClusterId(std::string const& canonical_id);

// `[https://]{name}.azurecr.io[/...]` or `{name}` -> `{name}.azurecr.io` (lowercase; names are
// 5-50 letters and digits).
Result<std::string> CanonicalAcrRegistryId(std::string const& id);
std::string AcrRegistryName(std::string const& canonical_id);  // `r.azurecr.io` -> `r`

// A subscription ID is a UUID (compared case-insensitively, kept lowercase).
Result<std::string> CanonicalSubscriptionId(std::string const& id);

}  // namespace latchkey::azure
