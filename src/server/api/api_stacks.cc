// /api/v1/stack_components/{type} and /api/v1/stacks: stack components, their links to
// connectors (verified here, on the server, with the connector's own credentials), stacks and
// the caller's active stack.
#include <fmt/format.h>

#include <set>

#include "core/model_json.h"
#include "server/api/api_common.h"
#include "server/api/api_lists.h"
#include "server/api/api_requests.h"
#include "stack/stack_json.h"

namespace latchkey::api {
namespace {

using server::HttpResponse;

// Bodies are parsed strictly, as every other route's: unknown fields and wrong types are named.
Result<void> OnlyFields(nlohmann::json const& body, std::set<std::string> const& allowed) {
  if (!body.is_object()) return Fail(ErrorCode::kInvalidArgument, "the body must be an object");
  for (auto const& [k, v] : body.items()) {
    if (!allowed.contains(k)) return Fail(ErrorCode::kInvalidArgument, "unknown field '" + k + "'");
  }
  return {};
}

Result<OptString> StringField(nlohmann::json const& body, char const* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return OptString{};
  if (!it->is_string()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' must be a string", name));
  }
  return OptString(it->get<std::string>());
}

Result<std::map<std::string, std::string>> StringMapField(nlohmann::json const& body,
                                                          char const* name) {
  std::map<std::string, std::string> out;
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_object()) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' must be an object", name));
  }
  for (auto const& [k, v] : it->items()) {
    if (!v.is_string()) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}.{}' must be a string", name, k));
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

#define LK_TRY(var, expr) \
  auto var = (expr);      \
  if (!var) return Err(var.error())

Result<ComponentType> TypeParam(Call& call) {
  auto t = ParseComponentType(call.Param("type"));
  if (!t) return Fail(ErrorCode::kNotFound, t.error().message);
  return t;
}

nlohmann::json ConnectedJson(ConnectedComponent const& c) {
  nlohmann::json out = ToJson(c.component);
  out["resources"] = c.resources ? ToJson(*c.resources) : nlohmann::json(nullptr);
  return out;
}

// Pages like every list (server/api/api_lists.h), filtered and paged in SQL.
HttpResponse ListComponents(Call& call) {
  LK_TRY(type, TypeParam(call));
  LK_TRY(query, ListQueryOf(call.request, ComponentFields()));
  LK_TRY(page, call.backend.PageComponents(*type, std::move(*query)));
  return Ok(PageJson(*page, [](StackComponent const& c) { return ToJson(c); }));
}

HttpResponse RegisterComponent(ApiServices& services, Call& call) {
  LK_TRY(type, TypeParam(call));
  LK_TRY(body, ParseJsonBody(call.request.body));
  LK_TRY(ok, OnlyFields(*body, {"name", "flavor", "configuration", "connector", "resource_id"}));
  LK_TRY(name, StringField(*body, "name"));
  LK_TRY(flavor, StringField(*body, "flavor"));
  LK_TRY(config, StringMapField(*body, "configuration"));
  LK_TRY(connector, StringField(*body, "connector"));
  LK_TRY(resource_id, StringField(*body, "resource_id"));
  ComponentRequest request;
  request.type = *type;
  request.name_or_id = name->value_or("");
  request.flavor = flavor->value_or("");
  request.configuration = *config;
  request.connector = *connector;
  request.resource_id = *resource_id;
  std::optional<OutboundLimiter::Slot> slot;  // connecting verifies the connector's resource
  if (request.connector) {
    if (auto refused = TakeOutboundSlot(services, call, slot)) return *refused;
  }
  auto saved = call.backend.RegisterComponent(std::move(request));
  Audit(services, call.principal, "stack_component.register", saved ? saved->component.id : "",
        name->value_or(""), saved ? "ok" : AuditLog::ResultOf(saved.error()));
  if (!saved) return Err(saved.error());
  return Ok(ConnectedJson(*saved), 201);
}

HttpResponse GetComponent(Call& call) {
  LK_TRY(type, TypeParam(call));
  LK_TRY(c, call.backend.GetComponent(*type, call.Param("id")));
  return Ok(ToJson(*c));
}

HttpResponse UpdateComponent(ApiServices& services, Call& call) {
  LK_TRY(type, TypeParam(call));
  LK_TRY(body, ParseJsonBody(call.request.body));
  LK_TRY(ok, OnlyFields(*body, {"name", "configuration", "remove_attrs"}));
  LK_TRY(name, StringField(*body, "name"));
  LK_TRY(config, StringMapField(*body, "configuration"));
  ComponentRequest request;
  request.type = *type;
  request.name_or_id = call.Param("id");
  request.new_name = *name;
  request.configuration = *config;
  if (auto it = body->find("remove_attrs"); it != body->end() && !it->is_null()) {
    if (!it->is_array())
      return Err(Error{ErrorCode::kInvalidArgument, "'remove_attrs' must be a list"});
    for (auto const& a : *it) {
      if (!a.is_string()) {
        return Err(Error{ErrorCode::kInvalidArgument, "'remove_attrs' must list strings"});
      }
      request.remove_attrs.push_back(a.get<std::string>());
    }
  }
  auto c = call.backend.UpdateComponent(std::move(request));
  Audit(services, call.principal, "stack_component.update", c ? c->id : "", call.Param("id"),
        c ? "ok" : AuditLog::ResultOf(c.error()));
  if (!c) return Err(c.error());
  return Ok(ToJson(*c));
}

HttpResponse DeleteComponent(ApiServices& services, Call& call) {
  LK_TRY(type, TypeParam(call));
  auto r = call.backend.DeleteComponent(*type, call.Param("id"));
  Audit(services, call.principal, "stack_component.delete", "", call.Param("id"), ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

HttpResponse Connect(ApiServices& services, Call& call) {
  LK_TRY(type, TypeParam(call));
  LK_TRY(body, ParseJsonBody(call.request.body));
  LK_TRY(ok, OnlyFields(*body, {"connector", "resource_id"}));
  LK_TRY(connector, StringField(*body, "connector"));
  LK_TRY(resource_id, StringField(*body, "resource_id"));
  if (!*connector) return Err(Error{ErrorCode::kInvalidArgument, "'connector' is required"});
  ConnectRequest request{*type, call.Param("id"), **connector, *resource_id};
  auto c = call.backend.ConnectComponent(std::move(request));
  Audit(services, call.principal, "stack_component.connect", c ? c->component.id : "",
        call.Param("id"), c ? "ok" : AuditLog::ResultOf(c.error()), std::nullopt,
        c ? c->component.connector_resource_id : std::nullopt);
  if (!c) return Err(c.error());
  return Ok(ConnectedJson(*c));
}

HttpResponse Disconnect(ApiServices& services, Call& call) {
  LK_TRY(type, TypeParam(call));
  auto c = call.backend.DisconnectComponent(*type, call.Param("id"));
  Audit(services, call.principal, "stack_component.disconnect", c ? c->id : "", call.Param("id"),
        c ? "ok" : AuditLog::ResultOf(c.error()));
  if (!c) return Err(c.error());
  return Ok(ToJson(*c));
}

HttpResponse ListStacks(Call& call) {
  LK_TRY(query, ListQueryOf(call.request, StackFields()));
  LK_TRY(page, call.backend.PageStacks(std::move(*query)));
  return Ok(PageJson(*page, [](Stack const& s) { return ToJson(s); }));
}

HttpResponse RegisterStack(ApiServices& services, Call& call) {
  LK_TRY(body, ParseJsonBody(call.request.body));
  LK_TRY(ok, OnlyFields(*body, {"name", "components", "set_active"}));
  LK_TRY(name, StringField(*body, "name"));
  LK_TRY(members, StringMapField(*body, "components"));
  StackRequest request;
  request.name = name->value_or("");
  for (auto const& [type_name, component] : *members) {
    LK_TRY(type, ParseComponentType(type_name));
    request.components[*type] = component;
  }
  if (auto it = body->find("set_active"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) {
      return Err(Error{ErrorCode::kInvalidArgument, "'set_active' must be true or false"});
    }
    request.set_active = it->get<bool>();
  }
  auto s = call.backend.RegisterStack(std::move(request));
  Audit(services, call.principal, "stack.register", s ? s->id : "", name->value_or(""),
        s ? "ok" : AuditLog::ResultOf(s.error()));
  if (!s) return Err(s.error());
  return Ok(ToJson(*s), 201);
}

HttpResponse GetStack(Call& call) {
  LK_TRY(s, call.backend.GetStack(call.Param("id")));
  return Ok(ToJson(*s));
}

HttpResponse UpdateStack(ApiServices& services, Call& call) {
  LK_TRY(body, ParseJsonBody(call.request.body));
  LK_TRY(ok, OnlyFields(*body, {"components"}));
  auto members = body->find("components");
  if (members == body->end() || !members->is_object()) {
    return Err(Error{ErrorCode::kInvalidArgument,
                     "'components' must be an object of component type to name (or null)"});
  }
  StackUpdate update;
  for (auto const& [type_name, component] : members->items()) {
    LK_TRY(type, ParseComponentType(type_name));
    if (component.is_null()) {
      update.components[*type] = std::nullopt;
    } else if (component.is_string()) {
      update.components[*type] = component.get<std::string>();
    } else {
      return Err(Error{ErrorCode::kInvalidArgument,
                       "'components." + type_name + "' must be a name, an ID or null"});
    }
  }
  auto s = call.backend.UpdateStack(call.Param("id"), std::move(update));
  Audit(services, call.principal, "stack.update", s ? s->id : "", call.Param("id"),
        s ? "ok" : AuditLog::ResultOf(s.error()));
  if (!s) return Err(s.error());
  return Ok(ToJson(*s));
}

HttpResponse DeleteStack(ApiServices& services, Call& call) {
  auto r = call.backend.DeleteStack(call.Param("id"));
  Audit(services, call.principal, "stack.delete", "", call.Param("id"), ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

HttpResponse GetActive(Call& call) {
  LK_TRY(s, call.backend.GetActiveStack());
  return Ok({{"stack", *s ? ToJson(**s) : nlohmann::json(nullptr)}});
}

HttpResponse SetActive(Call& call) {
  LK_TRY(body, ParseJsonBody(call.request.body));
  LK_TRY(ok, OnlyFields(*body, {"stack"}));
  LK_TRY(name, StringField(*body, "stack"));
  if (!*name) return Err(Error{ErrorCode::kInvalidArgument, "'stack' is required"});
  LK_TRY(s, call.backend.SetActiveStack(**name));
  return Ok({{"stack", ToJson(*s)}});
}

HttpResponse ListFlavors(Call& call) {
  nlohmann::json out = nlohmann::json::array();
  if (auto type = QueryString(call.request, "type")) {
    auto parsed = ParseComponentType(*type);
    if (!parsed) return Err(parsed.error());
    for (auto const* f : FlavorsOf(*parsed)) out.push_back(ToJson(*f));
  } else {
    for (auto const& f : AllFlavors()) out.push_back(ToJson(f));
  }
  return Ok(out);
}

#undef LK_TRY

}  // namespace

void AddStackRoutes(server::Router& router, ApiServices& services) {
  auto& s = services;
  constexpr char kComponents[] = "/api/v1/stack_components/{type}";
  std::string one = std::string(kComponents) + "/{id}";
  router.Add("GET", kComponents, Authed(s, ListComponents), "List stack components of a type");
  router.AddOutbound("POST", kComponents,
                     Authed(s, [&s](Call& c) { return RegisterComponent(s, c); }),
                     "Register a stack component (and connect it when a connector is named)");
  router.Add("GET", one, Authed(s, GetComponent), "Get a stack component");
  router.Add("PUT", one, Authed(s, [&s](Call& c) { return UpdateComponent(s, c); }),
             "Update a stack component (configuration merges)");
  router.Add("DELETE", one, Authed(s, [&s](Call& c) { return DeleteComponent(s, c); }),
             "Delete a stack component");
  router.AddOutbound("POST", one + "/connect",
                     AuthedOutbound(s, [&s](Call& c) { return Connect(s, c); }),
                     "Link a stack component to a service connector and one verified resource");
  router.Add("POST", one + "/disconnect", Authed(s, [&s](Call& c) { return Disconnect(s, c); }),
             "Remove a stack component's connector link");
  router.Add("GET", "/api/v1/flavors", Authed(s, ListFlavors),
             "List stack component flavors and the connector resource each needs");
  router.Add("GET", "/api/v1/stacks", Authed(s, ListStacks), "List stacks");
  router.Add("POST", "/api/v1/stacks", Authed(s, [&s](Call& c) { return RegisterStack(s, c); }),
             "Register a stack");
  router.Add("GET", "/api/v1/stacks/{id}", Authed(s, GetStack), "Get a stack");
  router.Add("PUT", "/api/v1/stacks/{id}", Authed(s, [&s](Call& c) { return UpdateStack(s, c); }),
             "Replace or remove members of a stack");
  router.Add("DELETE", "/api/v1/stacks/{id}",
             Authed(s, [&s](Call& c) { return DeleteStack(s, c); }), "Delete a stack");
  router.Add("GET", "/api/v1/active_stack", Authed(s, GetActive), "The caller's active stack");
  router.Add("PUT", "/api/v1/active_stack", Authed(s, SetActive), "Set the caller's active stack");
}

}  // namespace latchkey::api
