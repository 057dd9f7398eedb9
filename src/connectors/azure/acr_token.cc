#include "connectors/azure/acr_token.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/aws/uri_encoding.h"
#include "connectors/azure/azure_credentials.h"

namespace latchkey::azure {

std::string AcrBaseUrl(std::string const& login_server) {
  std::string url =
      login_server.find("://") == std::string::npos ? "https://" + login_server : login_server;
  while (EndsWith(url, "/")) url.pop_back();
  return url;
}

std::string AcrHost(std::string const& base_url) {
  std::string host = base_url.substr(base_url.find("://") + 3);
  return host.substr(0, host.find('/'));
}

Result<AccessToken> ExchangeAcrRefreshToken(Context& ctx, std::string const& login_server,
                                            std::string const& aad_token,
                                            std::optional<std::string> const& tenant_id) {
  std::string base = AcrBaseUrl(login_server);
  HttpRequest request;
  request.method = "POST";
  request.url = base + "/oauth2/exchange";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = fmt::format("grant_type=access_token&service={}&access_token={}",
                             aws::UriEncode(AcrHost(base)), aws::UriEncode(aad_token));
  if (tenant_id) request.body += "&tenant=" + aws::UriEncode(*tenant_id);
  request.timeout = ctx.timeout;
  request.safe_to_repeat = true;  // mints a refresh token; the Entra ID token stays valid
  auto r = ctx.http.Send(request);
  if (!r) return Fail(r.error(), "cannot reach the ACR registry at " + base);
  if (r->status != 200 && r->status != 401 && r->status != 403) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("the ACR registry {} answered the token exchange with HTTP {}",
                            AcrHost(base), r->status));
  }
  if (r->status != 200) {
    return Fail(r->status == 401 || r->status == 403 ? ErrorCode::kPermissionDenied
                                                     : ErrorCode::kUnavailable,
                fmt::format("the ACR registry {} refused to exchange the Entra ID token (HTTP "
                            "{}); the identity needs a role on the registry such as AcrPull",
                            AcrHost(base), r->status));
  }
  try {
    auto doc = nlohmann::json::parse(r->body);
    AccessToken t{doc.at("refresh_token").get<std::string>(), ctx.now + std::chrono::hours(3)};
    if (auto exp = JwtExpiry(t.token)) t.expires_at = *exp;
    return t;
  } catch (std::exception const&) {
    return Fail(ErrorCode::kUnavailable,
                "the ACR registry answered the token exchange without "
                "a refresh_token");
  }
}

}  // namespace latchkey::azure
