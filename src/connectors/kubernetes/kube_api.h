// Calls to a Kubernetes API server with a connector's credentials: TLS trust (CA or insecure),
// mutual TLS, bearer or basic authentication. Only what verification needs, nothing of client-go.
#pragma once

#include <chrono>
#include <string>

#include "common/error.h"
#include "connectors/kubernetes/kubernetes_credentials.h"
#include "http/http_client.h"

namespace latchkey {

// A GET of `path` (starting with '/', may carry a query) on the API server, carrying the TLS
// settings and the Authorization header derived from `creds`.
HttpRequest MakeKubeApiRequest(KubernetesCredentials const& creds, std::string const& path,
                               std::chrono::milliseconds timeout);

// Proves that the API server is reachable and trusted and that it accepts the credentials:
// GET /version, then GET /api/v1/namespaces?limit=1, which needs an authenticated user. A 403 on
// the latter still proves authentication (the user lacks RBAC rights only), unless the server
// answered for the anonymous user, i.e. ignored the credentials.
Result<void> VerifyKubeApiAccess(HttpClient& http, KubernetesCredentials const& creds,
                                 std::chrono::milliseconds timeout);

}  // namespace latchkey
