#include "core/connector_validation.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "core/input_limits.h"

namespace latchkey {
namespace {

std::vector<std::string> FieldNames(AuthMethodSpec const& auth) {
  std::vector<std::string> names;
  for (auto const& f : auth.fields) names.push_back(f.name);
  return names;
}

// Values arrive as strings from the CLI and typed from JSON; both end up typed per the spec.
Result<nlohmann::json> ConvertValue(ConfigField const& field, nlohmann::json const& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (auto r = CheckValueSize("attribute '" + field.name + "'", text.size()); !r) {
    return tl::unexpected(r.error());
  }
  if (field.required && Trim(text).empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("attribute '{}' is required and must not be empty", field.name));
  }
  auto invalid = [&](char const* expected) {
    // Secret values are never echoed back, even when malformed.
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("attribute '{}' must be {}{}", field.name, expected,
                            field.secret ? "" : fmt::format(", got '{}'", text)));
  };
  switch (field.type) {
    case FieldType::kString:
      return nlohmann::json(text);
    case FieldType::kBoolean: {
      if (value.is_boolean()) return value;
      std::string v = ToLower(Trim(text));
      if (v == "true" || v == "1" || v == "yes" || v == "y" || v == "on")
        return nlohmann::json(true);
      if (v == "false" || v == "0" || v == "no" || v == "n" || v == "off")
        return nlohmann::json(false);
      return invalid("a boolean (true/false)");
    }
    case FieldType::kInteger: {
      if (value.is_number_integer()) return value;
      try {
        size_t used = 0;
        long long n = std::stoll(text, &used);
        if (used == text.size()) return nlohmann::json(n);
      } catch (...) {
      }
      return invalid("an integer");
    }
    case FieldType::kList: {
      if (value.is_array()) return value;
      auto parsed = nlohmann::json::parse(text, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_array()) return parsed;
      nlohmann::json list = nlohmann::json::array();  // upstream: JSON array, else CSV
      for (auto const& part : Split(text, ',')) {
        if (!Trim(part).empty()) list.push_back(Trim(part));
      }
      return list;
    }
  }
  return invalid("valid");
}

}  // namespace

RawValues CurrentValues(Connector const& c) {
  RawValues values;
  for (auto const& [k, v] : c.configuration.items()) values[k] = v;
  for (auto const& [k, v] : c.secrets) values[k] = v;
  return values;
}

