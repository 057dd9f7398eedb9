#include "core/connector_type.h"

namespace latchkey {

Result<std::string> ConnectorType::CanonicalResourceId(Connector const&, std::string const&,
                                                       std::string const& resource_id) const {
  return resource_id;
}

Result<std::string> ConnectorType::DefaultResourceId(Connector const&,
                                                     std::string const& resource_type) const {
  return Fail(ErrorCode::kInvalidArgument,
              "a resource ID is required for resource type '" + resource_type + "'");
}

Result<Connector> ConnectorType::Client(Context&, Connector const& connector,
                                        std::string const& resource_type,
                                        std::string const& resource_id) const {
  Connector client = connector;
  client.resource_types = {resource_type};
  client.resource_id = resource_id;
  return client;
}

Result<Connector> ConnectorType::AutoConfigure(Context&, OptString const&, OptString const&,
                                               OptString const&) const {
  return Fail(
      ErrorCode::kFailedPrecondition,
      "the '" + Spec().connector_type + "' connector type does not support auto-configuration");
}

Result<std::string> ConnectorType::ConfigureLocalClient(Context&, Connector const&) const {
  return Fail(ErrorCode::kFailedPrecondition,
              "the '" + Spec().connector_type + "' connector type cannot configure a local client");
}

}  // namespace latchkey
