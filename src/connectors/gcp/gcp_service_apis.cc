#include "connectors/gcp/gcp_service_apis.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "http/url_encoding.h"

namespace latchkey::gcp {
namespace {

constexpr int kMaxPages = 100;  // a bound, so a misbehaving server cannot loop us forever

Result<nlohmann::json> GetJson(GcpApi const& api, std::string const& url) {
  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  auto response = SendGoogle(api.ctx, api.tokens, request);
  if (!response) return tl::unexpected(response.error());
  auto j = nlohmann::json::parse(response->body, nullptr, false);
  if (!j.is_object()) return Fail(ErrorCode::kUnavailable, "the API answered with no JSON object");
  return j;
}

// Follows nextPageToken, handing each page to `each`.
template <class Each>
Result<void> EachPage(GcpApi const& api, std::string const& url, Each each) {
  std::string page_token;
  for (int page = 0; page < kMaxPages; ++page) {
    std::string page_url = url;
    if (!page_token.empty()) {
      page_url += (url.find('?') == std::string::npos ? "?" : "&");
      page_url += "pageToken=" + UrlEncode(page_token);
    }
    auto j = GetJson(api, page_url);
    if (!j) return tl::unexpected(j.error());
    each(*j);
    page_token = j->value("nextPageToken", std::string());
    if (page_token.empty()) return {};
  }
  return Fail(ErrorCode::kUnavailable, "the API kept answering with more pages");
}

}  // namespace

Result<std::vector<std::string>> ListBuckets(GcpApi const& api, std::string const& project) {
  std::vector<std::string> names;
  auto ok = EachPage(api,
                     fmt::format("{}/storage/v1/b?project={}&projection=noAcl",
                                 api.endpoints.BaseUrl("storage"), UrlEncode(project)),
                     [&](nlohmann::json const& page) {
                       for (auto const& b : JsonArrayAt(page, "items")) {
                         if (auto n = JsonString(b, "name"); !n.empty()) names.push_back(n);
                       }
                     });
  if (!ok) return tl::unexpected(ok.error());
  return names;
}

Result<void> CheckBucketAccess(GcpApi const& api, std::string const& bucket) {
  auto j = GetJson(api, fmt::format("{}/storage/v1/b/{}/o?maxResults=1&fields=items/name",
                                    api.endpoints.BaseUrl("storage"), UrlEncode(bucket)));
  if (!j) return tl::unexpected(j.error());
  return {};
}

Result<std::vector<GkeCluster>> ListGkeClusters(GcpApi const& api, std::string const& project,
                                                std::string const& location) {
  auto j = GetJson(api, fmt::format("{}/v1/projects/{}/locations/{}/clusters",
                                    api.endpoints.BaseUrl("container"), UrlEncode(project),
                                    UrlEncode(location)));
  if (!j) return tl::unexpected(j.error());
  std::vector<GkeCluster> clusters;
  for (auto const& c : JsonArrayAt(*j, "clusters")) {
    GkeCluster cluster{JsonString(c, "name"), JsonString(c, "location"), JsonString(c, "endpoint"),
                       ""};
    if (auto auth = c.find("masterAuth"); auth != c.end() && auth->is_object()) {
      cluster.ca_base64 = JsonString(*auth, "clusterCaCertificate");
    }
    if (!cluster.name.empty()) clusters.push_back(std::move(cluster));
  }
  return clusters;
}

Result<std::vector<RegistryId>> ListDockerRepositories(GcpApi const& api,
                                                       std::string const& project) {
  std::string base = api.endpoints.BaseUrl("artifactregistry");
  std::vector<std::string> locations;
  auto ok = EachPage(api, fmt::format("{}/v1/projects/{}/locations", base, UrlEncode(project)),
                     [&](nlohmann::json const& page) {
                       for (auto const& l : JsonArrayAt(page, "locations")) {
                         if (auto id = JsonString(l, "locationId"); !id.empty())
                           locations.push_back(id);
                       }
                     });
  if (!ok) return tl::unexpected(ok.error());
  std::vector<RegistryId> out;
  for (auto const& location : locations) {
    auto listed = EachPage(api,
                           fmt::format("{}/v1/projects/{}/locations/{}/repositories", base,
                                       UrlEncode(project), UrlEncode(location)),
                           [&](nlohmann::json const& page) {
                             for (auto const& r : JsonArrayAt(page, "repositories")) {
                               if (JsonString(r, "format") != "DOCKER") continue;
                               if (auto id = ParseRegistryId(JsonString(r, "name")))
                                 out.push_back(*id);
                             }
                           });
    if (!listed) return tl::unexpected(listed.error());
  }
  return out;
}

}  // namespace latchkey::gcp
