// /api/v1/service_connectors: CRUD, verification, resources and client credentials.
#include <fmt/format.h>

#include <algorithm>

#include "core/model_json.h"
#include "server/api/api_common.h"
#include "server/api/api_lists.h"
#include "server/api/api_requests.h"

namespace latchkey::api {
namespace {

using server::HttpResponse;

// The filter language and the page model: server/api/api_lists.h. Filtering, sorting and
// paging happen in the store's SQL.
HttpResponse ListConnectors(Call& call) {
  auto query = ListQueryOf(call.request, ConnectorFields());
  if (!query) return Err(query.error());
  auto page = call.backend.PageConnectors(std::move(*query));
  if (!page) return Err(page.error());
  return Ok(PageJson(*page, [](Connector const& c) { return ToJson(c, false); }));
}

nlohmann::json SavedJson(SavedConnector const& saved) {
  nlohmann::json j = ToJson(saved.connector, false);
  j["resources"] = saved.resources ? ToJson(*saved.resources) : nlohmann::json(nullptr);
  return j;
}

HttpResponse CreateConnector(ApiServices& services, Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto request = ParseRegisterRequest(*body);
  if (!request) return Err(request.error());
  std::optional<OutboundLimiter::Slot> slot;
  if (request->verify) {
    if (auto refused = TakeOutboundSlot(services, call, slot)) return *refused;
  }
  std::string name = request->draft.name;
  auto saved = call.backend.RegisterConnector(std::move(*request));
  Audit(services, call.principal, "connector.create", saved ? saved->connector.id : "", name,
        saved ? "ok" : AuditLog::ResultOf(saved.error()));
  if (!saved) return Err(saved.error());
  return Ok(SavedJson(*saved), 201);
}

HttpResponse UpdateConnector(ApiServices& services, Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto request = ParseUpdateRequest(*body);
  if (!request) return Err(request.error());
  std::optional<OutboundLimiter::Slot> slot;
  if (request->verify) {
    if (auto refused = TakeOutboundSlot(services, call, slot)) return *refused;
  }
  request->name_or_id = call.Param("id");
  auto saved = call.backend.UpdateConnector(std::move(*request));
  Audit(services, call.principal, "connector.update", saved ? saved->connector.id : "",
        call.Param("id"), saved ? "ok" : AuditLog::ResultOf(saved.error()));
  if (!saved) return Err(saved.error());
  return Ok(SavedJson(*saved));
}

HttpResponse DeleteConnector(ApiServices& services, Call& call) {
  auto r = call.backend.DeleteConnector(call.Param("id"));
  Audit(services, call.principal, "connector.delete", "", call.Param("id"), ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

HttpResponse GetConnector(Call& call) {
  auto expand = QueryBool(call.request, "expand_secrets");
  if (!expand) return Err(expand.error());
  bool reveal = expand->value_or(false);
  auto c = call.backend.GetConnector(call.Param("id"), reveal);
  if (!c) return Err(c.error());
  return Ok(ToJson(*c, reveal));
}

HttpResponse VerifySaved(Call& call) {
  auto list = QueryBool(call.request, "list_resources");
  if (!list) return Err(list.error());
  auto report =
      call.backend.VerifyConnector(call.Param("id"), QueryString(call.request, "resource_type"),
                                   QueryString(call.request, "resource_id"), list->value_or(true));
  if (!report) return Err(report.error());
  return Ok(ToJson(*report));
}

HttpResponse VerifyDraft(Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto request = ParseRegisterRequest(*body);
  if (!request) return Err(request.error());
  auto report = call.backend.VerifyDraft(std::move(*request));
  if (!report) return Err(report.error());
  return Ok(ToJson(*report));
}

HttpResponse Resources(Call& call) {
  auto exclude = QueryBool(call.request, "exclude_errors");
  if (!exclude) return Err(exclude.error());
  ResourceQuery query{QueryString(call.request, "connector_type"),
                      QueryString(call.request, "resource_type"),
                      QueryString(call.request, "resource_id"), exclude->value_or(false)};
  auto reports = call.backend.ListResources(query);
  if (!reports) return Err(reports.error());
  nlohmann::json out = nlohmann::json::array();
  for (auto const& r : *reports) out.push_back(ToJson(r));
  return Ok(out);
}

HttpResponse Client(ApiServices& services, Call& call) {
  OptString rt = QueryString(call.request, "resource_type");
  OptString rid = QueryString(call.request, "resource_id");
  auto client = call.backend.GetConnectorClient(call.Param("id"), rt, rid);
  Audit(services, call.principal, "credentials.issue", client ? client->id : "", call.Param("id"),
        client ? "ok" : AuditLog::ResultOf(client.error()),
        client && !client->resource_types.empty() ? OptString(client->resource_types[0]) : rt,
        client ? client->resource_id : rid);
  if (!client) {
    services.metrics
        ->AddCounter("latchkey_upstream_errors_total",
                     "Failed credential issuances, by error code.", {"code"})
        .WithLabels({std::string(ErrorCodeName(client.error().code))})
        .Inc();
    return Err(client.error());
  }
  services.metrics
      ->AddCounter("latchkey_client_credentials_served_total",
                   "Client credentials handed to callers (cached or fresh).", {"connector_type"})
      .WithLabels({client->connector_type})
      .Inc();
  // The caller is allowed to use the connector: the temporary credentials are the answer.
  return Ok(ToJson(*client, true));
}

}  // namespace

void AddConnectorRoutes(server::Router& router, ApiServices& services) {
  auto& s = services;
  router.Add("GET", "/api/v1/service_connectors", AuthedCachedRead(s, ListConnectors),
             "List service connectors visible to the caller");
  router.AddOutbound("POST", "/api/v1/service_connectors",
                     Authed(s, [&s](Call& c) { return CreateConnector(s, c); }),
                     "Register a service connector");
  router.AddOutbound("POST", "/api/v1/service_connectors/verify", AuthedOutbound(s, VerifyDraft),
                     "Verify an unsaved connector configuration");
  router.AddOutbound("GET", "/api/v1/service_connectors/resources", AuthedOutbound(s, Resources),
                     "List the resources every visible connector reaches");
  router.Add("GET", "/api/v1/service_connectors/{id}", Authed(s, GetConnector),
             "Get a service connector");
  router.AddOutbound("PUT", "/api/v1/service_connectors/{id}",
                     Authed(s, [&s](Call& c) { return UpdateConnector(s, c); }),
                     "Update a service connector");
  router.Add("DELETE", "/api/v1/service_connectors/{id}",
             Authed(s, [&s](Call& c) { return DeleteConnector(s, c); }),
             "Delete a service connector");
  router.AddOutbound("PUT", "/api/v1/service_connectors/{id}/verify",
                     AuthedOutbound(s, VerifySaved), "Verify a saved connector");
  router.AddOutbound("GET", "/api/v1/service_connectors/{id}/client",
                     AuthedOutbound(s, [&s](Call& c) { return Client(s, c); }),
                     "Short-lived client credentials for one resource");
}

}  // namespace latchkey::api
