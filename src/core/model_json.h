// The JSON shapes of the model (upstream's field names). `-o json`, `-o yaml` and the store's
// serialised columns all go through these functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/model.h"
#include "core/spec.h"

namespace latchkey {

inline constexpr char kHidden[] = "[HIDDEN]";

// Secret values are "[HIDDEN]" unless `show_secrets`.
nlohmann::json ToJson(Connector const& c, bool show_secrets);
nlohmann::json ToJson(ResourcesReport const& r);
nlohmann::json ToJson(Secret const& s, bool show_secrets);
nlohmann::json ToJson(ConnectorTypeSpec const& spec);
nlohmann::json ToJson(AuthMethodSpec const& spec);
nlohmann::json ToJson(ResourceTypeSpec const& spec);

}  // namespace latchkey
