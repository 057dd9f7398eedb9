// Where the connector's calls go: Google's public endpoints by default, or the configured
// overrides (a per-service `<service>_endpoint` wins over `api_endpoint`, as in the AWS
// connector). Overrides also win over the token_uri a key file names, so a deployment behind
// private endpoints needs no edited key files.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/model.h"

namespace latchkey::gcp {

struct GcpEndpoints {
  std::optional<std::string> api_endpoint;
  std::map<std::string, std::string> service;  // "storage" -> URL

  // Base URL (no trailing slash) of `service`, e.g. https://storage.googleapis.com.
  std::string BaseUrl(std::string const& name) const;
  std::optional<std::string> CustomUrl(std::string const& name) const;
  // The OAuth2 token endpoint: an override, else `key_token_uri` (from a key file), else
  // Google's.
  std::string TokenUrl(std::optional<std::string> const& key_token_uri) const;
};

GcpEndpoints EndpointsOf(Connector const& c);
// Copies the endpoint settings of `from` into a client connector's configuration.
void CopyEndpointSettings(Connector const& from, Connector& to);

}  // namespace latchkey::gcp
