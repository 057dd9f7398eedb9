// Tables and texts of stack components and stacks, in the look of the connector tables.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"
#include "stack/flavors.h"
#include "stack/stack_model.h"

namespace latchkey {
class Backend;
}  // namespace latchkey

namespace latchkey::cli {

// Connector ID -> name, for showing links by name.
using ConnectorNames = std::map<std::string, std::string>;

// Names of the connectors these components link to, read by ID in one bounded query (never the
// whole connector list); an unreadable answer only costs the names.
ConnectorNames ConnectorNamesOf(Backend& backend, std::vector<StackComponent const*> const& linked);
ConnectorNames ConnectorNamesOf(Backend& backend, std::vector<StackComponent> const& components);
ConnectorNames ConnectorNamesOf(Backend& backend, Stack const& stack);

std::string RenderFlavorList(std::vector<Flavor const*> const& flavors);
std::string RenderComponentList(std::vector<StackComponent> const& components,
                                std::optional<Stack> const& active, ConnectorNames const& names);
std::string RenderComponentDetails(StackComponent const& c, ConnectorNames const& names);
std::string RenderStackList(std::vector<Stack> const& stacks, std::optional<Stack> const& active);
std::string RenderStackDetails(Stack const& s, bool active, ConnectorNames const& names);

}  // namespace latchkey::cli
