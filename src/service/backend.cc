#include "service/backend.h"

#include "core/registry.h"

namespace latchkey {

std::vector<ConnectorTypeSpec const*> FilterConnectorTypes(TypeFilter const& f) {
  std::vector<ConnectorTypeSpec const*> out;
  for (auto const& t : AllConnectorTypes()) {
    ConnectorTypeSpec const& s = t->Spec();
    if (f.connector_type && s.connector_type != *f.connector_type) continue;
    if (f.resource_type && !s.FindResourceType(*f.resource_type)) continue;
    if (f.auth_method && !s.FindAuthMethod(*f.auth_method)) continue;
    out.push_back(&s);
  }
  return out;
}

}  // namespace latchkey
