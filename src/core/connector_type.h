// The interface every connector type implements. The generic algorithm around it (validation,
// expiry, the resources report, client conversion) lives once in connector_ops.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "core/context.h"
#include "core/model.h"
#include "core/spec.h"

namespace latchkey {

using OptString = std::optional<std::string>;

class ConnectorType {
 public:
  virtual ~ConnectorType() = default;

  virtual ConnectorTypeSpec const& Spec() const = 0;

  // Normalises a user-given ID to the canonical form, or explains which forms are accepted.
  virtual Result<std::string> CanonicalResourceId(Connector const& connector,
                                                  std::string const& resource_type,
                                                  std::string const& resource_id) const;

  // The one ID of a resource type without instances, derived from the configuration.
  virtual Result<std::string> DefaultResourceId(Connector const& connector,
                                                std::string const& resource_type) const;

  // Authenticates against the provider. With `resource_type` and no `resource_id` on a
  // multi-instance type, returns the (non-empty) list of canonical IDs reached; with an ID, checks
  // that one resource; with neither, checks the credentials only and may return an empty list.
  virtual Result<std::vector<std::string>> Verify(Context& ctx, Connector const& connector,
                                                  OptString const& resource_type,
                                                  OptString const& resource_id) const = 0;

  // The connector a consumer receives for one resource: temporary and down-scoped where the
  // method allows, possibly of another connector type. The default hands out a copy of itself.
  virtual Result<Connector> Client(Context& ctx, Connector const& connector,
                                   std::string const& resource_type,
                                   std::string const& resource_id) const;

  // Builds a connector from the local environment (kubeconfig, docker config, ...).
  virtual Result<Connector> AutoConfigure(Context& ctx, OptString const& auth_method,
                                          OptString const& resource_type,
                                          OptString const& resource_id) const;

  // Configures the local CLI tool (docker config.json, kubeconfig) with a client connector and
  // returns a one-line description of what was written.
  virtual Result<std::string> ConfigureLocalClient(Context& ctx, Connector const& client) const;
};

}  // namespace latchkey
