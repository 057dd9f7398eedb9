#include "core/long_lived_warning.h"

#include <fmt/format.h>

#include "common/inert_text.h"
#include "common/strings.h"
#include "core/registry.h"

namespace latchkey {

bool HandsClientsLongLivedCredentials(AuthMethodSpec const& method, Connector const& c) {
  if (!method.long_lived_clients) return false;
  std::string const& field = method.long_lived_clients->unless_field;
  if (field.empty()) return true;
  // An unset field takes its default; a field without a default counts as false.
  std::optional<std::string> value = c.Value(field);
  if (!value) {
    if (auto const* f = method.FindField(field)) value = f->default_value;
  }
  return !value || !IsTruthy(*value);
}

std::optional<std::string> LongLivedClientWarning(Connector const& c) {
  auto const* type = FindConnectorType(c.connector_type);
  if (!type) return std::nullopt;
  auto const* method = type->Spec().FindAuthMethod(c.auth_method);
  if (!method || !HandsClientsLongLivedCredentials(*method, c)) return std::nullopt;
  return InertText(fmt::format(
      "Warning: clients of service connector '{}' receive its long-lived credentials ({} {}); "
      "if they leak, they stay valid until revoked. To avoid this, {}.",
      c.name, c.connector_type, c.auth_method, method->long_lived_clients->advice));
}

}  // namespace latchkey
