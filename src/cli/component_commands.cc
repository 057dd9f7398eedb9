// `latchkey artifact-store | container-registry | orchestrator ...`: stack components, their
// flavors and their links to service connectors.
#include <iostream>

#include "cli/app.h"
#include "cli/extra_args.h"
#include "cli/list_options.h"
#include "cli/render.h"
#include "cli/stack_render.h"
#include "common/file_util.h"
#include "common/strings.h"
#include "core/input_limits.h"
#include "core/model_json.h"
#include "stack/flavors.h"
#include "stack/stack_json.h"

namespace latchkey::cli {
namespace {

struct ComponentArgs {
  std::string name;
  std::string new_name;
  std::string flavor;
  std::string connector;
  std::string resource_id;
  std::vector<std::string> remove_attrs;
  bool interactive = false;
};

void PrintComponent(CliState& state, StackComponent const& c, std::string const& message) {
  if (state.format() != OutputFormat::kTable) {
    PrintStructured(state.format(), ToJson(c));
  } else {
    std::cout << message << "\n";
  }
}

void PrintConnected(CliState& state, ConnectedComponent const& c, std::string const& verb) {
  if (state.format() != OutputFormat::kTable) {
    nlohmann::json out = ToJson(c.component);
    out["resources"] = c.resources ? ToJson(*c.resources) : nlohmann::json(nullptr);
    PrintStructured(state.format(), out);
    return;
  }
  std::string what = ComponentTypeTitle(c.component.type);
  if (!c.resources) {
    std::cout << "Successfully " << verb << " " << what << " `" << c.component.name << "`.\n";
    return;
  }
  std::cout << "Successfully " << verb << " " << what << " `" << c.component.name
            << "` and connected it to the following resources:\n";
  std::cout << RenderResourcesList({*c.resources});
}

std::optional<Stack> ActiveStack(Backend& backend) {
  auto active = backend.GetActiveStack();
  return active ? *active : std::nullopt;
}

// `connect -i`: shows the connectors that can serve the flavor, with their resources, and asks.
Result<ConnectRequest> AskConnection(Backend& backend, StackComponent const& component) {
  auto flavor = RequireFlavor(component.type, component.flavor);
  if (!flavor) return tl::unexpected(flavor.error());
  if (!(*flavor)->requirement) {
    return Fail(ErrorCode::kFailedPrecondition, "the " + ComponentTypeTitle(component.type) +
                                                    " flavor '" + component.flavor +
                                                    "' does not use service connectors");
  }
  auto const& req = *(*flavor)->requirement;
  ResourceQuery query;
  query.connector_type = req.connector_type;
  query.resource_type = req.resource_type;
  query.resource_id = ResourceIdFromConfiguration(**flavor, component.configuration);
  query.exclude_errors = true;
  auto reports = backend.ListResources(query);
  if (!reports) return tl::unexpected(reports.error());
  if (reports->empty()) {
    return Fail(ErrorCode::kNotFound,
                "no service connector can reach a '" + req.resource_type + "' resource" +
                    (query.resource_id ? " '" + *query.resource_id + "'" : std::string()) +
                    "; register one with `latchkey service-connector register -i`");
  }
  std::cerr << "The following connectors can serve " << ComponentTypeTitle(component.type) << " '"
            << component.name << "':\n"
            << RenderResourcesList(*reports);
  std::vector<std::string> names;
  for (auto const& r : *reports) names.push_back(r.name.value_or(r.id.value_or("")));
  ConnectRequest request{component.type, component.id, "", std::nullopt};
  std::string line;
  ResourcesReport const* chosen = nullptr;
  while (!chosen) {
    std::cerr << "Connector [" << Join(names, ", ") << "]: " << std::flush;
    auto answer = ReadBoundedLine(std::cin, kMaxNameBytes * 4, "the answer");
    if (!answer) return tl::unexpected(answer.error());
    if (!*answer)
      return Fail(ErrorCode::kInvalidArgument, "interactive input ended before a choice");
    line = Trim(**answer);
    for (auto const& r : *reports) {
      if (line == r.name.value_or("") || line == r.id.value_or("")) chosen = &r;
    }
  }
  request.connector = chosen->id.value_or(line);
  std::vector<std::string> ids;
  for (auto const& t : chosen->resources) {
    if (t.resource_type == req.resource_type && t.resource_ids) ids = *t.resource_ids;
  }
  if (!query.resource_id && ids.size() > 1) {
    while (true) {
      std::cerr << "Resource ID [" << Join(ids, ", ") << "]: " << std::flush;
      auto answer = ReadBoundedLine(std::cin, kMaxValueBytes, "the answer");
      if (!answer) return tl::unexpected(answer.error());
      if (!*answer) {
        return Fail(ErrorCode::kInvalidArgument, "interactive input ended before a choice");
      }
      line = Trim(**answer);
      if (std::find(ids.begin(), ids.end(), line) != ids.end()) break;
    }
    request.resource_id = line;
  }
  return request;
}

void AddFlavorCommands(CLI::App& group, CliState& state, ComponentType type) {
  auto* flavor = group.add_subcommand("flavor", "Flavors of this component type");
  flavor->require_subcommand(1);
  auto* list = flavor->add_subcommand("list", "List flavors and the resources they connect to");
  AddOutputOption(*list, state);
  OnRun(*list, state, [&state, type]() -> Result<void> {
    auto flavors = FlavorsOf(type);
    if (state.format() == OutputFormat::kTable) {
      std::cout << RenderFlavorList(flavors);
      return {};
    }
    nlohmann::json out = nlohmann::json::array();
    for (auto const* f : flavors) {
      out.push_back(
          {{"name", f->name},
           {"type", ComponentTypeName(type)},
           {"resource_type", f->requirement ? nlohmann::json(f->requirement->resource_type)
                                            : nlohmann::json(nullptr)}});
    }
    PrintStructured(state.format(), out);
    return {};
  });
  auto name = std::make_shared<std::string>();
  auto* describe = flavor->add_subcommand("describe", "Describe a flavor");
  describe->add_option("flavor", *name, "Flavor name")->required();
  OnRun(*describe, state, [type, name]() -> Result<void> {
    auto f = RequireFlavor(type, *name);
    if (!f) return tl::unexpected(f.error());
    std::cout << DescribeFlavor(**f);
    return {};
  });
}

void AddGroup(CLI::App& app, CliState& state, ComponentType type) {
  std::string one = ComponentTypeWithArticle(type);
  auto* group =
      app.add_subcommand(ComponentTypeCommand(type), "Manage " + ComponentTypePlural(type));
  group->require_subcommand(1);
  AddFlavorCommands(*group, state, type);

  auto reg = std::make_shared<ComponentArgs>();
  auto* r = group->add_subcommand("register", "Register " + one);
  r->add_option("name", reg->name, "Component name")->required();
  r->add_option("-f,--flavor", reg->flavor, "Flavor (see `flavor list`)")->required();
  r->add_option("-c,--connector", reg->connector, "Connect to this service connector");
  r->add_option("-r,--resource-id", reg->resource_id, "Resource to connect to");
  r->allow_extras();
  AddOutputOption(*r, state);
  OnRun(*r, state, [&state, reg, r, type]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto values = ParseAttributeArgs(r->remaining());
    if (!values) return tl::unexpected(values.error());
    ComponentRequest request{type,    reg->name, std::nullopt,        reg->flavor,
                             *values, {},        Opt(reg->connector), Opt(reg->resource_id)};
    auto saved = (*backend)->RegisterComponent(std::move(request));
    if (!saved) return tl::unexpected(saved.error());
    PrintConnected(state, *saved, "registered");
    return {};
  });

