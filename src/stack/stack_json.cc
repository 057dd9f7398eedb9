#include "stack/stack_json.h"

#include <fmt/format.h>

#include "core/model_json.h"

namespace latchkey {
namespace {

std::optional<std::string> OptionalStringAt(nlohmann::json const& j, char const* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

TimePoint TimeOf(nlohmann::json const& j, char const* key) {
  auto t = ParseTimestamp(j.at(key).get<std::string>());
  if (!t) throw nlohmann::json::other_error::create(501, std::string("bad time in ") + key, &j);
  return *t;
}

StackComponent ParseComponent(nlohmann::json const& j) {
  StackComponent c;
  c.id = j.at("id").get<std::string>();
  c.name = j.at("name").get<std::string>();
  auto type = ParseComponentType(j.at("type").get<std::string>());
  if (!type) throw nlohmann::json::other_error::create(501, type.error().message, &j);
  c.type = *type;
  c.flavor = j.at("flavor").get<std::string>();
  c.configuration = j.value("configuration", std::map<std::string, std::string>{});
  c.connector_id = OptionalStringAt(j, "connector_id");
  c.connector_resource_id = OptionalStringAt(j, "connector_resource_id");
  c.owner = j.value("owner", "");
  c.created = TimeOf(j, "created");
  c.updated = TimeOf(j, "updated");
  return c;
}

}  // namespace

nlohmann::json ToJson(StackComponent const& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"type", ComponentTypeName(c.type)},
          {"flavor", c.flavor},
          {"configuration", c.configuration},
          {"connector_id", OrNull(c.connector_id)},
          {"connector_resource_id", OrNull(c.connector_resource_id)},
          {"owner", c.owner},
          {"created", FormatIso8601(c.created)},
          {"updated", FormatIso8601(c.updated)}};
}

nlohmann::json ToJson(Stack const& s) {
  nlohmann::json components = nlohmann::json::object();
  for (auto const& [type, c] : s.components) components[ComponentTypeName(type)] = ToJson(c);
  return {{"id", s.id},
          {"name", s.name},
          {"components", components},
          {"owner", s.owner},
          {"created", FormatIso8601(s.created)},
          {"updated", FormatIso8601(s.updated)}};
}

Result<StackComponent> ComponentFromJson(nlohmann::json const& j) {
  return GuardJsonParse<StackComponent>("stack component", [&] { return ParseComponent(j); });
}

Result<Stack> StackFromJson(nlohmann::json const& j) {
  return GuardJsonParse<Stack>("stack", [&] {
    Stack s;
    s.id = j.at("id").get<std::string>();
    s.name = j.at("name").get<std::string>();
    s.owner = j.value("owner", "");
    s.created = TimeOf(j, "created");
    s.updated = TimeOf(j, "updated");
    for (auto const& [name, component] : j.at("components").items()) {
      StackComponent c = ParseComponent(component);
      s.components[c.type] = std::move(c);
    }
    return s;
  });
}

nlohmann::json ToJson(Flavor const& f) {
  nlohmann::json attributes = nlohmann::json::array();
  for (auto const& a : f.attributes) {
    attributes.push_back({{"name", a.name},
                          {"required", a.required},
                          {"secret", a.secret},
                          {"description", a.description}});
  }
  nlohmann::json requirement = nullptr;
  if (f.requirement) {
    auto optional = [](std::optional<std::string> const& v) {
      return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    requirement = {{"connector_type", optional(f.requirement->connector_type)},
                   {"resource_type", f.requirement->resource_type},
                   {"resource_id_attr", optional(f.requirement->resource_id_attr)}};
  }
  return {{"type", ComponentTypeName(f.type)},   {"name", f.name},
          {"config_class", f.config_class},      {"description", f.description},
          {"attributes", std::move(attributes)}, {"connector_requirement", std::move(requirement)}};
}

}  // namespace latchkey
