// The connector algorithm shared by every type (upstream's ServiceConnector base class): verify
// into a resources report, and fetch a client connector for one resource.
#pragma once

#include "core/connector_type.h"

namespace latchkey {

// With `list_resources` false and no resource ID, only the credentials are checked.
ResourcesReport VerifyConnector(Context& ctx, ConnectorType const& type, Connector const& c,
                                OptString const& resource_type, OptString const& resource_id,
                                bool list_resources = true);

// Validates the request, refuses expired connectors, verifies the resource and converts the
// connector into the client connector a consumer receives. Never persisted.
Result<Connector> GetConnectorClient(Context& ctx, ConnectorType const& type, Connector const& c,
                                     OptString const& resource_type, OptString const& resource_id);

}  // namespace latchkey
