// A registered connector, the resources report that verify/list-resources return, and a secret.
// Their JSON forms (model_json.h) are the one shape used by `-o json`, the store and the REST API.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/time_util.h"

namespace latchkey {

inline constexpr int64_t kDefaultSkewToleranceSeconds = 300;  // upstream's constant

struct Connector {
  std::string id;
  std::string name;
  std::string connector_type;
  std::string auth_method;
  std::vector<std::string> resource_types;
  std::optional<std::string> resource_id;
  bool supports_instances = false;
  nlohmann::json configuration = nlohmann::json::object();  // plain fields, typed values
  std::map<std::string, std::string> secrets;               // secret fields, plaintext in memory
  std::optional<std::string> secret_id;
  std::map<std::string, std::string> labels;
  std::optional<int64_t> expiration_seconds;
  std::optional<TimePoint> expires_at;
  std::optional<int64_t> expires_skew_tolerance;
  std::string description;
  std::string owner;    // user ID ("default" for the embedded store's single user)
  bool shared = false;  // visible to and usable by every user, not just the owner
  // With `shared`: others may read the connector's metadata but not use it (no credentials,
  // verification or resource listing): "use" is a permission of its own.
  bool shared_read_only = false;
  // With `shared` for use: others also get client credentials that are the owner's long-lived
  // secrets (a registry password, a token without expiry, an account key). Without it, a
  // non-owner's client request is served only where the type issues temporary credentials.
  bool share_secrets = false;
  int64_t version = 0;  // bumped by every update; an update names the version it read
  TimePoint created{};
  TimePoint updated{};

  bool IsMultiType() const { return resource_types.size() > 1; }
  bool IsMultiInstance() const { return !IsMultiType() && supports_instances && !resource_id; }
  // A field's value as a string, from the secrets or the configuration.
  std::optional<std::string> Value(std::string const& field) const;
  bool BoolValue(std::string const& field) const;
};

// One skew rule for display and for refusing: a connector counts as expired `skew` seconds early.
bool HasExpired(Connector const& c, TimePoint now);
// "11h59m56s", "Expired!" or "N/A".
std::string ExpiresInText(Connector const& c, TimePoint now);

struct TypedResources {
  std::string resource_type;
  std::optional<std::vector<std::string>> resource_ids;
  std::optional<std::string> error;
};

struct ResourcesReport {
  std::optional<std::string> id;
  std::optional<std::string> name;
  std::string connector_type;
  std::vector<TypedResources> resources;
  std::optional<std::string> error;

  void SetGlobalError(std::string const& message);
  void SetTypeError(std::string const& resource_type, std::string const& message);
  void SetResourceIds(std::string const& resource_type, std::vector<std::string> ids);
};

struct Secret {
  std::string id;
  std::string name;
  std::map<std::string, std::string> values;
  std::string owner;
  bool shared = false;
  TimePoint created{};
  TimePoint updated{};
};

// Approximate heap bytes of a connector (strings, configuration, labels, secrets), for caches
// bounded by bytes.
size_t ApproxBytes(Connector const& c);

}  // namespace latchkey
