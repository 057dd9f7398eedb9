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
#include "common/revision_cache.h"
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
  // Answers of AuthedCachedRead routes, by caller and request: 256 answers, 4 MiB at most.
  std::shared_ptr<RevisionCache<server::HttpResponse>> cached_reads =
      std::make_shared<RevisionCache<server::HttpResponse>>(
          256, size_t{4} << 20, [](server::HttpResponse const& r) {
            size_t n = sizeof(r) + r.body.capacity();
            for (auto const& [name, value] : r.headers) n += name.size() + value.size() + 64;
            return n;
          });
  // Provider-calling requests in flight per user (AuthedOutbound).
  std::shared_ptr<OutboundLimiter> outbound = std::make_shared<OutboundLimiter>(4);
};

// Adds every route; `services` must outlive the router.
void AddApiRoutes(server::Router& router, ApiServices& services);

}  // namespace latchkey::api
