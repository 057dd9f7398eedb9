#include "connectors/azure/arm_api.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/strings.h"
#include "connectors/azure/azure_error.h"
#include "crypto/encoding.h"
#include "http/url_encoding.h"

namespace latchkey::azure {
namespace {

constexpr char kSubscriptionsApi[] = "2020-01-01";
constexpr char kStorageApi[] = "2023-01-01";
constexpr char kAksApi[] = "2024-02-01";
constexpr char kAcrApi[] = "2023-07-01";

Error ArmError(HttpResponse const& r, std::string const& what) {
  std::string code, message;
  try {
    auto doc = nlohmann::json::parse(r.body);
    code = JsonString(JsonObjectAt(doc, "error"), "code");
    message = JsonString(JsonObjectAt(doc, "error"), "message");
  } catch (nlohmann::json::exception const&) {
  }
  return AzureServiceError(r.status, code, message, what, r.url);
}

Result<nlohmann::json> Call(Context& ctx, ArmTarget const& arm, std::string const& method,
                            std::string const& url, std::string const& what) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers = {{"Authorization", "Bearer " + arm.token}, {"Accept", "application/json"}};
  if (method == "POST") request.headers.emplace_back("Content-Length", "0");
  request.timeout = ctx.timeout;
  auto r = ctx.http.Send(request);
  if (!r) return Fail(r.error(), "cannot reach Azure Resource Manager at " + arm.endpoint);
  if (r->status != 200) return tl::unexpected(ArmError(*r, what));
  try {
    return nlohmann::json::parse(r->body);
  } catch (nlohmann::json::exception const&) {
    return Fail(ErrorCode::kUnavailable, what +
                                             ": Azure Resource Manager answered with "
                                             "malformed JSON");
  }
}

// Every item of a list answer, following nextLink (bounded, against a looping server).
Result<std::vector<nlohmann::json>> ListAll(Context& ctx, ArmTarget const& arm, std::string url,
                                            std::string const& what) {
  std::vector<nlohmann::json> items;
  for (int page = 0; page < 100 && !url.empty(); ++page) {
    auto doc = Call(ctx, arm, "GET", url, what);
    if (!doc) return tl::unexpected(doc.error());
    if (doc->contains("value") && (*doc)["value"].is_array()) {
      for (auto const& v : (*doc)["value"]) items.push_back(v);
    }
    url = doc->value("nextLink", "");
  }
  return items;
}

std::string ScopeUrl(ArmTarget const& arm, std::string const& subscription,
                     std::optional<std::string> const& group) {
  std::string s = arm.endpoint + "/subscriptions/" + UrlEncode(subscription);
  if (group && !group->empty()) s += "/resourceGroups/" + UrlEncode(*group);
  return s;
}

std::string Str(nlohmann::json const& j, std::initializer_list<char const*> path) {
  nlohmann::json const* cur = &j;
  for (char const* p : path) {
    if (!cur->is_object() || !cur->contains(p)) return "";
    cur = &(*cur)[p];
  }
  return cur->is_string() ? cur->get<std::string>() : "";
}

Result<std::vector<ArmResource>> ListResources(Context& ctx, ArmTarget const& arm,
                                               std::string const& subscription,
                                               std::optional<std::string> const& group,
                                               std::string const& provider, std::string const& api,
                                               std::string const& what,
                                               std::initializer_list<char const*> endpoint) {
  auto items = ListAll(ctx, arm,
                       fmt::format("{}/providers/{}?api-version={}",
                                   ScopeUrl(arm, subscription, group), provider, api),
                       what);
  if (!items) return tl::unexpected(items.error());
  std::vector<ArmResource> out;
  for (auto const& item : *items) {
    out.push_back({Str(item, {"name"}), ResourceGroupOf(Str(item, {"id"})), Str(item, endpoint)});
  }
  return out;
}

}  // namespace

std::string ResourceGroupOf(std::string const& arm_id) {
  auto parts = Split(arm_id, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (ToLower(parts[i]) == "resourcegroups") return parts[i + 1];
  }
  return "";
}

Result<Subscription> GetSubscription(Context& ctx, ArmTarget const& arm, std::string const& id) {
  auto doc = Call(ctx, arm, "GET",
                  fmt::format("{}/subscriptions/{}?api-version={}", arm.endpoint, UrlEncode(id),
                              kSubscriptionsApi),
                  fmt::format("reading subscription {}", id));
  if (!doc) return tl::unexpected(doc.error());
  return Subscription{Str(*doc, {"subscriptionId"}), Str(*doc, {"displayName"}),
                      Str(*doc, {"tenantId"})};
}

Result<std::vector<Subscription>> ListSubscriptions(Context& ctx, ArmTarget const& arm) {
  auto items = ListAll(
      ctx, arm, fmt::format("{}/subscriptions?api-version={}", arm.endpoint, kSubscriptionsApi),
      "listing subscriptions");
  if (!items) return tl::unexpected(items.error());
  std::vector<Subscription> out;
  for (auto const& s : *items) {
    out.push_back({Str(s, {"subscriptionId"}), Str(s, {"displayName"}), Str(s, {"tenantId"})});
  }
  return out;
}

Result<std::vector<ArmResource>> ListStorageAccounts(Context& ctx, ArmTarget const& arm,
                                                     std::string const& subscription,
                                                     std::optional<std::string> const& group) {
  return ListResources(ctx, arm, subscription, group, "Microsoft.Storage/storageAccounts",
                       kStorageApi, "listing storage accounts",
                       {"properties", "primaryEndpoints", "blob"});
}

Result<std::vector<ArmResource>> ListAksClusters(Context& ctx, ArmTarget const& arm,
                                                 std::string const& subscription,
                                                 std::optional<std::string> const& group) {
  return ListResources(ctx, arm, subscription, group, "Microsoft.ContainerService/managedClusters",
                       kAksApi, "listing AKS clusters", {"properties", "fqdn"});
}

Result<std::vector<ArmResource>> ListAcrRegistries(Context& ctx, ArmTarget const& arm,
                                                   std::string const& subscription,
                                                   std::optional<std::string> const& group) {
  return ListResources(ctx, arm, subscription, group, "Microsoft.ContainerRegistry/registries",
                       kAcrApi, "listing ACR registries", {"properties", "loginServer"});
}

Result<std::string> AksUserKubeconfig(Context& ctx, ArmTarget const& arm,
                                      std::string const& subscription, std::string const& group,
                                      std::string const& name) {
  std::string what = fmt::format("getting the user credentials of AKS cluster {}/{}", group, name);
  auto doc = Call(ctx, arm, "POST",
                  fmt::format("{}/providers/Microsoft.ContainerService/managedClusters/{}/"
                              "listClusterUserCredential?api-version={}",
                              ScopeUrl(arm, subscription, group), UrlEncode(name), kAksApi),
                  what);
  if (!doc) return tl::unexpected(doc.error());
  if (!doc->contains("kubeconfigs") || !(*doc)["kubeconfigs"].is_array() ||
      (*doc)["kubeconfigs"].empty()) {
    return Fail(ErrorCode::kUnavailable, what + ": no kubeconfig in the answer");
  }
  auto decoded = crypto::Base64Decode(Str((*doc)["kubeconfigs"][0], {"value"}));
  if (!decoded) return Fail(ErrorCode::kUnavailable, what + ": the kubeconfig is not base64");
  return *decoded;
}

}  // namespace latchkey::azure
