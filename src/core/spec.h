// The catalogue entry of a connector type: what `list-types`/`describe-type` print, what
// registration validates against, and what splits a configuration into plain and secret fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace latchkey {

enum class FieldType { kString, kBoolean, kInteger, kList };

std::string FieldTypeName(FieldType type);

struct ConfigField {
  std::string name;
  FieldType type = FieldType::kString;
  bool secret = false;
  bool required = false;
  std::optional<std::string> default_value;
  std::string title;  // one line, shown as `name {type, secret, required}: title`
};

// A field as the catalogue tables write it.
ConfigField MakeField(std::string name, std::string title, bool secret, bool required,
                      FieldType type = FieldType::kString,
                      std::optional<std::string> default_value = std::nullopt);

// A method whose clients receive the connector's own long-lived credentials (keys that stay
// valid until someone revokes them) instead of temporary ones issued from them. Register,
// update and login warn about it with `advice`, the method or setting to use instead; the CLI
// reads it from here so that it names no provider (issue 16).
struct LongLivedClients {
  std::string advice;  // "use session-token, federation-token or iam-role instead, ..."
  // When set, only while this boolean field is false (GCP's generate_temporary_tokens).
  std::string unless_field;
};

struct AuthMethodSpec {
  std::string name;         // "Kubernetes API token"
  std::string auth_method;  // "token"
  std::string description;  // paragraph(s) for describe-type
  std::vector<ConfigField> fields;
  std::optional<int64_t> min_expiration_seconds;
  std::optional<int64_t> default_expiration_seconds;
  std::optional<int64_t> max_expiration_seconds;
  // Default-initialised, so the catalogue's positional initialisers need not name it.
  std::optional<LongLivedClients> long_lived_clients{};

  bool SupportsTemporaryCredentials() const;
  ConfigField const* FindField(std::string const& field_name) const;
  // Upstream's rule: an expiration on a method without temporary credentials is refused; an unset
  // one takes the default; the result must lie within the bounds.
  Result<std::optional<int64_t>> ValidateExpiration(std::optional<int64_t> seconds) const;
};

struct ResourceTypeSpec {
  std::string name;           // "Docker/OCI container registry"
  std::string resource_type;  // "docker-registry"
  std::string emoji;
  std::string description;
  std::vector<std::string> auth_methods;
  bool supports_instances = false;
  std::vector<std::string> id_forms;  // accepted resource-ID forms; the first is canonical
};

struct ConnectorTypeSpec {
  std::string name;            // "Docker Service Connector"
  std::string connector_type;  // "docker"
  std::string emoji;
  std::string description;
  std::vector<ResourceTypeSpec> resource_types;
  std::vector<AuthMethodSpec> auth_methods;
  bool supports_auto_configuration = false;
  bool local = true;
  bool remote = true;

  AuthMethodSpec const* FindAuthMethod(std::string const& auth_method) const;
  ResourceTypeSpec const* FindResourceType(std::string const& resource_type) const;
  std::vector<std::string> ResourceTypeNames() const;
  std::vector<std::string> AuthMethodNames() const;
};

}  // namespace latchkey
