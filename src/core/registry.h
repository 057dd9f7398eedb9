// The catalogue of connector types: one explicit table in registry.cc (no static initialisers).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/connector_type.h"

namespace latchkey {

std::vector<std::unique_ptr<ConnectorType>> const& AllConnectorTypes();
ConnectorType const* FindConnectorType(std::string const& connector_type);
Result<ConnectorType const*> RequireConnectorType(std::string const& connector_type);

}  // namespace latchkey
