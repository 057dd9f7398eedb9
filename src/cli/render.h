// Table and text renderings of the model for people (the seeds' look). JSON/YAML go through
// core/model_json.h instead.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/spec.h"

namespace latchkey::cli {

std::string WithEmoji(std::string const& resource_type);  // "📦 s3-bucket"
// An ISO 8601 timestamp from the model's JSON as tables show times ("2023-06-15 18:45:17",
// UTC); text that is not a timestamp is returned unchanged.
std::string DisplayTimeText(std::string const& timestamp);
std::string RenderConnectorTypes(std::vector<ConnectorTypeSpec const*> const& types);
std::string DescribeConnectorType(ConnectorTypeSpec const& spec);
std::string DescribeResourceType(ConnectorTypeSpec const& spec, ResourceTypeSpec const& rt);
std::string DescribeAuthMethod(ConnectorTypeSpec const& spec, AuthMethodSpec const& auth);

// ACTIVE marks the connectors in `active` (IDs of those the active stack's components use).
std::string RenderConnectorList(std::vector<Connector> const& connectors, TimePoint now,
                                std::set<std::string> const& active = {});
// Values of secret fields print as [HIDDEN] unless `show_secrets`.
std::string RenderConnectorDetails(Connector const& c, TimePoint now, bool show_secrets);
// RESOURCE TYPE / RESOURCE NAMES for one connector (register, verify).
std::string RenderResources(ResourcesReport const& report);
// CONNECTOR ID / NAME / TYPE / RESOURCE TYPE / RESOURCE NAMES for many (list-resources).
std::string RenderResourcesList(std::vector<ResourcesReport> const& reports);

std::string RenderSecretList(std::vector<Secret> const& secrets);
std::string RenderSecret(Secret const& s, bool show_values);

}  // namespace latchkey::cli