  auto upd = std::make_shared<ComponentArgs>();
  auto* u = group->add_subcommand("update", "Update " + one + " (attributes merge)");
  u->add_option("name", upd->name, "Component name or ID")->required();
  u->add_option("--name", upd->new_name, "New name");
  u->add_option("--remove-attr", upd->remove_attrs, "Remove an attribute");
  u->allow_extras();
  AddOutputOption(*u, state);
  OnRun(*u, state, [&state, upd, u, type]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto values = ParseAttributeArgs(u->remaining());
    if (!values) return tl::unexpected(values.error());
    ComponentRequest request{type,    upd->name,         Opt(upd->new_name), "",
                             *values, upd->remove_attrs, std::nullopt,       std::nullopt};
    auto c = (*backend)->UpdateComponent(std::move(request));
    if (!c) return tl::unexpected(c.error());
    PrintComponent(state, *c,
                   "Successfully updated " + ComponentTypeTitle(type) + " `" + c->name + "`.");
    return {};
  });

  auto filter = std::make_shared<ListOptions>();
  auto* l = group->add_subcommand("list", "List " + ComponentTypePlural(type));
  AddListOptions(*l, *filter, ComponentFields(), {}, false);
  AddOutputOption(*l, state);
  OnRun(*l, state, [&state, type, filter]() -> Result<void> {
    auto query = ToListQuery(*filter, ComponentFields(), "name");
    if (!query) return tl::unexpected(query.error());
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto page = FetchPages<StackComponent>(*filter, std::move(*query), [&](ListQuery const& q) {
      return (*backend)->PageComponents(type, q);
    });
    if (!page) return tl::unexpected(page.error());
    auto const* items = &page->items;
    if (state.format() != OutputFormat::kTable) {
      nlohmann::json out = nlohmann::json::array();
      for (auto const& c : *items) out.push_back(ToJson(c));
      PrintStructured(state.format(), out);
    } else if (items->empty()) {
      std::cout << "No " << ComponentTypePlural(type) << " found.\n";
    } else {
      std::cout << RenderComponentList(*items, ActiveStack(**backend),
                                       ConnectorNamesOf(**backend, *items));
    }
    if (state.format() == OutputFormat::kTable) {
      std::cout << PageFooter(page->index, page->total_pages(), page->total,
                              ComponentTypePlural(type).c_str());
    }
    return {};
  });

