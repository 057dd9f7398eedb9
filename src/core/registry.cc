#include "core/registry.h"

#include "common/strings.h"
#include "connectors/aws/aws_connector.h"
#include "connectors/azure/azure_connector.h"
#include "connectors/docker/docker_connector.h"
#include "connectors/gcp/gcp_connector.h"
#include "connectors/kubernetes/kubernetes_connector.h"

namespace latchkey {
namespace {

using Factory = std::unique_ptr<ConnectorType> (*)();

// Adding a provider = a folder under connectors/ plus one line here.
// clang-format off
constexpr Factory kBuiltinConnectorTypes[] = {
    &MakeKubernetesConnectorType,
    &MakeDockerConnectorType,
    &MakeAwsConnectorType,
    &MakeGcpConnectorType,
    &MakeAzureConnectorType,
};
// clang-format on

}  // namespace

std::vector<std::unique_ptr<ConnectorType>> const& AllConnectorTypes() {
  static auto const* types = [] {
    auto* v = new std::vector<std::unique_ptr<ConnectorType>>();
    for (Factory make : kBuiltinConnectorTypes) v->push_back(make());
    return v;
  }();
  return *types;
}

ConnectorType const* FindConnectorType(std::string const& connector_type) {
  for (auto const& t : AllConnectorTypes()) {
    if (t->Spec().connector_type == connector_type) return t.get();
  }
  return nullptr;
}

Result<ConnectorType const*> RequireConnectorType(std::string const& connector_type) {
  if (auto const* t = FindConnectorType(connector_type)) return t;
  std::vector<std::string> names;
  for (auto const& t : AllConnectorTypes()) names.push_back(t->Spec().connector_type);
  return Fail(ErrorCode::kInvalidArgument, "unknown connector type '" + connector_type +
                                               "'; available types: " + Join(names, ", "));
}

}  // namespace latchkey
