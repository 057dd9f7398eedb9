// /api/v1/secrets: user secrets (values only for their owner or an admin, and only on request).
#include "core/model_json.h"
#include "server/api/api_common.h"
#include "server/api/api_lists.h"
#include "server/api/api_requests.h"

namespace latchkey::api {
namespace {

using server::HttpResponse;

// A page like the connectors' list (server/api/api_lists.h), filtered and paged in SQL.
HttpResponse ListSecrets(Call& call) {
  auto query = ListQueryOf(call.request, SecretFields());
  if (!query) return Err(query.error());
  auto page = call.backend.PageSecrets(std::move(*query));
  if (!page) return Err(page.error());
  return Ok(PageJson(*page, [](Secret const& s) { return ToJson(s, false); }));
}

HttpResponse CreateSecret(ApiServices& services, Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto parsed = ParseSecretBody(*body, true);
  if (!parsed) return Err(parsed.error());
  auto s = call.backend.CreateSecret(*parsed->name, parsed->values, parsed->shared.value_or(false));
  Audit(services, call.principal, "secret.create", s ? s->id : "", *parsed->name,
        s ? "ok" : AuditLog::ResultOf(s.error()));
  if (!s) return Err(s.error());
  return Ok(ToJson(*s, false), 201);
}

HttpResponse GetSecret(Call& call) {
  auto expand = QueryBool(call.request, "expand_secrets");
  if (!expand) return Err(expand.error());
  bool reveal = expand->value_or(false);
  auto s = call.backend.GetSecret(call.Param("id"), reveal);
  if (!s) return Err(s.error());
  return Ok(ToJson(*s, reveal));
}

HttpResponse UpdateSecret(ApiServices& services, Call& call) {
  auto body = ParseJsonBody(call.request.body);
  if (!body) return Err(body.error());
  auto parsed = ParseSecretBody(*body, false);
  if (!parsed) return Err(parsed.error());
  std::string id = call.Param("id");
  bool change_values = !parsed->values.empty() || !parsed->remove_keys.empty() || parsed->shared;
  if (!change_values && !parsed->name) {
    return Err(Error{ErrorCode::kInvalidArgument, "nothing to update"});
  }
  Result<Secret> s;
  if (change_values) {
    s = call.backend.UpdateSecret(id, parsed->values, parsed->remove_keys, parsed->shared);
    if (s) id = s->id;
  }
  if (parsed->name && s) s = call.backend.RenameSecret(id, *parsed->name);
  Audit(services, call.principal, "secret.update", s ? s->id : "", call.Param("id"),
        s ? "ok" : AuditLog::ResultOf(s.error()));
  if (!s) return Err(s.error());
  return Ok(ToJson(*s, false));
}

HttpResponse DeleteSecret(ApiServices& services, Call& call) {
  auto r = call.backend.DeleteSecret(call.Param("id"));
  Audit(services, call.principal, "secret.delete", "", call.Param("id"), ResultText(r));
  if (!r) return Err(r.error());
  return NoContent();
}

}  // namespace

void AddSecretRoutes(server::Router& router, ApiServices& services) {
  auto& s = services;
  router.Add("GET", "/api/v1/secrets", Authed(s, ListSecrets),
             "List secrets visible to the caller");
  router.Add("POST", "/api/v1/secrets", Authed(s, [&s](Call& c) { return CreateSecret(s, c); }),
             "Create a secret");
  router.Add("GET", "/api/v1/secrets/{id}", Authed(s, GetSecret), "Get a secret");
  router.Add("PUT", "/api/v1/secrets/{id}", Authed(s, [&s](Call& c) { return UpdateSecret(s, c); }),
             "Update, rename or (un)share a secret");
  router.Add("DELETE", "/api/v1/secrets/{id}",
             Authed(s, [&s](Call& c) { return DeleteSecret(s, c); }), "Delete a secret");
}

}  // namespace latchkey::api
