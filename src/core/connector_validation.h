// Validation of a connector against its type's spec: which fields exist, which are secret, their
// types, required fields, expiration bounds, resource types and canonical resource IDs.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/connector_type.h"

namespace latchkey {

// Attribute values as given by a user (`--FIELD=VALUE` strings, or JSON values from the API).
using RawValues = std::map<std::string, nlohmann::json>;

// Replaces `c.configuration`/`c.secrets` with `values` validated and split per the auth method's
// fields, fills resource types (all that accept the method, when none is given), applies
// defaults, checks expiration bounds and canonicalises the resource ID.
Result<void> NormalizeConnector(ConnectorType const& type, Connector& c, RawValues const& values);

// The union of configuration and secrets as raw values (for updates that merge new values in).
RawValues CurrentValues(Connector const& c);

// Checks a (resource type, resource ID) request against the connector and returns the effective
// pair: a type is required for multi-type connectors, IDs are canonicalised, and a single-instance
// connector only serves its own ID. The ID stays empty when the request names none and the
// connector has several, or when the provider must be asked (see DefaultResourceId).
struct ResourceTarget {
  std::string resource_type;
  OptString resource_id;
};
Result<ResourceTarget> ResolveResourceTarget(ConnectorType const& type, Connector const& c,
                                             OptString const& resource_type,
                                             OptString const& resource_id);

}  // namespace latchkey
