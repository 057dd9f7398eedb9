// Internal to the API routes: authentication of a request, the per-request backend view, query
// helpers and the audit trail. Every route file builds on these.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "server/api/api_server.h"
#include "service/local_backend.h"

namespace latchkey::api {

// One authenticated request: who is calling, and the backend acting as them.
struct Call {
  server::HttpRequest const& request;
  server::PathParams const& params;
  Principal principal;
  std::string token;  // as presented (for logout)
  LocalBackend backend;
  int64_t revision;  // the store's, read before anything else of this request (Store::Revision)

  std::string const& Param(char const* name) const { return params.find(name)->second; }
};

using AuthedHandler = std::function<server::HttpResponse(Call&)>;

// Wraps a handler: 401 without a valid Bearer token or session cookie, the handler otherwise.
// A request authenticated by the cookie that changes state (anything but GET and HEAD) must
// also pass RefuseCrossSite: browsers attach cookies to cross-site requests, never this header.
server::Handler Authed(ApiServices& services, AuthedHandler handler);

// The dashboard's session: an HttpOnly, SameSite=Strict cookie holding an API token.
inline constexpr char kSessionCookieName[] = "lk_session";
inline constexpr std::chrono::seconds kSessionTtl{12 * 3600};
// The header the dashboard sends with every state-changing request. A cross-site HTML form
// cannot set it, and a cross-site script cannot send it without a CORS preflight the server
// never grants.
inline constexpr char kCsrfHeader[] = "X-Latchkey-CSRF";
// The Set-Cookie value for `token` (an empty token with a zero lifetime clears the cookie).
std::string SessionCookie(std::string const& token, std::chrono::seconds ttl, bool secure);
// The session cookie's token, if the request carries one.
std::optional<std::string> SessionToken(server::HttpRequest const& r);
// 403 for a request that may come from another site: no CSRF header, or an Origin or
// Sec-Fetch-Site naming another site. nullopt when it is the dashboard's own.
std::optional<server::HttpResponse> RefuseCrossSite(server::HttpRequest const& r);

// For routes whose handler always calls providers (registered with Router::AddOutbound): Authed,
// plus one of the caller's slots for such requests in flight (429 with Retry-After without one).
server::Handler AuthedOutbound(ApiServices& services, AuthedHandler handler);
// For handlers that call providers only for some requests (a register or update that verifies):
// takes a slot into `slot`, or returns the 429 to answer.
std::optional<server::HttpResponse> TakeOutboundSlot(ApiServices& services, Call const& call,
                                                     std::optional<OutboundLimiter::Slot>& slot);

// For GET routes whose answer is a function of the caller and the store only: a 200 answer is
// kept under the request's revision and served again until the store changes.
server::Handler AuthedCachedRead(ApiServices& services, AuthedHandler handler);

// Query helpers: an absent parameter is nullopt; a malformed one is kInvalidArgument.
OptString QueryString(server::HttpRequest const& r, char const* name);
Result<std::optional<bool>> QueryBool(server::HttpRequest const& r, char const* name);
Result<std::optional<int64_t>> QueryInt(server::HttpRequest const& r, char const* name);

server::HttpResponse NoContent();
inline server::HttpResponse Ok(nlohmann::json const& body, int status = 200) {
  return server::JsonResponse(status, body);
}
// An error as the API answers it. kUnauthenticated from a use case means a provider (AWS, a
// registry, a cluster) refused a connector's credentials: that is 422, so that 401 always means
// the caller's own API token or password (AuthErr) and clients can act on it. The body's code
// stays "unauthenticated" either way.
inline server::HttpResponse Err(Error const& e) {
  server::HttpResponse response = server::ErrorResponse(e);
  if (e.code == ErrorCode::kUnauthenticated) response.status = 422;
  return response;
}
// The caller's own authentication failed (missing, bad, expired or revoked token; wrong
// password): 401.
inline server::HttpResponse AuthErr(Error const& e) { return server::ErrorResponse(e); }

// Records one audit line (when an audit log is configured). `target_*` name what was acted on.
void Audit(ApiServices& services, Principal const& who, std::string action, std::string target_id,
           std::string target_name, std::string result, OptString resource_type = {},
           OptString resource_id = {});
inline std::string ResultText(Result<void> const& r) {
  return r ? "ok" : AuditLog::ResultOf(r.error());
}

void AddConnectorRoutes(server::Router& router, ApiServices& services);
void AddSecretRoutes(server::Router& router, ApiServices& services);
void AddIdentityRoutes(server::Router& router, ApiServices& services);
void AddStackRoutes(server::Router& router, ApiServices& services);

}  // namespace latchkey::api
