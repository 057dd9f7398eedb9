// LocalBackend: stack components, their links to connectors, and stacks.
#include <fmt/format.h>

#include "common/strings.h"
#include "core/connector_ops.h"
#include "core/input_limits.h"
#include "core/registry.h"
#include "crypto/random.h"
#include "service/local_backend.h"
#include "stack/flavors.h"

namespace latchkey {

struct LocalBackend::ComponentLink {
  std::string connector_id;
  std::string resource_id;
  ResourcesReport report;
};

namespace {

std::string Describe(StackComponent const& c) {
  return fmt::format("{} '{}'", ComponentTypeTitle(c.type), c.name);
}

// Names and values as every user-chosen input is bounded (core/input_limits.h).
Result<void> CheckComponentInput(std::string const& name,
                                 std::map<std::string, std::string> const& configuration) {
  if (auto r = CheckName("component name", name); !r) return r;
  for (auto const& [k, v] : configuration) {
    if (auto r = CheckName("component attribute name", k); !r) return r;
    if (auto r = CheckValueSize("a component attribute", v.size()); !r) return r;
  }
  return {};
}

}  // namespace

Result<void> LocalBackend::RefuseWhileUsed(Connector const& c, std::string const& action) {
  ComponentFilter filter;
  filter.connector_id = c.id;
  auto users = store().ListComponents(filter);
  if (!users) return tl::unexpected(users.error());
  if (users->empty()) return {};
  std::vector<std::string> names;
  for (auto const& u : *users) names.push_back(Describe(u));
  return Fail(ErrorCode::kFailedPrecondition,
              fmt::format("cannot {} service connector '{}': it is used by {} (disconnect them "
                          "first)",
                          action, c.name, Join(names, ", ")));
}

Result<StackComponent> LocalBackend::LoadComponent(ComponentType type,
                                                   std::string const& name_or_id, Access access) {
  auto c = store().FindComponent(type, name_or_id, names());
  if (!c) return c;
  std::string what = ComponentTypeTitle(type);
  if (auto r = Authorize(principal_, c->owner, false, access, what.c_str(), name_or_id); !r) {
    return tl::unexpected(r.error());
  }
  return c;
}

Result<LocalBackend::ComponentLink> LocalBackend::ResolveLink(StackComponent const& component,
                                                              std::string const& connector,
                                                              OptString const& resource_id) {
  auto flavor = RequireFlavor(component.type, component.flavor);
  if (!flavor) return tl::unexpected(flavor.error());
  if (!(*flavor)->requirement) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("the {} flavor '{}' does not use service connectors",
                            ComponentTypeTitle(component.type), component.flavor));
  }
  ConnectorRequirement const& req = *(*flavor)->requirement;
  auto c = Load(connector, Access::kUse, true);
  if (!c) return tl::unexpected(c.error());
  if (!SatisfiesRequirement(req, c->connector_type, c->resource_types)) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("service connector '{}' ({} connector for {}) cannot serve the {} "
                            "flavor '{}', which requires a '{}' resource{}",
                            c->name, c->connector_type, Join(c->resource_types, ", "),
                            ComponentTypeTitle(component.type), component.flavor, req.resource_type,
                            req.connector_type ? " of a '" + *req.connector_type + "' connector"
                                               : std::string()));
  }
  OptString rid = ResourceIdFromConfiguration(**flavor, component.configuration);
  if (rid && resource_id && *rid != *resource_id) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("the {}'s {} names '{}', not '{}': leave out --resource-id or change "
                    "the component",
                    ComponentTypeTitle(component.type), *req.resource_id_attr, *rid, *resource_id));
  }
  if (!rid) rid = resource_id;
  if (!rid) rid = c->resource_id;
  auto type = RequireConnectorType(c->connector_type);
  if (!type) return tl::unexpected(type.error());
  Context ctx = MakeContext();
  ResourcesReport report = latchkey::VerifyConnector(ctx, **type, *c, req.resource_type, rid, true);
  auto unreachable = [&](std::string const& why) {
    return Fail(ErrorCode::kFailedPrecondition,
                fmt::format("service connector '{}' cannot reach {} '{}': {}", c->name,
                            req.resource_type, rid.value_or("<any>"), why));
  };
  if (report.error) return unreachable(*report.error);
  TypedResources const* found = nullptr;
  for (auto const& r : report.resources) {
    if (r.resource_type == req.resource_type) found = &r;
  }
  if (!found) return unreachable("the connector does not serve this resource type");
  if (found->error) return unreachable(*found->error);
  if (!found->resource_ids || found->resource_ids->empty()) {
    return unreachable("no such resource is accessible");
  }
  if (found->resource_ids->size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("service connector '{}' reaches several {} resources ({}): choose one "
                            "with --resource-id",
                            c->name, req.resource_type, Join(*found->resource_ids, ", ")));
  }
  // Only the linked resource is reported back.
  report.resources = {*found};
  return ComponentLink{c->id, found->resource_ids->front(), std::move(report)};
}

