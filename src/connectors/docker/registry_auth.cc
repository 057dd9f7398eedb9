#include "connectors/docker/registry_auth.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "crypto/encoding.h"

namespace latchkey::docker {
namespace {

// Asking for catalog access as well makes the token usable for listing repositories later, and
// token servers grant only what the account may have, so it never makes the login fail.
constexpr char kCatalogScope[] = "registry:catalog:*";

std::string QueryEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

HttpRequest GetRequest(Context const& ctx, std::string url, std::string const& authorization) {
  HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  request.timeout = ctx.timeout;
  if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
  return request;
}

tl::unexpected<Error> AuthFailed(std::string const& registry_id, std::string const& why) {
  return Fail(ErrorCode::kUnauthenticated,
              "authentication to registry " + registry_id + " failed: " + why);
}

// Bodies are left out on purpose: registries and token servers may echo request details.
tl::unexpected<Error> UnexpectedStatus(std::string const& what, HttpResponse const& response) {
  std::string message = what + " answered HTTP " + std::to_string(response.status);
  if (response.status >= 300 && response.status < 400) {
    if (auto location = response.Header("location")) message += " (redirect to " + *location + ")";
  }
  if (response.status == 404) message += "; is this a Docker registry (v2 API)?";
  ErrorCode code =
      response.status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition;
  return Fail(code, message);
}

// The token, from `token` or its OAuth2-style alias `access_token`.
std::optional<std::string> TokenFromBody(std::string const& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  for (char const* key : {"token", "access_token"}) {
    auto it = json.find(key);
    if (it != json.end() && it->is_string() && !it->get<std::string>().empty()) {
      return it->get<std::string>();
    }
  }
  return std::nullopt;
}

}  // namespace

std::string BasicAuthorization(RegistryCredentials const& credentials) {
  return "Basic " + crypto::Base64Encode(credentials.username + ":" + credentials.password);
}

Result<std::string> FetchRegistryToken(Context& ctx, std::string const& registry_id,
                                       AuthChallenge const& challenge,
                                       RegistryCredentials const& credentials,
                                       std::string const& extra_scope) {
  auto realm = challenge.Param("realm");
  // Only web realms: the credentials are about to be sent there.
  if (!realm ||
      !(StartsWith(ToLower(*realm), "https://") || StartsWith(ToLower(*realm), "http://"))) {
    return Fail(ErrorCode::kFailedPrecondition,
                "registry " + registry_id +
                    " asked for bearer-token authentication without an http(s) token realm");
  }
  // The username stays out of the query string (no `account=`): it is a secret field here, and
  // URLs end up in transport error messages.
  std::vector<std::string> query;
  if (auto service = challenge.Param("service"); service && !service->empty()) {
    query.push_back("service=" + QueryEscape(*service));
  }
  auto scope = challenge.Param("scope");
  if (scope && !scope->empty()) query.push_back("scope=" + QueryEscape(*scope));
  if (!extra_scope.empty() && scope != extra_scope) {
    query.push_back("scope=" + QueryEscape(extra_scope));
  }
  std::string url = *realm;
  if (!query.empty()) url += (realm->find('?') == std::string::npos ? "?" : "&") + Join(query, "&");

  auto response = ctx.http.Send(GetRequest(ctx, url, BasicAuthorization(credentials)));
  if (!response) {
    return Fail(response.error(), "cannot reach the token service of registry " + registry_id);
  }
  if (response->status == 401 || response->status == 403) {
    return AuthFailed(registry_id, "the token service at " + *realm +
                                       " rejected the username or password (HTTP " +
                                       std::to_string(response->status) + ")");
  }
  if (response->status != 200) {
    return UnexpectedStatus("the token service of registry " + registry_id + " at " + *realm,
                            *response);
  }
  auto token = TokenFromBody(response->body);
  if (!token) {
    return Fail(ErrorCode::kFailedPrecondition, "the token service of registry " + registry_id +
                                                    " at " + *realm + " answered without a token");
  }
  return *token;
}

Result<void> CheckRegistryLogin(Context& ctx, RegistryEndpoint const& endpoint,
                                RegistryCredentials const& credentials) {
  std::string const& id = endpoint.registry_id;
  std::string base;
  HttpResponse probe;
  Error unreachable{ErrorCode::kUnavailable, "no address to try"};
  std::vector<std::string> attempts;
  for (auto const& candidate : endpoint.base_urls) {
    auto response = ctx.http.Send(GetRequest(ctx, candidate + "/v2/", ""));
    if (response) {
      base = candidate;
      probe = std::move(*response);
      break;
    }
    unreachable = response.error();
    attempts.push_back(response.error().message);
  }
  if (base.empty()) {
    if (!attempts.empty()) unreachable.message = Join(attempts, "; ");
    return Fail(unreachable, "cannot reach registry " + id);
  }

  // An open registry lets anyone in, so there is nothing the credentials could be refused for.
  if (probe.status == 200) return {};
  if (probe.status != 401) return UnexpectedStatus("registry " + id + " (" + base + "/v2/)", probe);

  auto challenges = ChallengesOf(probe);
  std::string authorization;
  // Docker's own client prefers the token flow when a registry offers both.
  if (auto bearer = FindChallenge(challenges, "bearer")) {
    auto token = FetchRegistryToken(ctx, id, *bearer, credentials, kCatalogScope);
    if (!token) return tl::unexpected(token.error());
    authorization = "Bearer " + *token;
  } else if (FindChallenge(challenges, "basic")) {
    authorization = BasicAuthorization(credentials);
  } else {
    return Fail(
        ErrorCode::kFailedPrecondition,
        "registry " + id + " answered 401 without a Basic or Bearer authentication challenge");
  }

  auto response = ctx.http.Send(GetRequest(ctx, base + "/v2/", authorization));
  if (!response) return Fail(response.error(), "cannot reach registry " + id);
  if (response->status == 200) return {};
  if (response->status == 401 || response->status == 403) {
    return AuthFailed(id, authorization.starts_with("Bearer ")
                              ? "the registry refused the token its token service issued (HTTP " +
                                    std::to_string(response->status) + ")"
                              : "the registry rejected the username or password (HTTP " +
                                    std::to_string(response->status) + ")");
  }
  return UnexpectedStatus("registry " + id + " (" + base + "/v2/)", *response);
}

}  // namespace latchkey::docker
