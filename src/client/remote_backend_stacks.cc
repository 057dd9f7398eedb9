// RemoteBackend: stack components and stacks over /api/v1/stack_components and /api/v1/stacks.
// Connecting is verified on the server, with the connector's credentials that stay there.
#include "client/remote_backend.h"
#include "client/remote_lists.h"
#include "core/model_json.h"
#include "http/url_encoding.h"
#include "stack/stack_json.h"

namespace latchkey {
namespace {

std::string ComponentsPath(ComponentType type) {
  return "/api/v1/stack_components/" + ComponentTypeName(type);
}

std::string ComponentPath(ComponentType type, std::string const& name_or_id) {
  return ComponentsPath(type) + "/" + UrlEncode(name_or_id);
}

Result<ConnectedComponent> ParseConnected(nlohmann::json const& j) {
  auto c = ComponentFromJson(j);
  if (!c) return tl::unexpected(c.error());
  ConnectedComponent out{std::move(*c), std::nullopt};
  if (auto it = j.find("resources"); it != j.end() && !it->is_null()) {
    auto report = ResourcesReportFromJson(*it);
    if (!report) return tl::unexpected(report.error());
    out.resources = std::move(*report);
  }
  return out;
}

}  // namespace

Result<ConnectedComponent> RemoteBackend::RegisterComponent(ComponentRequest request) {
  nlohmann::json body = {{"name", request.name_or_id},
                         {"flavor", request.flavor},
                         {"configuration", request.configuration},
                         {"connector", OrNull(request.connector)},
                         {"resource_id", OrNull(request.resource_id)}};
  auto j = Call("POST", ComponentsPath(request.type), {}, body);
  if (!j) return tl::unexpected(j.error());
  return ParseConnected(*j);
}

Result<Page<StackComponent>> RemoteBackend::PageComponents(ComponentType type, ListQuery query) {
  auto j = Call("GET", ComponentsPath(type), ListParams(query));
  if (!j) return tl::unexpected(j.error());
  return ParsePage<StackComponent>(*j, ComponentFromJson);
}

Result<StackComponent> RemoteBackend::GetComponent(ComponentType type,
                                                   std::string const& name_or_id) {
  auto j = Call("GET", ComponentPath(type, name_or_id));
  if (!j) return tl::unexpected(j.error());
  return ComponentFromJson(*j);
}

Result<StackComponent> RemoteBackend::UpdateComponent(ComponentRequest request) {
  nlohmann::json body = {{"configuration", request.configuration},
                         {"remove_attrs", request.remove_attrs}};
  if (request.new_name) body["name"] = *request.new_name;
  auto j = Call("PUT", ComponentPath(request.type, request.name_or_id), {}, body);
  if (!j) return tl::unexpected(j.error());
  return ComponentFromJson(*j);
}

Result<void> RemoteBackend::DeleteComponent(ComponentType type, std::string const& name_or_id) {
  auto j = Call("DELETE", ComponentPath(type, name_or_id));
  if (!j) return tl::unexpected(j.error());
  return {};
}

Result<ConnectedComponent> RemoteBackend::ConnectComponent(ConnectRequest request) {
  nlohmann::json body = {{"connector", request.connector},
                         {"resource_id", OrNull(request.resource_id)}};
  auto j = Call("POST", ComponentPath(request.type, request.component) + "/connect", {}, body);
  if (!j) return tl::unexpected(j.error());
  return ParseConnected(*j);
}

Result<StackComponent> RemoteBackend::DisconnectComponent(ComponentType type,
                                                          std::string const& name_or_id) {
  auto j =
      Call("POST", ComponentPath(type, name_or_id) + "/disconnect", {}, nlohmann::json::object());
  if (!j) return tl::unexpected(j.error());
  return ComponentFromJson(*j);
}

Result<Stack> RemoteBackend::RegisterStack(StackRequest request) {
  nlohmann::json components = nlohmann::json::object();
  for (auto const& [type, name] : request.components) components[ComponentTypeName(type)] = name;
  nlohmann::json body = {
      {"name", request.name}, {"components", components}, {"set_active", request.set_active}};
  auto j = Call("POST", "/api/v1/stacks", {}, body);
  if (!j) return tl::unexpected(j.error());
  return StackFromJson(*j);
}

Result<Page<Stack>> RemoteBackend::PageStacks(ListQuery query) {
  auto j = Call("GET", "/api/v1/stacks", ListParams(query));
  if (!j) return tl::unexpected(j.error());
  return ParsePage<Stack>(*j, StackFromJson);
}

Result<Stack> RemoteBackend::GetStack(std::string const& name_or_id) {
  auto j = Call("GET", "/api/v1/stacks/" + UrlEncode(name_or_id));
  if (!j) return tl::unexpected(j.error());
  return StackFromJson(*j);
}

Result<Stack> RemoteBackend::UpdateStack(std::string const& name_or_id, StackUpdate update) {
  nlohmann::json components = nlohmann::json::object();
  for (auto const& [type, name] : update.components) {
    components[ComponentTypeName(type)] = name ? nlohmann::json(*name) : nlohmann::json(nullptr);
  }
  auto j = Call("PUT", "/api/v1/stacks/" + UrlEncode(name_or_id), {},
                nlohmann::json{{"components", components}});
  if (!j) return tl::unexpected(j.error());
  return StackFromJson(*j);
}

Result<void> RemoteBackend::DeleteStack(std::string const& name_or_id) {
  auto j = Call("DELETE", "/api/v1/stacks/" + UrlEncode(name_or_id));
  if (!j) return tl::unexpected(j.error());
  return {};
}

Result<Stack> RemoteBackend::SetActiveStack(std::string const& name_or_id) {
  auto j = Call("PUT", "/api/v1/active_stack", {}, nlohmann::json{{"stack", name_or_id}});
  if (!j) return tl::unexpected(j.error());
  if (!j->is_object() || !j->contains("stack")) {
    return Fail(ErrorCode::kInternal, "the server's answer has no stack");
  }
  return StackFromJson((*j)["stack"]);
}

Result<std::optional<Stack>> RemoteBackend::GetActiveStack() {
  auto j = Call("GET", "/api/v1/active_stack");
  if (!j) return tl::unexpected(j.error());
  if (!j->is_object() || !j->contains("stack")) {
    return Fail(ErrorCode::kInternal, "the server's answer has no stack");
  }
  if ((*j)["stack"].is_null()) return std::optional<Stack>{};
  auto s = StackFromJson((*j)["stack"]);
  if (!s) return tl::unexpected(s.error());
  return std::optional<Stack>(std::move(*s));
}

}  // namespace latchkey