Result<ConnectedComponent> LocalBackend::RegisterComponent(ComponentRequest request) {
  if (request.name_or_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a component name is required");
  }
  if (auto r = CheckComponentInput(request.name_or_id, request.configuration); !r) {
    return tl::unexpected(r.error());
  }
  auto flavor = RequireFlavor(request.type, request.flavor);
  if (!flavor) return tl::unexpected(flavor.error());
  if (auto r = ValidateConfiguration(**flavor, request.configuration); !r) {
    return tl::unexpected(r.error());
  }
  StackComponent c;
  c.id = crypto::NewTimeOrderedUuid();
  c.name = request.name_or_id;
  c.type = request.type;
  c.flavor = request.flavor;
  c.configuration = request.configuration;
  c.owner = principal_.name;
  c.created = c.updated = Now();
  ConnectedComponent out;
  auto existing = store().FindComponent(c.type, c.name, NameScope{principal_.name, false});
  if (existing && existing->name == c.name && existing->owner == principal_.name) {
    return Fail(ErrorCode::kAlreadyExists, fmt::format("{} named '{}' already exists",
                                                       ComponentTypeWithArticle(c.type), c.name));
  }
  if (request.connector) {
    auto link = ResolveLink(c, *request.connector, request.resource_id);
    if (!link) return tl::unexpected(link.error());
    c.connector_id = link->connector_id;
    c.connector_resource_id = link->resource_id;
    out.resources = std::move(link->report);
  } else if (request.resource_id) {
    return Fail(ErrorCode::kInvalidArgument, "--resource-id needs --connector");
  }
  if (auto r = store().CreateComponent(c); !r) return tl::unexpected(r.error());
  out.component = std::move(c);
  return out;
}

Result<Page<StackComponent>> LocalBackend::PageComponents(ComponentType type, ListQuery query) {
  if (auto r = EnsureDefaultStack(); !r) return tl::unexpected(r.error());
  query.visible_to.reset();
  if (!principal_.admin) query.visible_to = principal_.name;
  return store().PageComponents(type, query);
}

Result<StackComponent> LocalBackend::GetComponent(ComponentType type,
                                                  std::string const& name_or_id) {
  if (auto r = EnsureDefaultStack(); !r) return tl::unexpected(r.error());
  return LoadComponent(type, name_or_id, Access::kRead);
}

Result<StackComponent> LocalBackend::UpdateComponent(ComponentRequest request) {
  auto current = LoadComponent(request.type, request.name_or_id, Access::kUpdate);
  if (!current) return current;
  StackComponent c = *current;
  auto flavor = RequireFlavor(c.type, c.flavor);
  if (!flavor) return tl::unexpected(flavor.error());
  if (auto r = CheckComponentInput(request.new_name.value_or(c.name), request.configuration); !r) {
    return tl::unexpected(r.error());
  }
  if (request.new_name) c.name = *request.new_name;
  for (auto const& [k, v] : request.configuration) c.configuration[k] = v;
  for (auto const& attr : request.remove_attrs) {
    if (!c.configuration.erase(attr)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} has no attribute '{}' to remove", Describe(c), attr));
    }
  }
  if (auto r = ValidateConfiguration(**flavor, c.configuration); !r) {
    return tl::unexpected(r.error());
  }
  // A link names one resource: when the configuration now names another, the connector must be
  // able to reach that one too.
  if (c.connector_id && ResourceIdFromConfiguration(**flavor, c.configuration) !=
                            ResourceIdFromConfiguration(**flavor, current->configuration)) {
    auto link = ResolveLink(c, *c.connector_id, std::nullopt);
    if (!link) return tl::unexpected(link.error());
    c.connector_resource_id = link->resource_id;
  }
  c.updated = Now();
  if (auto r = store().UpdateComponent(c); !r) return tl::unexpected(r.error());
  return c;
}

Result<void> LocalBackend::DeleteComponent(ComponentType type, std::string const& name_or_id) {
  auto c = LoadComponent(type, name_or_id, Access::kDelete);
  if (!c) return tl::unexpected(c.error());
  if (auto r = store().DeleteComponent(c->id); !r) {
    return Fail(r.error(), "cannot delete " + Describe(*c));
  }
  return {};
}

Result<ConnectedComponent> LocalBackend::ConnectComponent(ConnectRequest request) {
  auto c = LoadComponent(request.type, request.component, Access::kUpdate);
  if (!c) return tl::unexpected(c.error());
  auto link = ResolveLink(*c, request.connector, request.resource_id);
  if (!link) return tl::unexpected(link.error());
  c->connector_id = link->connector_id;
  c->connector_resource_id = link->resource_id;
  c->updated = Now();
  if (auto r = store().UpdateComponent(*c); !r) return tl::unexpected(r.error());
  return ConnectedComponent{std::move(*c), std::move(link->report)};
}

