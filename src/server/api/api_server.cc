#include "server/api/api_server.h"

#include "common/strings.h"
#include "core/model_json.h"
#include "server/api/api_common.h"
#include "server/api/openapi.h"

namespace latchkey::api {

using server::HttpRequest;
using server::HttpResponse;
using server::PathParams;

namespace {

bool ChangesState(std::string const& method) { return method != "GET" && method != "HEAD"; }

}  // namespace

std::string SessionCookie(std::string const& token, std::chrono::seconds ttl, bool secure) {
  std::string cookie =
      std::string(kSessionCookieName) + "=" + token +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(ttl.count());
  if (secure) cookie += "; Secure";
  return cookie;
}

std::optional<std::string> SessionToken(HttpRequest const& r) {
  auto header = r.Header("Cookie");
  if (!header) return std::nullopt;
  for (std::string const& pair : Split(*header, ';')) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || Trim(pair.substr(0, eq)) != kSessionCookieName) continue;
    std::string value = Trim(pair.substr(eq + 1));
    if (!value.empty()) return value;
  }
  return std::nullopt;
}

std::optional<HttpResponse> RefuseCrossSite(HttpRequest const& r) {
  auto refuse = [](char const* why) {
    return Err(
        Error{ErrorCode::kPermissionDenied, std::string("cross-site request refused: ") + why});
  };
  if (!r.Header(kCsrfHeader)) return refuse("the X-Latchkey-CSRF header is missing");
  if (auto site = r.Header("Sec-Fetch-Site"); site && *site == "cross-site") {
    return refuse("the browser says it comes from another site");
  }
  if (auto origin = r.Header("Origin")) {
    auto host = r.Header("Host");
    std::string own = std::string(r.tls ? "https://" : "http://") + host.value_or("");
    if (!host || *origin != own) return refuse("its Origin is another site");
  }
  return std::nullopt;
}

server::Handler Authed(ApiServices& services, AuthedHandler handler) {
  return [&services, handler = std::move(handler)](HttpRequest const& r,
                                                   PathParams const& params) -> HttpResponse {
    auto header = r.Header("Authorization");
    std::string token;
    if (header && header->size() > 7 && ToLower(header->substr(0, 7)) == "bearer ") {
      token = Trim(header->substr(7));
    }
    if (!header) {
      if (auto session = SessionToken(r)) {
        if (ChangesState(r.method)) {
          if (auto refused = RefuseCrossSite(r)) return *refused;
        }
        token = std::move(*session);
      }
    }
    if (token.empty()) {
      auto response = AuthErr(Error{ErrorCode::kUnauthenticated,
                                    "authentication required: log in with `latchkey login URL`"});
      response.SetHeader("WWW-Authenticate", "Bearer");
      return response;
    }
    auto revision = services.state->store().Revision();
    if (!revision) return Err(revision.error());
    auto principal = services.identity->Authenticate(token, Now(), *revision);
    if (!principal) {
      auto response = AuthErr(principal.error());
      response.SetHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return response;
    }
    LocalBackend backend(services.state, *principal, *revision);
    Call call{r, params, *principal, token, std::move(backend), *revision};
    return handler(call);
  };
}

std::optional<HttpResponse> TakeOutboundSlot(ApiServices& services, Call const& call,
                                             std::optional<OutboundLimiter::Slot>& slot) {
  slot = services.outbound->TryAcquire(call.principal.user_id);
  if (slot) return std::nullopt;
  auto response = Err(Error{ErrorCode::kResourceExhausted,
                            "too many provider calls in flight for this user (at most " +
                                std::to_string(services.outbound->per_user()) +
                                "); retry when one has finished"});
  response.SetHeader("Retry-After", "1");
  return response;
}

server::Handler AuthedOutbound(ApiServices& services, AuthedHandler handler) {
  return Authed(services, [&services, handler = std::move(handler)](Call& call) {
    std::optional<OutboundLimiter::Slot> slot;
    if (auto refused = TakeOutboundSlot(services, call, slot)) return *refused;
    return handler(call);
  });
}

server::Handler AuthedCachedRead(ApiServices& services, AuthedHandler handler) {
  return Authed(services, [&services, handler = std::move(handler)](Call& call) {
    // Who asks decides what is visible (owner name, admin); the request decides the rest.
    // Length-prefixed parts, so no two requests share a key.
    std::string key = call.principal.admin ? "1" : "0";
    auto add = [&key](std::string const& part) { key += std::to_string(part.size()) + ":" + part; };
    add(call.principal.name);
    add(call.request.path);
    for (auto const& [name, value] : call.request.query) {
      add(name);
      add(value);
    }
    if (auto hit = services.cached_reads->Get(key, call.revision)) return *hit;
    HttpResponse response = handler(call);
    if (response.status == 200) services.cached_reads->Put(std::move(key), call.revision, response);
    return response;
  });
}

