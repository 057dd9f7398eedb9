// The compiled-in catalogue of stack component flavors: their configuration attributes and the
// service connector resource each can be linked to (upstream's `connector_requirements`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "stack/stack_model.h"

namespace latchkey {

struct FlavorAttribute {
  std::string name;
  bool required = false;
  // Must be a `{{secret.key}}` reference: a component keeps no credential of its own.
  bool secret = false;
  std::string description;
};

struct ConnectorRequirement {
  std::optional<std::string> connector_type;  // any type offering the resource type when absent
  std::string resource_type;
  // The attribute whose value names the resource (an S3 `path`, a registry `uri`).
  std::optional<std::string> resource_id_attr;
};

struct Flavor {
  ComponentType type = ComponentType::kArtifactStore;
  std::string name;
  std::string config_class;  // upstream's configuration class, shown by `flavor describe`
  std::string description;
  std::vector<FlavorAttribute> attributes;
  std::optional<ConnectorRequirement> requirement;

  FlavorAttribute const* FindAttribute(std::string const& attr) const;
};

std::vector<Flavor> const& AllFlavors();
std::vector<Flavor const*> FlavorsOf(ComponentType type);
// kNotFound naming the flavors of `type` that exist.
Result<Flavor const*> RequireFlavor(ComponentType type, std::string const& name);

// Unknown attributes, missing required ones and secret attributes given in clear are refused.
Result<void> ValidateConfiguration(Flavor const& flavor,
                                   std::map<std::string, std::string> const& configuration);

// The resource ID a component's configuration names for its connector requirement, if any:
// the bucket of an object-store path (s3://bucket/prefix -> s3://bucket), a registry URI as is.
std::optional<std::string> ResourceIdFromConfiguration(
    Flavor const& flavor, std::map<std::string, std::string> const& configuration);

// Whether a connector of `connector_type` serving `resource_types` can satisfy the flavor.
bool SatisfiesRequirement(ConnectorRequirement const& requirement,
                          std::string const& connector_type,
                          std::vector<std::string> const& resource_types);

// `flavor describe`: the configuration attributes and the connector requirement, in the seeds'
// wording.
std::string DescribeFlavor(Flavor const& flavor);

}  // namespace latchkey
