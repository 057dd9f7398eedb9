#include "connectors/azure/azure_resource_ids.h"

#include <fmt/format.h>

#include <regex>

#include "common/strings.h"

namespace latchkey::azure {
namespace {

bool ValidContainerName(std::string const& name) {
  static std::regex const kName("^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
  return std::regex_match(name, kName);
}

bool ValidAksName(std::string const& name) {
  static std::regex const kName("^[A-Za-z0-9][A-Za-z0-9_-]{0,61}[A-Za-z0-9]?$");
  return std::regex_match(name, kName);
}

bool ValidResourceGroup(std::string const& name) {
  static std::regex const kName("^[-A-Za-z0-9_.()]{1,90}$");  // \\w would follow the locale
  return std::regex_match(name, kName) && !EndsWith(name, ".");
}

// Drops a `/path` after the first segment of `rest`.
std::string FirstSegment(std::string const& rest) { return rest.substr(0, rest.find('/')); }

}  // namespace

Result<std::string> CanonicalBlobContainerId(std::string const& id,
                                             std::optional<std::string> const& storage_account) {
  std::string text = Trim(id);
  std::string name = text;
  if (StartsWith(text, "az://")) {
    name = FirstSegment(text.substr(5));
  } else if (StartsWith(text, "abfs://") || StartsWith(text, "abfss://")) {
    std::string rest = FirstSegment(text.substr(text.find("://") + 3));
    auto at = rest.find('@');
    name = rest.substr(0, at);
    if (at != std::string::npos) {
      std::string account = rest.substr(at + 1, rest.find('.', at) - at - 1);
      if (storage_account && !storage_account->empty() && account != *storage_account) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("blob container '{}' is in storage account '{}', but the "
                                "connector is configured for '{}'",
                                id, account, *storage_account));
      }
    }
  }
  if (!ValidContainerName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not a blob container; use az://{{container-name}}, "
                            "abfs://{{container-name}} or {{container-name}} (3-63 lowercase "
                            "letters, digits and single hyphens)",
                            id));
  }
  return "az://" + name;
}

std::string ContainerName(std::string const& canonical_id) {
  return StartsWith(canonical_id, "az://") ? canonical_id.substr(5) : canonical_id;
}

Result<std::string> CanonicalAksClusterId(std::string const& id,
                                          std::optional<std::string> const& resource_group) {
  std::string text = Trim(id);
  static std::regex const kArm(
      "^/subscriptions/[^/]+/resourcegroups/([^/]+)/providers/"
      "microsoft\\.containerservice/managedclusters/([^/]+)$",
      std::regex::icase);
  std::smatch m;
  std::string group, name;
  if (std::regex_match(text, m, kArm)) {
    group = m[1].str();
    name = m[2].str();
  } else if (auto slash = text.find('/'); slash != std::string::npos) {
    group = text.substr(0, slash);
    name = text.substr(slash + 1);
  } else {
    name = text;
  }
  if (!ValidAksName(name) || (!group.empty() && !ValidResourceGroup(group))) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not an AKS cluster; use [{{resource-group}}/]{{cluster-name}} "
                            "or the cluster's ARM resource ID",
                            id));
  }
  bool configured = resource_group && !resource_group->empty();
  // The configured group becomes part of the canonical ID, so it must be a group name too: a
  // control byte or a slash there would make an ID that does not parse back to itself.
  if (configured && !ValidResourceGroup(*resource_group)) {
    return Fail(ErrorCode::kInvalidArgument,
                "the connector's resource group is not a valid Azure resource group name "
                "(1-90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.')");
  }
  if (configured && !group.empty() && ToLower(group) != ToLower(*resource_group)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("AKS cluster '{}' is in resource group '{}', but the connector is "
                            "configured for '{}'",
                            id, group, *resource_group));
  }
  if (configured) group = *resource_group;  // one spelling of the group, the configured one
  return group.empty() ? name : group + "/" + name;
}

AksClusterRef ParseAksClusterId(std::string const& canonical_id) {
  auto slash = canonical_id.find('/');
  if (slash == std::string::npos) return {std::nullopt, canonical_id};
  return {canonical_id.substr(0, slash), canonical_id.substr(slash + 1)};
}

Result<std::string> CanonicalAcrRegistryId(std::string const& id) {
  std::string text = ToLower(Trim(id));
  static std::regex const kHost("^(?:https?://)?([a-z0-9]{5,50})\\.azurecr\\.io(?:/.*)?$");
  static std::regex const kName("^[a-z0-9]{5,50}$");
  std::smatch m;
  if (std::regex_match(text, m, kHost)) return m[1].str() + ".azurecr.io";
  if (std::regex_match(text, kName)) return text + ".azurecr.io";
  // A login server of another form, kept as its host: sovereign clouds ({name}.azurecr.cn,
  // .azurecr.us) and registries reached on an explicit port. Docker credential helpers ask by
  // that host, and FindAcr matches it against the loginServer ARM reports.
  static std::regex const kLoginServer(
      "^(?:https?://)?([a-z0-9]{5,50}\\.azurecr\\.[a-z.]+|[a-z0-9.-]+:[0-9]{1,5})(?:/.*)?$");
  if (std::regex_match(text, m, kLoginServer)) return m[1].str();
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("'{}' is not an ACR registry; use [https://]{{name}}.azurecr.io, "
                          "{{name}} (5-50 letters and digits) or the registry's login server",
                          id));
}

std::string AcrRegistryName(std::string const& canonical_id) {
  return canonical_id.substr(0, canonical_id.find('.'));
}

Result<std::string> CanonicalSubscriptionId(std::string const& id) {
  std::string text = ToLower(Trim(id));
  static std::regex const kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  if (!std::regex_match(text, kUuid)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not an Azure subscription ID (a UUID)", id));
  }
  return text;
}

}  // namespace latchkey::azure
