// JSON shapes of components and stacks: `-o json|yaml`, the REST API, and what RemoteBackend
// parses back. Configuration holds no secret values (only references), so nothing is hidden.
#pragma once

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "stack/flavors.h"
#include "stack/stack_model.h"

namespace latchkey {

nlohmann::json ToJson(StackComponent const& c);
nlohmann::json ToJson(Stack const& s);
// A flavor of the catalogue with its attributes and connector requirement (GET /flavors).
nlohmann::json ToJson(Flavor const& f);
// A document of another shape is kInternal (the server and this client disagree).
Result<StackComponent> ComponentFromJson(nlohmann::json const& j);
Result<Stack> StackFromJson(nlohmann::json const& j);

}  // namespace latchkey
