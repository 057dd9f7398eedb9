// Which subscription a token-based connector works in: the configured one, else the only one
// its identity sees (several visible ones are an error that lists how to choose).
#pragma once

#include <string>

#include "connectors/azure/arm_api.h"
#include "core/model.h"

namespace latchkey::azure {

// The ARM endpoint with a fresh management token for `c`.
Result<ArmTarget> ArmTargetFor(Context& ctx, Connector const& c);

Result<std::string> ResolveSubscription(Context& ctx, Connector const& c, ArmTarget const& arm);

}  // namespace latchkey::azure