  auto name = std::make_shared<std::string>();
  auto* d = group->add_subcommand("describe", "Show " + one);
  d->add_option("name", *name, "Component name or ID")->required();
  AddOutputOption(*d, state);
  OnRun(*d, state, [&state, name, type]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto c = (*backend)->GetComponent(type, *name);
    if (!c) return tl::unexpected(c.error());
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), ToJson(*c));
    } else {
      std::cout << RenderComponentDetails(
          *c, ConnectorNamesOf(**backend, std::vector<StackComponent const*>{&*c}));
    }
    return {};
  });

  auto* x = group->add_subcommand("delete", "Delete " + one);
  x->add_option("name", *name, "Component name or ID")->required();
  x->add_flag("-y,--yes")->description("Do not ask for confirmation (there is none)");
  AddOutputOption(*x, state);
  OnRun(*x, state, [&state, name, type]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto c = (*backend)->GetComponent(type, *name);
    if (!c) return tl::unexpected(c.error());
    if (auto r = (*backend)->DeleteComponent(type, c->id); !r) return r;
    if (state.format() != OutputFormat::kTable) {
      PrintStructured(state.format(), {{"id", c->id}, {"name", c->name}, {"deleted", true}});
    } else {
      std::cout << "Deleted " << ComponentTypeTitle(type) << " `" << c->name << "`.\n";
    }
    return {};
  });

  auto con = std::make_shared<ComponentArgs>();
  auto* c = group->add_subcommand("connect", "Link " + one + " to a service connector");
  c->add_option("name", con->name, "Component name or ID")->required();
  auto* connector = c->add_option("-c,--connector", con->connector, "Service connector");
  c->add_option("-r,--resource-id", con->resource_id,
                "Resource (default: from the component's configuration, or the connector's)");
  c->add_flag("-i,--interactive", con->interactive,
              "Choose among the connectors that can serve this component")
      ->excludes(connector);
  AddOutputOption(*c, state);
  OnRun(*c, state, [&state, con, type]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    ConnectRequest request{type, con->name, con->connector, Opt(con->resource_id)};
    if (con->interactive) {
      auto component = (*backend)->GetComponent(type, con->name);
      if (!component) return tl::unexpected(component.error());
      auto asked = AskConnection(**backend, *component);
      if (!asked) return tl::unexpected(asked.error());
      request = std::move(*asked);
    } else if (con->connector.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "give --connector CONNECTOR (or -i to choose)");
    }
    auto connected = (*backend)->ConnectComponent(std::move(request));
    if (!connected) return tl::unexpected(connected.error());
    if (state.format() != OutputFormat::kTable) {
      PrintConnected(state, *connected, "connected");
    } else {
      std::cout << "Successfully connected " << ComponentTypeTitle(type) << " `"
                << connected->component.name << "` to the following resources:\n";
      if (connected->resources) std::cout << RenderResourcesList({*connected->resources});
    }
    return {};
  });

  auto* dc = group->add_subcommand("disconnect", "Remove " + one + "'s connector link");
  dc->add_option("name", *name, "Component name or ID")->required();
  AddOutputOption(*dc, state);
  OnRun(*dc, state, [&state, name, type]() -> Result<void> {
    auto backend = state.backend();
    if (!backend) return tl::unexpected(backend.error());
    auto c = (*backend)->DisconnectComponent(type, *name);
    if (!c) return tl::unexpected(c.error());
    PrintComponent(state, *c,
                   "Successfully disconnected " + ComponentTypeTitle(type) + " `" + c->name + "`.");
    return {};
  });

  if (type == ComponentType::kArtifactStore) AddArtifactCommands(*group, state);
}

}  // namespace

void AddComponentCommands(CLI::App& app, CliState& state) {
  for (ComponentType type : kComponentTypes) AddGroup(app, state, type);
}

}  // namespace latchkey::cli
