// Stack components (an artifact store, a container registry, an orchestrator), each of a flavor
// and optionally linked to a service connector and one resource, and stacks that group one
// component of each type. These are what consume connectors (upstream section 3).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/time_util.h"

namespace latchkey {

enum class ComponentType { kArtifactStore, kContainerRegistry, kOrchestrator };

inline constexpr ComponentType kComponentTypes[] = {
    ComponentType::kArtifactStore, ComponentType::kContainerRegistry, ComponentType::kOrchestrator};

// "artifact_store" (stored, REST paths, JSON) and "artifact-store" (CLI group).
std::string ComponentTypeName(ComponentType type);
std::string ComponentTypeCommand(ComponentType type);
// "artifact store", for messages; with its article: "an artifact store".
std::string ComponentTypeTitle(ComponentType type);
std::string ComponentTypeWithArticle(ComponentType type);
// "artifact stores", "container registries": plurals are not always title + "s".
std::string ComponentTypePlural(ComponentType type);
// Accepts both spellings.
Result<ComponentType> ParseComponentType(std::string_view text);

struct StackComponent {
  std::string id;
  std::string name;
  ComponentType type = ComponentType::kArtifactStore;
  std::string flavor;
  // Flavor attributes as given. Values of secret attributes are `{{secret.key}}` references,
  // resolved only when the component is used (secret_refs.h), never stored in clear.
  std::map<std::string, std::string> configuration;
  std::optional<std::string> connector_id;
  std::optional<std::string> connector_resource_id;
  std::string owner;
  TimePoint created{};
  TimePoint updated{};
};

struct Stack {
  std::string id;
  std::string name;
  std::map<ComponentType, StackComponent> components;
  std::string owner;
  TimePoint created{};
  TimePoint updated{};
};

// What the Backend's component use cases take.
struct ComponentRequest {
  ComponentType type = ComponentType::kArtifactStore;
  std::string name_or_id;  // register: the new component's name
  std::optional<std::string> new_name;
  std::string flavor;                                // register only
  std::map<std::string, std::string> configuration;  // update: merged into the current one
  std::vector<std::string> remove_attrs;             // update only
  // Register: connect at once (as `connect` would).
  std::optional<std::string> connector;
  std::optional<std::string> resource_id;
};

struct ConnectRequest {
  ComponentType type = ComponentType::kArtifactStore;
  std::string component;  // name or ID
  std::string connector;  // name or ID
  std::optional<std::string> resource_id;
};

struct StackRequest {
  std::string name;
  std::map<ComponentType, std::string> components;  // names or IDs
  bool set_active = false;
};

// Changes to a stack's members: a name or ID replaces the component of that type, nullopt
// removes it (never the artifact store); types not named stay as they are.
struct StackUpdate {
  std::map<ComponentType, std::optional<std::string>> components;
};

}  // namespace latchkey
