#include "connectors/azure/entra_token.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/strings.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "http/upstream_name.h"
#include "http/url_encoding.h"

namespace latchkey::azure {
namespace {

// Bounded by entries and bytes; when full, the token closest to expiry goes first.
constexpr size_t kMaxEntraTokens = 1024;
constexpr size_t kMaxEntraTokenBytes = size_t{4} << 20;

struct Cache {
  std::mutex mu;
  std::map<std::string, AccessToken> tokens;
  size_t bytes = 0;
};

size_t EntraTokenCost(std::string const& key, AccessToken const& t) {
  return key.size() + t.token.size() + sizeof(AccessToken) + 64;
}

Cache& TheCache() {
  static auto* cache = new Cache();
  return *cache;
}

// The secret enters the key only as a hash, so a rotated secret never reuses an old token and
// the cache holds no secret.
std::string CacheKey(ClientCredentials const& c, std::string const& scope) {
  return crypto::HexEncode(crypto::Sha256(c.authority_host + "\n" + c.tenant_id + "\n" +
                                          c.client_id + "\n" + c.client_secret + "\n" + scope));
}

Error TokenError(HttpResponse const& r, ClientCredentials const& c) {
  std::string code, description;
  try {
    auto doc = nlohmann::json::parse(r.body);
    code = JsonString(doc, "error");
    description = FirstLine(JsonString(doc, "error_description"));
  } catch (nlohmann::json::exception const&) {
  }
  bool refused = code == "invalid_client" || code == "unauthorized_client" || r.status == 401;
  std::string what = refused ? fmt::format(
                                   "Entra ID refused the credentials of service principal "
                                   "'{}' in tenant '{}'",
                                   c.client_id, c.tenant_id)
                             : fmt::format(
                                   "Entra ID did not issue a token for service "
                                   "principal '{}'",
                                   c.client_id);
  std::string detail = fmt::format(" (HTTP {}{})", r.status, code.empty() ? "" : " " + code);
  if (!description.empty()) detail += ": " + description;
  // A token endpoint may quote the request back: the client secret never reaches a message.
  ReplaceAll(detail, c.client_secret, "[HIDDEN]");
  if (!r.url.empty()) detail += " (from " + UrlOrigin(r.url) + ")";
  return Error{refused ? ErrorCode::kUnauthenticated : ErrorCode::kUnavailable, what + detail};
}

}  // namespace

Result<AccessToken> ClientCredentialsToken(Context& ctx, ClientCredentials const& c,
                                           std::string const& scope) {
  std::string key = CacheKey(c, scope);
  {
    std::lock_guard lock(TheCache().mu);
    auto it = TheCache().tokens.find(key);
    if (it != TheCache().tokens.end() && it->second.expires_at - kTokenRefreshMargin > ctx.now) {
      return it->second;
    }
  }
  std::string authority = c.authority_host;
  while (EndsWith(authority, "/")) authority.pop_back();
  HttpRequest request;
  request.method = "POST";
  request.url = fmt::format("{}/{}/oauth2/v2.0/token", authority, UrlEncode(c.tenant_id));
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.safe_to_repeat = true;  // mints a token; the client secret stays valid
  request.body = fmt::format("grant_type=client_credentials&client_id={}&client_secret={}&scope={}",
                             UrlEncode(c.client_id), UrlEncode(c.client_secret), UrlEncode(scope));
  request.timeout = ctx.timeout;
  auto r = ctx.http.Send(request);
  if (!r) return Fail(r.error(), "cannot reach Entra ID at " + authority);
  if (r->status != 200) return tl::unexpected(TokenError(*r, c));
  AccessToken token;
  try {
    auto doc = nlohmann::json::parse(r->body);
    token.token = doc.at("access_token").get<std::string>();
    auto const& lifetime = doc.at("expires_in");
    double expires_in =
        lifetime.is_string() ? std::stod(lifetime.get<std::string>()) : lifetime.get<double>();
    // A year at most: a huge or fractional number must not overflow the time.
    token.expires_at = ctx.now + ClampedSeconds(expires_in, std::chrono::hours(24 * 366));
  } catch (std::exception const&) {
    return Fail(ErrorCode::kUnavailable,
                "Entra ID answered the token request without an "
                "access_token and expires_in");
  }
  Cache& cache = TheCache();
  std::lock_guard lock(cache.mu);
  if (auto it = cache.tokens.find(key); it != cache.tokens.end()) {
    cache.bytes -= EntraTokenCost(it->first, it->second);
    cache.tokens.erase(it);
  }
  size_t cost = EntraTokenCost(key, token);
  while (!cache.tokens.empty() &&
         (cache.tokens.size() >= kMaxEntraTokens || cache.bytes + cost > kMaxEntraTokenBytes)) {
    auto first = cache.tokens.begin();
    for (auto it = cache.tokens.begin(); it != cache.tokens.end(); ++it) {
      if (it->second.expires_at < first->second.expires_at) first = it;
    }
    cache.bytes -= EntraTokenCost(first->first, first->second);
    cache.tokens.erase(first);
  }
  cache.tokens.emplace(key, token);
  cache.bytes += cost;
  return token;
}

void ClearTokenCache() {
  std::lock_guard lock(TheCache().mu);
  TheCache().tokens.clear();
  TheCache().bytes = 0;
}

CacheUsage TokenCacheUsage() {
  std::lock_guard lock(TheCache().mu);
  return {TheCache().tokens.size(), TheCache().bytes, kMaxEntraTokens, kMaxEntraTokenBytes};
}

}  // namespace latchkey::azure
