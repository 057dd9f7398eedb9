#include "stack/stack_model.h"

namespace latchkey {

std::string ComponentTypeName(ComponentType type) {
  switch (type) {
    case ComponentType::kArtifactStore:
      return "artifact_store";
    case ComponentType::kContainerRegistry:
      return "container_registry";
    case ComponentType::kOrchestrator:
      return "orchestrator";
  }
  return "";
}

std::string ComponentTypeCommand(ComponentType type) {
  std::string name = ComponentTypeName(type);
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

std::string ComponentTypeTitle(ComponentType type) {
  std::string name = ComponentTypeName(type);
  for (char& c : name) {
    if (c == '_') c = ' ';
  }
  return name;
}

std::string ComponentTypeWithArticle(ComponentType type) {
  std::string title = ComponentTypeTitle(type);
  return (title[0] == 'a' || title[0] == 'o' ? "an " : "a ") + title;
}

std::string ComponentTypePlural(ComponentType type) {
  std::string title = ComponentTypeTitle(type);
  if (title.ends_with("y")) return title.substr(0, title.size() - 1) + "ies";
  return title + "s";
}

Result<ComponentType> ParseComponentType(std::string_view text) {
  for (ComponentType t : kComponentTypes) {
    if (text == ComponentTypeName(t) || text == ComponentTypeCommand(t)) return t;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown stack component type '" + std::string(text) +
                  "': use artifact_store, container_registry or orchestrator");
}

}  // namespace latchkey
