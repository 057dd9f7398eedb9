#include "cli/stack_render.h"

#include <fmt/format.h>

#include <set>

#include "cli/text_table.h"
#include "common/inert_text.h"
#include "common/strings.h"
#include "service/backend.h"

namespace latchkey::cli {
namespace {

std::string ActiveMark(bool active) { return active ? "👉" : ""; }

std::string ConnectorCell(StackComponent const& c, ConnectorNames const& names) {
  if (!c.connector_id) return "";
  auto it = names.find(*c.connector_id);
  return it != names.end() ? it->second : *c.connector_id;
}

bool InStack(std::optional<Stack> const& stack, StackComponent const& c) {
  if (!stack) return false;
  auto it = stack->components.find(c.type);
  return it != stack->components.end() && it->second.id == c.id;
}

std::string WithTitle(std::string const& title, std::string const& rendered) {
  return Centered(title, DisplayWidth(Split(rendered, '\n')[0])) + "\n" + rendered;
}

}  // namespace

ConnectorNames ConnectorNamesOf(Backend& backend,
                                std::vector<StackComponent const*> const& linked) {
  std::set<std::string> ids;
  for (auto const* c : linked) {
    if (c->connector_id) ids.insert(*c->connector_id);
  }
  ConnectorNames names;
  if (ids.empty()) return names;
  ListQuery q;
  q.fields.push_back(FieldFilter{"id", FilterOp::kOneOf, {ids.begin(), ids.end()}});
  q.size = kMaxPageSize;
  for (q.page = 1;; ++q.page) {  // more than one page only past 1,000 components
    auto page = backend.PageConnectors(q);
    if (!page) break;
    for (auto const& c : page->items) names[c.id] = c.name;
    if (q.page >= page->total_pages()) break;
  }
  return names;
}

ConnectorNames ConnectorNamesOf(Backend& backend, std::vector<StackComponent> const& components) {
  std::vector<StackComponent const*> linked;
  for (auto const& c : components) linked.push_back(&c);
  return ConnectorNamesOf(backend, linked);
}

ConnectorNames ConnectorNamesOf(Backend& backend, Stack const& stack) {
  std::vector<StackComponent const*> linked;
  for (auto const& [type, c] : stack.components) linked.push_back(&c);
  return ConnectorNamesOf(backend, linked);
}

std::string RenderFlavorList(std::vector<Flavor const*> const& flavors) {
  TextTable table({"FLAVOR", "CONNECTOR RESOURCE", "DESCRIPTION"});
  for (auto const* f : flavors) {
    std::string resource = "➖";
    if (f->requirement) {
      resource = f->requirement->resource_type;
      if (f->requirement->connector_type) resource += " (" + *f->requirement->connector_type + ")";
    }
    table.AddRow({f->name, resource, f->description});
  }
  return table.Render();
}

std::string RenderComponentList(std::vector<StackComponent> const& components,
                                std::optional<Stack> const& active, ConnectorNames const& names) {
  TextTable table({"ACTIVE", "NAME", "COMPONENT ID", "FLAVOR", "CONNECTOR", "RESOURCE", "OWNER"});
  for (auto const& c : components) {
    table.AddRow({ActiveMark(InStack(active, c)), c.name, c.id, c.flavor, ConnectorCell(c, names),
                  c.connector_resource_id.value_or(""), c.owner});
  }
  return table.Render();
}

std::string RenderComponentDetails(StackComponent const& c, ConnectorNames const& names) {
  std::string out =
      InertText(fmt::format("{} '{}' of flavor '{}' with id '{}' is owned by user '{}'.",
                            ComponentTypeTitle(c.type), c.name, c.flavor, c.id, c.owner)) +
      "\n";
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  TextTable props({"PROPERTY", "VALUE"});
  props.set_row_lines(false);
  props.AddRow({"ID", c.id});
  props.AddRow({"NAME", c.name});
  props.AddRow({"TYPE", ComponentTypeName(c.type)});
  props.AddRow({"FLAVOR", c.flavor});
  props.AddRow({"CONNECTOR", ConnectorCell(c, names)});
  props.AddRow({"CONNECTOR ID", c.connector_id.value_or("")});
  props.AddRow({"RESOURCE", c.connector_resource_id.value_or("")});
  props.AddRow({"OWNER", c.owner});
  props.AddRow({"CREATED_AT", FormatDisplayTime(c.created)});
  props.AddRow({"UPDATED_AT", FormatDisplayTime(c.updated)});
  out +=
      WithTitle(fmt::format("'{}' {} Details", c.name, ComponentTypeName(c.type)), props.Render());
  if (!c.configuration.empty()) {
    TextTable config({"ATTRIBUTE", "VALUE"});
    config.set_row_lines(false);
    // Secret attributes hold references, never values, so they are shown as they are.
    for (auto const& [k, v] : c.configuration) config.AddRow({k, v});
    out += WithTitle("Configuration", config.Render());
  }
  return out;
}

std::string RenderStackList(std::vector<Stack> const& stacks, std::optional<Stack> const& active) {
  std::vector<std::string> headers = {"ACTIVE", "STACK NAME", "STACK ID", "OWNER"};
  for (ComponentType t : kComponentTypes) headers.push_back(ToUpper(ComponentTypeName(t)));
  TextTable table(headers);
  for (auto const& s : stacks) {
    std::vector<std::string> row = {ActiveMark(active && active->id == s.id), s.name, s.id,
                                    s.owner};
    for (ComponentType t : kComponentTypes) {
      auto it = s.components.find(t);
      row.push_back(it != s.components.end() ? it->second.name : "");
    }
    table.AddRow(row);
  }
  return table.Render();
}

std::string RenderStackDetails(Stack const& s, bool active, ConnectorNames const& names) {
  TextTable table({"COMPONENT_TYPE", "COMPONENT_NAME", "FLAVOR", "CONNECTOR", "RESOURCE"});
  for (auto const& [type, c] : s.components) {
    table.AddRow({ToUpper(ComponentTypeName(type)), c.name, c.flavor, ConnectorCell(c, names),
                  c.connector_resource_id.value_or("")});
  }
  std::string out = WithTitle("Stack Configuration", table.Render());
  out += InertText(fmt::format("Stack '{}' with id '{}' is owned by user '{}'{}.", s.name, s.id,
                               s.owner, active ? " and is the active stack" : "")) +
         "\n";
  return out;
}

}  // namespace latchkey::cli
