// /api/v1/service_connectors: CRUD, verification, resources and client credentials.
#include <fmt/format.h>

#include <algorithm>

#include "core/model_json.h"
#include "server/api/api_common.h"
#include "server/api/api_requests.h"

namespace latchkey::api {
namespace {

using server::HttpResponse;

constexpr int64_t kDefaultPageSize = 50;
constexpr int64_t kMaxPageSize = 1000;

// `sort_by`: name | created | updated | connector_type, '-' prefix for descending.
Result<std::function<bool(Connector const&, Connector const&)>> SortOrder(OptString const& text) {
  std::string key = text.value_or("name");
  bool descending = !key.empty() && key[0] == '-';
  if (descending) key.erase(0, 1);
  std::function<bool(Connector const&, Connector const&)> less;
  if (key == "name") {
    less = [](auto const& a, auto const& b) { return a.name < b.name; };
  } else if (key == "created") {
    less = [](auto const& a, auto const& b) {
      return std::tie(a.created, a.name) < std::tie(b.created, b.name);
    };
  } else if (key == "updated") {
    less = [](auto const& a, auto const& b) {
      return std::tie(a.updated, a.name) < std::tie(b.updated, b.name);
    };
  } else if (key == "connector_type") {
    less = [](auto const& a, auto const& b) {
      return std::tie(a.connector_type, a.name) < std::tie(b.connector_type, b.name);
    };
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "'sort_by' must be name, created, updated or connector_type (prefix '-' to "
                "reverse)");
  }
  if (!descending) return less;
  return [less](Connector const& a, Connector const& b) { return less(b, a); };
}

Result<ConnectorFilter> FilterOf(server::HttpRequest const& r) {
  ConnectorFilter f;
  f.name = QueryString(r, "name");
  f.connector_type = QueryString(r, "connector_type");
  f.auth_method = QueryString(r, "auth_method");
  f.resource_type = QueryString(r, "resource_type");
  f.resource_id = QueryString(r, "resource_id");
  for (auto const& label : r.QueryAll("label")) {
    auto eq = label.find('=');
    if (label.empty() || eq == 0) {
      return Fail(ErrorCode::kInvalidArgument, "'label' must be KEY or KEY=VALUE");
    }
    if (eq == std::string::npos) {
      f.labels.emplace_back(label, std::nullopt);
    } else {
      f.labels.emplace_back(label.substr(0, eq), label.substr(eq + 1));
    }
  }
  return f;
}

HttpResponse ListConnectors(Call& call) {
  auto filter = FilterOf(call.request);
  if (!filter) return Err(filter.error());
  auto page = QueryInt(call.request, "page");
  auto size = QueryInt(call.request, "size");
  if (!page) return Err(page.error());
  if (!size) return Err(size.error());
  int64_t index = page->value_or(1);
  int64_t max_size = size->value_or(kDefaultPageSize);
  if (index < 1 || max_size < 1 || max_size > kMaxPageSize) {
    return Err(Error{ErrorCode::kInvalidArgument,
                     fmt::format("'page' must be >= 1 and 'size' 1..{}", kMaxPageSize)});
  }
  auto order = SortOrder(QueryString(call.request, "sort_by"));
  if (!order) return Err(order.error());
  auto connectors = call.backend.ListConnectors(*filter);
  if (!connectors) return Err(connectors.error());
  std::stable_sort(connectors->begin(), connectors->end(), *order);
  int64_t total = static_cast<int64_t>(connectors->size());
  nlohmann::json items = nlohmann::json::array();
  // Compared before multiplying: a huge page index must give an empty page, not an overflow.
  int64_t first = (index - 1) > total / max_size ? total : (index - 1) * max_size;
  int64_t last = std::min(total, first + max_size);
  for (int64_t i = first; i < last; ++i) {
    items.push_back(ToJson((*connectors)[static_cast<size_t>(i)], false));
  }
  return Ok({{"index", index},
             {"max_size", max_size},
             {"total_pages", (total + max_size - 1) / max_size},
             {"total", total},
             {"items", std::move(items)}});
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