OptString QueryString(HttpRequest const& r, char const* name) {
  auto v = r.Query(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

Result<std::optional<bool>> QueryBool(HttpRequest const& r, char const* name) {
  auto v = r.Query(name);
  if (!v) return std::optional<bool>{};
  std::string text = ToLower(*v);
  if (text == "true" || text == "1" || text.empty()) return std::optional<bool>(true);
  if (text == "false" || text == "0") return std::optional<bool>(false);
  return Fail(ErrorCode::kInvalidArgument, std::string("'") + name + "' must be true or false");
}

Result<std::optional<int64_t>> QueryInt(HttpRequest const& r, char const* name) {
  auto v = r.Query(name);
  if (!v) return std::optional<int64_t>{};
  try {
    size_t used = 0;
    int64_t n = std::stoll(*v, &used);
    if (used == v->size()) return std::optional<int64_t>(n);
  } catch (std::exception const&) {
  }
  return Fail(ErrorCode::kInvalidArgument, std::string("'") + name + "' must be an integer");
}

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  return r;
}

void Audit(ApiServices& services, Principal const& who, std::string action, std::string target_id,
           std::string target_name, std::string result, OptString resource_type,
           OptString resource_id) {
  if (!services.audit) return;
  AuditEvent event;
  event.actor_id = who.user_id;
  event.actor_name = who.name;
  event.action = std::move(action);
  event.target_id = std::move(target_id);
  event.target_name = std::move(target_name);
  event.resource_type = std::move(resource_type);
  event.resource_id = std::move(resource_id);
  event.result = std::move(result);
  // An audit line that cannot be written must not fail the request it describes; the log's own
  // error is about the file, never about a secret.
  (void)services.audit->Append(event);
}

namespace {

void AddTypeRoutes(server::Router& router, ApiServices& services) {
  router.Add("GET", "/api/v1/service_connector_types",
             Authed(services,
                    [](Call& call) {
                      TypeFilter filter{QueryString(call.request, "connector_type"),
                                        QueryString(call.request, "resource_type"),
                                        QueryString(call.request, "auth_method")};
                      nlohmann::json out = nlohmann::json::array();
                      for (auto const* spec : call.backend.ListConnectorTypes(filter)) {
                        out.push_back(ToJson(*spec));
                      }
                      return Ok(out);
                    }),
             "List connector types");
  router.Add("GET", "/api/v1/service_connector_types/{connector_type}",
             Authed(services,
                    [](Call& call) {
                      auto spec = call.backend.GetConnectorType(call.Param("connector_type"));
                      // In a path, an unknown type is a missing resource, not a bad argument.
                      if (!spec) return Err(Error{ErrorCode::kNotFound, spec.error().message});
                      return Ok(ToJson(**spec));
                    }),
             "Describe a connector type");
}

}  // namespace

void AddApiRoutes(server::Router& router, ApiServices& services) {
  router.Add(
      "GET", "/health",
      [&services](HttpRequest const&, PathParams const&) {
        // Touches the store, so a replica that lost its database reports it.
        ListQuery one;
        one.size = 1;
        auto users = services.state->store().PageUsers(one);
        if (!users) {
          return Err(Error{ErrorCode::kUnavailable, "the store is unreachable"});
        }
        return Ok({{"status", "ok"}, {"store", services.store_kind}});
      },
      "Liveness and store reachability");
  router.Add(
      "GET", "/metrics",
      [&services](HttpRequest const&, PathParams const&) {
        if (services.before_metrics) services.before_metrics();
        return server::TextResponse(200, services.metrics->Render(),
                                    server::kPrometheusContentType);
      },
      "Prometheus metrics");
  router.Add(
      "GET", "/api/v1/openapi.json",
      [](HttpRequest const&, PathParams const&) { return Ok(OpenApiDocument()); }, "This document");
  AddIdentityRoutes(router, services);
  AddTypeRoutes(router, services);
  AddConnectorRoutes(router, services);
  AddSecretRoutes(router, services);
  AddStackRoutes(router, services);
}

}  // namespace latchkey::api
