#include "cli/docker_helper_registry.h"

#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/json_fields.h"
#include "common/strings.h"
#include "connectors/docker/registry_id.h"
#include "service/service_state.h"

namespace latchkey::cli {

std::string HelperRegistryPath(Environment const& env) {
  return LatchkeyHome(env) + "/docker-credential-helper.json";
}

Result<HelperRegistrations> LoadHelperRegistrations(Environment const& env) {
  std::string path = HelperRegistryPath(env);
  std::string text;
  if (!ReadFile(path, text)) return HelperRegistrations{};
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto registries = json.is_object() ? json.find("registries") : json.end();
  if (json.is_discarded() || registries == json.end() || !registries->is_object()) {
    return Fail(ErrorCode::kFailedPrecondition,
                path +
                    " is not a Latchkey credential helper file; remove it and run "
                    "`latchkey service-connector login` again");
  }
  HelperRegistrations out;
  for (auto const& [id, entry] : registries->items()) {
    if (!entry.is_object()) continue;
    HelperRegistration r;
    r.target.connector = JsonString(entry, "connector");
    r.target.resource_type = JsonString(entry, "resource_type");
    r.target.resource_id = JsonString(entry, "resource_id");
    r.connector_name = JsonString(entry, "connector_name");
    if (!r.target.connector.empty()) out[id] = std::move(r);
  }
  return out;
}

Result<void> SaveHelperRegistrations(Environment const& env, HelperRegistrations const& entries) {
  nlohmann::json registries = nlohmann::json::object();
  for (auto const& [id, r] : entries) {
    registries[id] = {{"connector", r.target.connector},
                      {"connector_name", r.connector_name},
                      {"resource_type", r.target.resource_type},
                      {"resource_id", r.target.resource_id}};
  }
  if (auto dir = EnsureDirectory(LatchkeyHome(env), 0700); !dir) return dir;
  nlohmann::json doc = {{"registries", registries}};
  return WriteFileAtomic(HelperRegistryPath(env), doc.dump(2) + "\n", 0600);
}

std::optional<HelperRegistration> FindHelperRegistration(HelperRegistrations const& entries,
                                                         std::string const& server_url) {
  auto id = docker::CanonicalRegistryId(Trim(server_url));
  if (!id) return std::nullopt;
  auto it = entries.find(*id);
  if (it == entries.end()) return std::nullopt;
  return it->second;
}

}  // namespace latchkey::cli
