#include "connectors/azure/implicit_token.h"

#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "connectors/aws/uri_encoding.h"
#include "connectors/azure/az_cli.h"

namespace latchkey::azure {
namespace {

// az prints `expiresOn` in the local time of the machine it ran on ("2026-11-23 22:41:07.123456",
// no zone), so it is read with mktime, which applies the local zone and its DST rule.
std::optional<TimePoint> ParseLocalTime(std::string const& text) {
  std::tm tm{};
  char extra = 0;
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon,
                      &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &extra);
  if (n < 6 || (n == 7 && extra != '.')) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return TimePoint(std::chrono::seconds(static_cast<int64_t>(t)));
}

// Clamped (time_util.h): a huge, negative or fractional number must not overflow a time.
std::chrono::seconds IntOrString(nlohmann::json const& v) {
  return ClampedSeconds(v.is_string() ? std::stod(v.get<std::string>()) : v.get<double>(),
                        kLatestTimestamp);
}

// GET {IDENTITY_ENDPOINT}?resource=...&api-version=2019-08-01 with X-IDENTITY-HEADER (App
// Service, Functions, Container Apps, Arc-less hosts): the managed identity's token.
Result<AccessToken> ManagedIdentityToken(Context& ctx, std::string const& endpoint,
                                         std::string const& header,
                                         std::optional<std::string> const& client_id,
                                         std::string const& resource) {
  HttpRequest request;
  request.url =
      fmt::format("{}{}resource={}&api-version=2019-08-01", endpoint,
                  endpoint.find('?') == std::string::npos ? "?" : "&", aws::UriEncode(resource));
  if (client_id) request.url += "&client_id=" + aws::UriEncode(*client_id);
  request.instance_metadata = true;  // IDENTITY_ENDPOINT: the server's environment
  request.headers = {{"X-IDENTITY-HEADER", header}, {"Accept", "application/json"}};
  request.timeout = ctx.timeout;
  auto r = ctx.http.Send(request);
  if (!r) return Fail(r.error(), "cannot reach the managed identity endpoint");
  if (r->status != 200) {
    return Fail(r->status == 401 || r->status == 403 ? ErrorCode::kUnauthenticated
                                                     : ErrorCode::kUnavailable,
                fmt::format("the managed identity endpoint refused a token for {} (HTTP {})",
                            resource, r->status));
  }
  try {
    auto doc = nlohmann::json::parse(r->body);
    AccessToken t{doc.at("access_token").get<std::string>(), ctx.now + std::chrono::hours(1)};
    if (doc.contains("expires_on")) {
      t.expires_at = TimePoint(IntOrString(doc["expires_on"]));
    } else if (doc.contains("expires_in")) {
      t.expires_at = ctx.now + IntOrString(doc["expires_in"]);
    }
    return t;
  } catch (std::exception const&) {
    return Fail(ErrorCode::kUnavailable,
                "the managed identity endpoint answered without an access_token");
  }
}

Result<AccessToken> AzCliToken(std::optional<std::string> const& tenant_id,
                               std::string const& resource) {
  std::vector<std::string> argv = {"az",         "account", "get-access-token", "-o", "json",
                                   "--resource", resource};
  if (tenant_id) {
    argv.push_back("--tenant");
    argv.push_back(*tenant_id);
  }
  auto out = RunCommand(argv);
  if (!out) {
    return Fail(ErrorCode::kUnauthenticated,
                "no Azure identity found: set AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/"
                "AZURE_TENANT_ID, run on a managed identity, or log in with `az login` (" +
                    out.error().message + ")");
  }
  if (out->exit_status != 0) {
    return Fail(ErrorCode::kUnauthenticated,
                "`az account get-access-token` failed: " + FirstLine(out->stderr_text));
  }
  return ParseAzCliToken(out->stdout_text);
}

}  // namespace

Result<AccessToken> ParseAzCliToken(std::string const& json) {
  try {
    auto doc = nlohmann::json::parse(json);
    AccessToken t{doc.at("accessToken").get<std::string>(), {}};
    if (doc.contains("expires_on")) {
      t.expires_at = TimePoint(IntOrString(doc["expires_on"]));
    } else {
      auto parsed = ParseLocalTime(doc.at("expiresOn").get<std::string>());
      if (!parsed) {
        return Fail(ErrorCode::kUnavailable,
                    "`az account get-access-token` printed an expiresOn that is not "
                    "'YYYY-MM-DD HH:MM:SS'");
      }
      t.expires_at = *parsed;
    }
    return t;
  } catch (std::exception const&) {
    return Fail(ErrorCode::kUnavailable,
                "`az account get-access-token` printed no accessToken and expiry");
  }
}

Result<AccessToken> ImplicitToken(Context& ctx, AzureEndpoints const& endpoints,
                                  std::optional<std::string> const& tenant_id,
                                  std::optional<std::string> const& client_id,
                                  std::string const& resource) {
  auto env_client = NonEmpty(ctx.env.Get("AZURE_CLIENT_ID"));
  auto env_secret = NonEmpty(ctx.env.Get("AZURE_CLIENT_SECRET"));
  auto env_tenant = NonEmpty(ctx.env.Get("AZURE_TENANT_ID"));
  if (env_client && env_secret && env_tenant) {
    ClientCredentials creds{
        NonEmpty(ctx.env.Get("AZURE_AUTHORITY_HOST")).value_or(endpoints.authority_host),
        *env_tenant, *env_client, *env_secret};
    return ClientCredentialsToken(ctx, creds, resource + ".default");
  }
  auto endpoint = NonEmpty(ctx.env.Get("IDENTITY_ENDPOINT"));
  auto header = NonEmpty(ctx.env.Get("IDENTITY_HEADER"));
  if (endpoint && header) {
    return ManagedIdentityToken(ctx, *endpoint, *header,
                                client_id ? client_id : NonEmpty(ctx.env.Get("AZURE_CLIENT_ID")),
                                resource);
  }
  return AzCliToken(tenant_id, resource);
}

}  // namespace latchkey::azure
