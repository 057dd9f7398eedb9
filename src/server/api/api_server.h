// The REST API: every route of /api/v1 plus /health and /metrics, wired to the service layer.
// Each request is authenticated (Bearer API token), then runs as that principal on a LocalBackend
// view of the shared state, so the CLI and the API apply the same rules and return the same JSON.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "server/api/outbound_limiter.h"
#include "server/http/http_types.h"
#include "server/http/router.h"
#include "server/metrics.h"
#include "service/audit_log.h"
#include "service/credential_cache.h"
#include "service/identity_service.h"
#include "service/revision_cache.h"
#include "service/service_state.h"

namespace latchkey::api {

struct ApiServices {
  std::shared_ptr<ServiceState> state;
  IdentityService* identity = nullptr;
  CredentialCache* cache = nullptr;  // also installed in `state`
  AuditLog* audit = nullptr;         // may be null (no audit file configured)
  server::MetricsRegistry* metrics = nullptr;
  std::string store_kind;  // "sqlite" or "postgresql", for /health
  // Called before /metrics renders, to bring counters kept elsewhere (the cache's) up to date.
  std::function<void()> before_metrics;
  // Answers of AuthedCachedRead routes, by caller and request.
  std::shared_ptr<RevisionCache<server::HttpResponse>> cached_reads =
      std::make_shared<RevisionCache<server::HttpResponse>>(256);
  // Provider-calling requests in flight per user (AuthedOutbound).
  std::shared_ptr<OutboundLimiter> outbound = std::make_shared<OutboundLimiter>(4);
};

// Adds every route; `services` must outlive the router.
void AddApiRoutes(server::Router& router, ApiServices& services);

}  // namespace latchkey::api
