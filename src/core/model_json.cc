#include "core/model_json.h"

namespace latchkey {
namespace {

nlohmann::json SecretMap(std::map<std::string, std::string> const& values, bool show) {
  nlohmann::json out = nlohmann::json::object();
  for (auto const& [k, v] : values) out[k] = show ? v : kHidden;
  return out;
}

}  // namespace

nlohmann::json ToJson(Connector const& c, bool show_secrets) {
  // Filled member by member: brace-initialiser lists deep-copy every value, which dominated
  // `list -o json` over many connectors.
  nlohmann::json j = nlohmann::json::object();
  j["id"] = c.id;
  j["name"] = c.name;
  j["connector_type"] = c.connector_type;
  j["auth_method"] = c.auth_method;
  j["resource_types"] = c.resource_types;
  j["resource_id"] = OrNull(c.resource_id);
  j["supports_instances"] = c.supports_instances;
  j["configuration"] = c.configuration;
  j["secrets"] = SecretMap(c.secrets, show_secrets);
  j["secret_id"] = OrNull(c.secret_id);
  j["labels"] = c.labels;
  j["expiration_seconds"] = OrNull(c.expiration_seconds);
  j["expires_at"] = c.expires_at ? nlohmann::json(FormatIso8601(*c.expires_at)) : nullptr;
  j["expires_skew_tolerance"] = OrNull(c.expires_skew_tolerance);
  j["description"] = c.description;
  j["owner"] = c.owner;
  j["shared"] = c.shared;
  j["shared_read_only"] = c.shared_read_only;
  j["share_secrets"] = c.share_secrets;
  j["version"] = c.version;
  j["created"] = FormatIso8601(c.created);
  j["updated"] = FormatIso8601(c.updated);
  return j;
}

nlohmann::json ToJson(ResourcesReport const& r) {
  nlohmann::json resources = nlohmann::json::array();
  for (auto const& t : r.resources) {
    resources.push_back({{"resource_type", t.resource_type},
                         {"resource_ids", OrNull(t.resource_ids)},
                         {"error", OrNull(t.error)}});
  }
  return {{"id", OrNull(r.id)},
          {"name", OrNull(r.name)},
          {"connector_type", r.connector_type},
          {"resources", resources},
          {"error", OrNull(r.error)}};
}

nlohmann::json ToJson(Secret const& s, bool show_secrets) {
  return {{"id", s.id},
          {"name", s.name},
          {"values", SecretMap(s.values, show_secrets)},
          {"owner", s.owner},
          {"shared", s.shared},
          {"created", FormatIso8601(s.created)},
          {"updated", FormatIso8601(s.updated)}};
}

nlohmann::json ToJson(AuthMethodSpec const& a) {
  nlohmann::json fields = nlohmann::json::array();
  for (auto const& f : a.fields) {
    fields.push_back({{"name", f.name},
                      {"type", FieldTypeName(f.type)},
                      {"secret", f.secret},
                      {"required", f.required},
                      {"default", OrNull(f.default_value)},
                      {"title", f.title}});
  }
  return {{"name", a.name},
          {"auth_method", a.auth_method},
          {"description", a.description},
          {"config_fields", fields},
          {"min_expiration_seconds", OrNull(a.min_expiration_seconds)},
          {"default_expiration_seconds", OrNull(a.default_expiration_seconds)},
          {"max_expiration_seconds", OrNull(a.max_expiration_seconds)}};
}

nlohmann::json ToJson(ResourceTypeSpec const& r) {
  return {{"name", r.name},
          {"resource_type", r.resource_type},
          {"emoji", r.emoji},
          {"description", r.description},
          {"auth_methods", r.auth_methods},
          {"supports_instances", r.supports_instances},
          {"resource_id_forms", r.id_forms}};
}

nlohmann::json ToJson(ConnectorTypeSpec const& spec) {
  nlohmann::json resource_types = nlohmann::json::array();
  for (auto const& r : spec.resource_types) resource_types.push_back(ToJson(r));
  nlohmann::json auth_methods = nlohmann::json::array();
  for (auto const& a : spec.auth_methods) auth_methods.push_back(ToJson(a));
  return {{"name", spec.name},
          {"connector_type", spec.connector_type},
          {"emoji", spec.emoji},
          {"description", spec.description},
          {"resource_types", resource_types},
          {"auth_methods", auth_methods},
          {"supports_auto_configuration", spec.supports_auto_configuration},
          {"local", spec.local},
          {"remote", spec.remote}};
}

}  // namespace latchkey
