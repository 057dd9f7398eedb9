#include "core/spec.h"

#include <fmt/format.h>

namespace latchkey {

std::string FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kList:
      return "list";
  }
  return "string";
}

ConfigField MakeField(std::string name, std::string title, bool secret, bool required,
                      FieldType type, std::optional<std::string> default_value) {
  return ConfigField{std::move(name), type, secret, required, std::move(default_value),
                     std::move(title)};
}

bool AuthMethodSpec::SupportsTemporaryCredentials() const {
  return min_expiration_seconds || default_expiration_seconds || max_expiration_seconds;
}

ConfigField const* AuthMethodSpec::FindField(std::string const& field_name) const {
  for (auto const& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

Result<std::optional<int64_t>> AuthMethodSpec::ValidateExpiration(
    std::optional<int64_t> seconds) const {
  if (!SupportsTemporaryCredentials()) {
    if (seconds) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the '{}' authentication method does not issue temporary "
                              "credentials, so --expiration-seconds cannot be set",
                              auth_method));
    }
    return std::optional<int64_t>{};
  }
  std::optional<int64_t> value = seconds ? seconds : default_expiration_seconds;
  if (!value) return value;
  if (min_expiration_seconds && *value < *min_expiration_seconds) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("expiration of {}s is below the minimum of {}s for '{}'", *value,
                            *min_expiration_seconds, auth_method));
  }
  if (max_expiration_seconds && *value > *max_expiration_seconds) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("expiration of {}s is above the maximum of {}s for '{}'", *value,
                            *max_expiration_seconds, auth_method));
  }
  return value;
}

AuthMethodSpec const* ConnectorTypeSpec::FindAuthMethod(std::string const& auth_method) const {
  for (auto const& a : auth_methods) {
    if (a.auth_method == auth_method) return &a;
  }
  return nullptr;
}

ResourceTypeSpec const* ConnectorTypeSpec::FindResourceType(
    std::string const& resource_type) const {
  for (auto const& r : resource_types) {
    if (r.resource_type == resource_type) return &r;
  }
  return nullptr;
}

std::vector<std::string> ConnectorTypeSpec::ResourceTypeNames() const {
  std::vector<std::string> out;
  for (auto const& r : resource_types) out.push_back(r.resource_type);
  return out;
}

std::vector<std::string> ConnectorTypeSpec::AuthMethodNames() const {
  std::vector<std::string> out;
  for (auto const& a : auth_methods) out.push_back(a.auth_method);
  return out;
}

}  // namespace latchkey