Result<void> NormalizeConnector(ConnectorType const& type, Connector& c, RawValues const& values) {
  // The same limits for the REST API and the local CLI: both reach every connector through here.
  if (!c.name.empty()) {
    if (auto r = CheckName("service connector name", c.name); !r) return r;
  }
  if (auto r = CheckLabels(c.labels); !r) return r;
  if (auto r = CheckDescription(c.description); !r) return r;
  ConnectorTypeSpec const& spec = type.Spec();
  c.connector_type = spec.connector_type;
  AuthMethodSpec const* auth = spec.FindAuthMethod(c.auth_method);
  if (!auth) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("unknown authentication method '{}' for connector type '{}'; "
                    "valid methods: {}",
                    c.auth_method, spec.connector_type, Join(spec.AuthMethodNames(), ", ")));
  }

  if (c.resource_types.empty()) {
    for (auto const& r : spec.resource_types) {
      for (auto const& m : r.auth_methods) {
        if (m == c.auth_method) c.resource_types.push_back(r.resource_type);
      }
    }
  }
  for (auto const& rt : c.resource_types) {
    ResourceTypeSpec const* r = spec.FindResourceType(rt);
    if (!r) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("unknown resource type '{}' for connector type '{}'; valid types: {}",
                              rt, spec.connector_type, Join(spec.ResourceTypeNames(), ", ")));
    }
    if (std::find(r->auth_methods.begin(), r->auth_methods.end(), c.auth_method) ==
        r->auth_methods.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("resource type '{}' cannot be reached with authentication method "
                              "'{}'; use one of: {}",
                              rt, c.auth_method, Join(r->auth_methods, ", ")));
    }
  }

  nlohmann::json configuration = nlohmann::json::object();
  std::map<std::string, std::string> secrets;
  for (auto const& [name, value] : values) {
    ConfigField const* field = auth->FindField(name);
    if (!field) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("unknown attribute '{}' for authentication method '{}'; valid "
                              "attributes: {}",
                              name, c.auth_method, Join(FieldNames(*auth), ", ")));
    }
    if (value.is_null()) continue;
    auto converted = ConvertValue(*field, value);
    if (!converted) return tl::unexpected(converted.error());
    if (field->secret) {
      secrets[name] = converted->is_string() ? converted->get<std::string>() : converted->dump();
    } else {
      configuration[name] = *converted;
    }
  }
  for (auto const& field : auth->fields) {
    bool present =
        field.secret ? secrets.count(field.name) > 0 : configuration.contains(field.name);
    if (present) continue;
    if (field.default_value && !field.secret) {
      auto converted = ConvertValue(field, nlohmann::json(*field.default_value));
      if (converted) configuration[field.name] = *converted;
    } else if (field.required) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("missing required attribute '{}' for authentication method '{}' "
                              "(pass --{}=VALUE)",
                              field.name, c.auth_method, field.name));
    }
  }
  c.configuration = std::move(configuration);
  c.secrets = std::move(secrets);

  if (c.expiration_seconds) {
    auto r = CheckSeconds("expiration_seconds", *c.expiration_seconds, kMaxLifetimeSeconds, false);
    if (!r) return r;
  }
  auto expiration = auth->ValidateExpiration(c.expiration_seconds);
  if (!expiration) return tl::unexpected(expiration.error());
  c.expiration_seconds = *expiration;
  if (c.expires_skew_tolerance) {
    auto r = CheckSeconds("expires_skew_tolerance", *c.expires_skew_tolerance,
                          kMaxSkewToleranceSeconds, true);
    if (!r) return r;
  }

  c.supports_instances = false;
  if (c.resource_types.size() == 1) {
    ResourceTypeSpec const* r = spec.FindResourceType(c.resource_types[0]);
    c.supports_instances = r->supports_instances;
    if (c.resource_id) {
      auto canonical = type.CanonicalResourceId(c, r->resource_type, *c.resource_id);
      if (!canonical) return tl::unexpected(canonical.error());
      c.resource_id = *canonical;
    }
    if (!r->supports_instances) {
      auto default_id = type.DefaultResourceId(c, r->resource_type);
      // kFailedPrecondition: the one ID is only known after asking the provider (an ECR
      // registry is named after the account); verification discovers it.
      if (!default_id && default_id.error().code == ErrorCode::kFailedPrecondition) return {};
      if (!default_id) return tl::unexpected(default_id.error());
      if (c.resource_id && *c.resource_id != *default_id) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("resource ID '{}' does not match the only {} this configuration "
                                "reaches ('{}')",
                                *c.resource_id, r->resource_type, *default_id));
      }
      c.resource_id = *default_id;
    }
  } else if (c.resource_id) {
    return Fail(ErrorCode::kInvalidArgument,
                "a resource ID can only be set together with a single --resource-type");
  }
  return {};
}

Result<ResourceTarget> ResolveResourceTarget(ConnectorType const& type, Connector const& c,
                                             OptString const& resource_type,
                                             OptString const& resource_id) {
  ResourceTarget target;
  if (resource_type) {
    if (std::find(c.resource_types.begin(), c.resource_types.end(), *resource_type) ==
        c.resource_types.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("connector '{}' does not serve resource type '{}'; it serves: {}",
                              c.name, *resource_type, Join(c.resource_types, ", ")));
    }
    target.resource_type = *resource_type;
  } else if (c.resource_types.size() == 1) {
    target.resource_type = c.resource_types[0];
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("connector '{}' serves several resource types ({}); choose one with "
                            "--resource-type",
                            c.name, Join(c.resource_types, ", ")));
  }
  ResourceTypeSpec const* spec = type.Spec().FindResourceType(target.resource_type);
  if (resource_id) {
    auto canonical = type.CanonicalResourceId(c, target.resource_type, *resource_id);
    if (!canonical) return tl::unexpected(canonical.error());
    target.resource_id = *canonical;
  }
  bool single_type = c.resource_types.size() == 1;
  if (single_type && c.resource_id) {
    if (target.resource_id && *target.resource_id != *c.resource_id) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("connector '{}' is configured for resource '{}' only, not '{}'",
                              c.name, *c.resource_id, *target.resource_id));
    }
    target.resource_id = c.resource_id;
  }
  if (!target.resource_id && spec && !spec->supports_instances) {
    auto default_id = type.DefaultResourceId(c, target.resource_type);
    if (default_id) {
      target.resource_id = *default_id;
    } else if (default_id.error().code != ErrorCode::kFailedPrecondition) {
      return tl::unexpected(default_id.error());
    }
  }
  return target;
}

}  // namespace latchkey