Result<StackComponent> LocalBackend::DisconnectComponent(ComponentType type,
                                                         std::string const& name_or_id) {
  auto c = LoadComponent(type, name_or_id, Access::kUpdate);
  if (!c) return c;
  if (!c->connector_id) {
    return Fail(ErrorCode::kFailedPrecondition,
                Describe(*c) + " is not connected to a service connector");
  }
  c->connector_id.reset();
  c->connector_resource_id.reset();
  c->updated = Now();
  if (auto r = store().UpdateComponent(*c); !r) return tl::unexpected(r.error());
  return c;
}

Result<Stack> LocalBackend::RegisterStack(StackRequest request) {
  if (request.name.empty()) return Fail(ErrorCode::kInvalidArgument, "a stack name is required");
  if (auto r = CheckName("stack name", request.name); !r) return tl::unexpected(r.error());
  if (!request.components.contains(ComponentType::kArtifactStore)) {
    return Fail(ErrorCode::kInvalidArgument, "a stack needs an artifact store (-a NAME)");
  }
  // Before the new stack exists, so that `-o default` finds the default orchestrator.
  if (auto r = EnsureDefaultStack(); !r) return tl::unexpected(r.error());
  Stack s;
  s.id = crypto::NewTimeOrderedUuid();
  s.name = request.name;
  s.owner = principal_.name;
  s.created = s.updated = Now();
  for (auto const& [type, name] : request.components) {
    auto c = LoadComponent(type, name, Access::kRead);
    if (!c) return tl::unexpected(c.error());
    s.components[type] = std::move(*c);
  }
  if (auto r = store().CreateStack(s); !r) return tl::unexpected(r.error());
  if (request.set_active) {
    if (auto r = store().SetActiveStack(principal_.name, s.id); !r) {
      return tl::unexpected(r.error());
    }
  }
  return s;
}

Result<Page<Stack>> LocalBackend::PageStacks(ListQuery query) {
  if (auto r = EnsureDefaultStack(); !r) return tl::unexpected(r.error());
  query.visible_to.reset();
  if (!principal_.admin) query.visible_to = principal_.name;
  return store().PageStacks(query);
}

Result<Stack> LocalBackend::GetStack(std::string const& name_or_id) {
  if (auto r = EnsureDefaultStack(); !r) return tl::unexpected(r.error());
  auto s = store().FindStack(name_or_id, names());
  if (!s) return s;
  if (auto r = Authorize(principal_, s->owner, false, Access::kRead, "stack", name_or_id); !r) {
    return tl::unexpected(r.error());
  }
  return s;
}

Result<Stack> LocalBackend::UpdateStack(std::string const& name_or_id, StackUpdate update) {
  auto s = store().FindStack(name_or_id, names());
  if (!s) return s;
  if (auto r = Authorize(principal_, s->owner, false, Access::kUpdate, "stack", name_or_id); !r) {
    return tl::unexpected(r.error());
  }
  for (auto const& [type, name] : update.components) {
    if (!name) {
      if (type == ComponentType::kArtifactStore) {
        return Fail(ErrorCode::kInvalidArgument, "a stack cannot lose its artifact store");
      }
      s->components.erase(type);
      continue;
    }
    auto c = LoadComponent(type, *name, Access::kRead);
    if (!c) return tl::unexpected(c.error());
    s->components[type] = std::move(*c);
  }
  s->updated = Now();
  if (auto r = store().UpdateStack(*s); !r) return tl::unexpected(r.error());
  return s;
}

Result<void> LocalBackend::DeleteStack(std::string const& name_or_id) {
  auto s = GetStack(name_or_id);
  if (!s) return tl::unexpected(s.error());
  auto active = store().ActiveStackId(principal_.name);
  if (!active) return tl::unexpected(active.error());
  if (*active == s->id) {
    return Fail(ErrorCode::kFailedPrecondition,
                "stack '" + s->name + "' is your active stack: set another one first");
  }
  return store().DeleteStack(s->id);
}

Result<Stack> LocalBackend::SetActiveStack(std::string const& name_or_id) {
  auto s = GetStack(name_or_id);
  if (!s) return s;
  if (auto r = store().SetActiveStack(principal_.name, s->id); !r) {
    return tl::unexpected(r.error());
  }
  return s;
}

Result<std::optional<Stack>> LocalBackend::GetActiveStack() {
  auto id = store().ActiveStackId(principal_.name);
  if (!id) return tl::unexpected(id.error());
  if (!*id) return std::optional<Stack>{};
  auto s = store().FindStack(**id);
  if (!s) return tl::unexpected(s.error());
  return std::optional<Stack>(std::move(*s));
}

}  // namespace latchkey
