#include "cli/render.h"

#include <fmt/format.h>

#include "cli/text_table.h"
#include "common/inert_text.h"
#include "common/strings.h"
#include "core/model_json.h"
#include "core/registry.h"

namespace latchkey::cli {
namespace {

std::string TypeWithEmoji(std::string const& connector_type) {
  auto const* t = FindConnectorType(connector_type);
  return t ? t->Spec().emoji + " " + connector_type : connector_type;
}

std::string Flag(bool v) { return v ? "✅" : "➖"; }

std::string ValueText(nlohmann::json const& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  return v.dump();
}

std::string ResourceCell(TypedResources const& r) {
  if (r.error) return "💥 error: " + *r.error;
  if (!r.resource_ids || r.resource_ids->empty()) return "🤷 none listed";
  return Join(*r.resource_ids, "\n");
}

std::string Bullets(std::vector<std::string> const& items, std::string const& prefix = "") {
  std::string out;
  for (auto const& i : items) out += " • " + prefix + i + "\n";
  return out;
}

std::string Banner(std::string const& text) { return "║ " + text + " ║\n"; }

// Upstream's marks for the SHARED column.
std::string SharedMark(bool shared) { return shared ? "✅" : "➖"; }

std::string SharedMark(Connector const& c) {
  return c.shared_read_only ? "read-only" : SharedMark(c.shared);
}

// describe's header word, upstream's 'private' / 'shared'; a connector others may only read
// says so, since they cannot use it.
std::string SharingWord(Connector const& c) {
  if (!c.shared) return "private";
  return c.shared_read_only ? "shared read-only" : "shared";
}

}  // namespace

std::string DisplayTimeText(std::string const& timestamp) {
  auto t = ParseTimestamp(timestamp);
  return t ? FormatDisplayTime(*t) : timestamp;
}

std::string WithEmoji(std::string const& resource_type) {
  for (auto const& t : AllConnectorTypes()) {
    if (auto const* r = t->Spec().FindResourceType(resource_type))
      return r->emoji + " " + resource_type;
  }
  return resource_type;
}

std::string RenderConnectorTypes(std::vector<ConnectorTypeSpec const*> const& types) {
  TextTable table({"NAME", "TYPE", "RESOURCE TYPES", "AUTH METHODS", "LOCAL", "REMOTE"});
  for (auto const* t : types) {
    std::vector<std::string> rts;
    for (auto const& r : t->resource_types) rts.push_back(r.emoji + " " + r.resource_type);
    table.AddRow({t->name, t->emoji + " " + t->connector_type, Join(rts, "\n"),
                  Join(t->AuthMethodNames(), "\n"), Flag(t->local), Flag(t->remote)});
  }
  return table.Render();
}

std::string DescribeConnectorType(ConnectorTypeSpec const& spec) {
  std::string out =
      Banner(fmt::format("{} {} (connector type: {})", spec.emoji, spec.name, spec.connector_type));
  out += "Authentication methods:\n" + Bullets(spec.AuthMethodNames(), "🔒 ");
  std::vector<std::string> rts;
  for (auto const& r : spec.resource_types) rts.push_back(r.emoji + " " + r.resource_type);
  out += "Resource types:\n" + Bullets(rts);
  out += fmt::format("Supports auto-configuration: {}\n",
                     spec.supports_auto_configuration ? "True" : "False");
  out += fmt::format("Available locally: {}\n", spec.local ? "True" : "False");
  out += fmt::format("Available remotely: {}\n", spec.remote ? "True" : "False");
  out += spec.description + "\n";
  return out;
}

std::string DescribeResourceType(ConnectorTypeSpec const&, ResourceTypeSpec const& rt) {
  std::string out =
      Banner(fmt::format("{} {} (resource type: {})", rt.emoji, rt.name, rt.resource_type));
  out += "Authentication methods: " + Join(rt.auth_methods, ", ") + "\n";
  out += fmt::format("Supports resource instances: {}\n", rt.supports_instances ? "True" : "False");
  out += "Authentication methods:\n" + Bullets(rt.auth_methods, "🔒 ");
  out += rt.description + "\n";
  if (!rt.id_forms.empty()) {
    out +=
        "If set, the resource name must identify a resource using one of the following "
        "formats:\n" +
        Bullets(rt.id_forms);
  }
  return out;
}

std::string DescribeAuthMethod(ConnectorTypeSpec const&, AuthMethodSpec const& auth) {
  std::string out = Banner(fmt::format("🔒 {} (auth method: {})", auth.name, auth.auth_method));
  out += fmt::format("Supports issuing temporary credentials: {}\n",
                     auth.SupportsTemporaryCredentials() ? "True" : "False");
  if (auth.SupportsTemporaryCredentials()) {
    auto secs = [](std::optional<int64_t> v) { return v ? fmt::format("{}s", *v) : "N/A"; };
    out += fmt::format("Expiration: minimum {}, default {}, maximum {}\n",
                       secs(auth.min_expiration_seconds), secs(auth.default_expiration_seconds),
                       secs(auth.max_expiration_seconds));
  }
  out += auth.description + "\n";
  out += "Attributes:\n";
  for (auto const& f : auth.fields) {
    std::string attrs = FieldTypeName(f.type);
    if (f.secret) attrs += ", secret";
    attrs += f.required ? ", required" : ", optional";
    if (f.default_value) attrs += ", default: " + *f.default_value;
    out += fmt::format(" • {} {{{}}}: {}\n", f.name, attrs, f.title);
  }
  return out;
}

std::string RenderConnectorList(std::vector<Connector> const& connectors, TimePoint now,
                                std::set<std::string> const& active) {
  TextTable table({"ACTIVE", "NAME", "ID", "TYPE", "RESOURCE TYPES", "RESOURCE NAME", "SHARED",
                   "OWNER", "EXPIRES IN", "LABELS"});
  for (auto const& c : connectors) {
    std::vector<std::string> rts, labels;
    for (auto const& rt : c.resource_types) rts.push_back(WithEmoji(rt));
    // One line per label in the cell: each made inert here, so a newline in a value cannot
    // pass for another label.
    for (auto const& [k, v] : c.labels) labels.push_back(InertText(k + ":" + v));
    table.AddRow({active.contains(c.id) ? "👉" : "", c.name, c.id, TypeWithEmoji(c.connector_type),
                  Join(rts, "\n"), c.resource_id.value_or("<multiple>"), SharedMark(c), c.owner,
                  ExpiresInText(c, now), Join(labels, "\n")});
  }
  return table.Render();
}

std::string RenderConnectorDetails(Connector const& c, TimePoint now, bool show_secrets) {
  std::vector<std::string> rts;
  for (auto const& rt : c.resource_types) rts.push_back(WithEmoji(rt));
  std::string out =
      InertText(fmt::format(
          "Service connector '{}' of type '{}' with id '{}' is owned by user '{}' and is '{}'.",
          c.name, c.connector_type, c.id, c.owner, SharingWord(c))) +
      "\n";
  TextTable props({"PROPERTY", "VALUE"});
  props.set_row_lines(false);
  props.AddRow({"ID", c.id});
  props.AddRow({"NAME", c.name});
  // Free text: one line, with any newline shown as \x0a like every other control character.
  if (!c.description.empty()) props.AddRow({"DESCRIPTION", InertText(c.description)});
  props.AddRow({"TYPE", TypeWithEmoji(c.connector_type)});
  props.AddRow({"AUTH METHOD", c.auth_method});
  props.AddRow({"RESOURCE TYPES", Join(rts, ", ")});
  props.AddRow({"RESOURCE NAME", c.resource_id.value_or("<multiple>")});
  props.AddRow({"SECRET ID", c.secret_id.value_or("")});
  props.AddRow({"SESSION DURATION",
                c.expiration_seconds ? fmt::format("{}s", *c.expiration_seconds) : "N/A"});
  props.AddRow({"EXPIRES IN", ExpiresInText(c, now)});
  props.AddRow({"EXPIRES_SKEW_TOLERANCE",
                c.expires_skew_tolerance ? fmt::format("{}s", *c.expires_skew_tolerance) : "N/A"});
  props.AddRow({"OWNER", c.owner});
  props.AddRow({"SHARED", SharedMark(c)});
  props.AddRow({"CREATED_AT", FormatDisplayTime(c.created)});
  props.AddRow({"UPDATED_AT", FormatDisplayTime(c.updated)});
  std::string title = fmt::format("'{}' {} Service Connector Details", c.name, c.connector_type);
  std::string rendered = props.Render();
  size_t width = DisplayWidth(Split(rendered, '\n')[0]);
  out += Centered(title, width) + "\n" + rendered;

  TextTable config({"PROPERTY", "VALUE"});
  config.set_row_lines(false);
  for (auto const& [k, v] : c.configuration.items()) config.AddRow({k, ValueText(v)});
  for (auto const& [k, v] : c.secrets) config.AddRow({k, show_secrets ? v : kHidden});
  if (!config.empty()) {
    std::string cfg = config.Render();
    out += Centered("Configuration", DisplayWidth(Split(cfg, '\n')[0])) + "\n" + cfg;
  }
  if (!c.labels.empty()) {
    TextTable labels({"LABEL", "VALUE"});
    for (auto const& [k, v] : c.labels) labels.AddRow({k, v});
    std::string lbl = labels.Render();
    out += Centered("Labels", DisplayWidth(Split(lbl, '\n')[0])) + "\n" + lbl;
  }
  return out;
}

std::string RenderResources(ResourcesReport const& report) {
  TextTable table({"RESOURCE TYPE", "RESOURCE NAMES"});
  for (auto const& r : report.resources)
    table.AddRow({WithEmoji(r.resource_type), ResourceCell(r)});
  return table.Render();
}

std::string RenderResourcesList(std::vector<ResourcesReport> const& reports) {
  TextTable table(
      {"CONNECTOR ID", "CONNECTOR NAME", "CONNECTOR TYPE", "RESOURCE TYPE", "RESOURCE NAMES"});
  for (auto const& report : reports) {
    std::vector<std::string> connector = {report.id.value_or(""), report.name.value_or(""),
                                          TypeWithEmoji(report.connector_type)};
    if (report.resources.empty()) {
      connector.push_back("");
      connector.push_back(report.error ? "💥 error: " + InertText(*report.error) : "");
      table.AddRow(connector);
      continue;
    }
    // One row per resource type, the connector named on the first: each type's names stay on
    // its line however they wrap.
    for (size_t i = 0; i < report.resources.size(); ++i) {
      auto const& r = report.resources[i];
      std::vector<std::string> cells = i == 0 ? connector : std::vector<std::string>{"", "", ""};
      cells.push_back(WithEmoji(r.resource_type));
      cells.push_back(ResourceCell(r));
      if (i == 0) {
        table.AddRow(std::move(cells));
      } else {
        table.AddContinuationRow(std::move(cells));
      }
    }
  }
  return table.Render();
}

std::string RenderSecretList(std::vector<Secret> const& secrets) {
  TextTable table({"NAME", "ID", "KEYS", "SHARED", "OWNER"});
  for (auto const& s : secrets) {
    std::vector<std::string> keys;
    for (auto const& [k, v] : s.values) keys.push_back(InertText(k));
    table.AddRow({s.name, s.id, Join(keys, "\n"), SharedMark(s.shared), s.owner});
  }
  return table.Render();
}

std::string RenderSecret(Secret const& s, bool show_values) {
  std::string out = InertText(fmt::format("Secret '{}' (id '{}'):", s.name, s.id)) + "\n";
  TextTable table({"SECRET_KEY", "SECRET_VALUE"});
  for (auto const& [k, v] : s.values) table.AddRow({k, show_values ? v : kHidden});
  return out + table.Render();
}

}  // namespace latchkey::cli
