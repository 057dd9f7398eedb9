#include "connectors/gcp/gcp_endpoints.h"

#include "common/strings.h"
#include "connectors/gcp/gcp_spec.h"

namespace latchkey::gcp {
namespace {

std::string WithoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::optional<std::string> GcpEndpoints::CustomUrl(std::string const& name) const {
  if (auto it = service.find(name); it != service.end()) return it->second;
  if (api_endpoint) return *api_endpoint;
  return std::nullopt;
}

std::string GcpEndpoints::BaseUrl(std::string const& name) const {
  if (auto custom = CustomUrl(name)) return *custom;
  return "https://" + name + ".googleapis.com";
}

std::string GcpEndpoints::TokenUrl(std::optional<std::string> const& key_token_uri) const {
  if (auto custom = CustomUrl("oauth2")) return *custom + "/token";
  if (key_token_uri && !key_token_uri->empty()) return *key_token_uri;
  return "https://oauth2.googleapis.com/token";
}

GcpEndpoints EndpointsOf(Connector const& c) {
  GcpEndpoints e;
  if (auto v = NonEmpty(c.Value(kApiEndpointField))) e.api_endpoint = WithoutTrailingSlash(*v);
  for (char const* name : kGcpServices) {
    if (auto v = NonEmpty(c.Value(ServiceEndpointField(name)))) {
      e.service[name] = WithoutTrailingSlash(*v);
    }
  }
  return e;
}

void CopyEndpointSettings(Connector const& from, Connector& to) {
  std::vector<std::string> keys = {kApiEndpointField};
  for (char const* name : kGcpServices) keys.push_back(ServiceEndpointField(name));
  for (auto const& key : keys) {
    if (auto v = NonEmpty(from.Value(key))) to.configuration[key] = *v;
  }
}

}  // namespace latchkey::gcp
