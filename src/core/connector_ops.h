// The connector algorithm shared by every type (upstream's ServiceConnector base class): verify
// into a resources report, and fetch a client connector for one resource.
#pragma once

#include "core/connector_type.h"
#include "core/connector_validation.h"

namespace latchkey {

// With `list_resources` false and no resource ID, only the credentials are checked.
ResourcesReport VerifyConnector(Context& ctx, ConnectorType const& type, Connector const& c,
                                OptString const& resource_type, OptString const& resource_id,
                                bool list_resources = true);

// Validates the request, refuses expired connectors, verifies the resource and converts the
// connector into the client connector a consumer receives. Never persisted.
Result<Connector> GetConnectorClient(Context& ctx, ConnectorType const& type, Connector const& c,
                                     OptString const& resource_type, OptString const& resource_id);

// Fills what `draft` leaves open (auth method, resource type and ID, expiry) and the attribute
// values from the caller's environment (--auto-configure). Explicit `values` win over detected
// ones. Runs where the caller is: in the CLI, also when it talks to a server.
Result<void> ApplyAutoConfiguration(Context& ctx, ConnectorType const& type, Connector& draft,
                                    RawValues& values);

}  // namespace latchkey
