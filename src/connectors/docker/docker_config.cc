#include "connectors/docker/docker_config.h"

#include <filesystem>

#include "common/file_util.h"
#include "common/strings.h"
#include "connectors/docker/registry_id.h"
#include "crypto/encoding.h"

namespace latchkey::docker {
namespace {

namespace fs = std::filesystem;

tl::unexpected<Error> NotUsable(std::string const& path, std::string const& why) {
  return Fail(ErrorCode::kFailedPrecondition,
              "the Docker client configuration " + path + " " + why +
                  "; fix or move the file, then try again (it was left untouched)");
}

// Same registry, however the key is spelled ("https://host/v2/", "host", ...).
bool SameRegistry(std::string const& key, std::string const& registry_id) {
  auto id = CanonicalRegistryId(key);
  return id ? *id == registry_id : key == registry_id;
}

// A symlinked config.json (dotfile managers do this) is updated where it points, not replaced.
std::string WriteTarget(std::string const& path) {
  std::error_code ec;
  if (!fs::is_symlink(path, ec)) return path;
  auto target = fs::canonical(path, ec);
  return ec ? path : target.string();
}

Result<void> WriteDockerConfig(std::string const& path, DockerConfigJson const& config) {
  // `replace` keeps dump() from throwing on invalid UTF-8 in values we did not write ourselves.
  std::string text = config.dump(2, ' ', false, nlohmann::detail::error_handler_t::replace) + "\n";
  return WriteFileAtomic(WriteTarget(path), text, 0600);
}

}  // namespace

std::string DockerConfigPath(Environment const& env) {
  if (auto dir = env.Get("DOCKER_CONFIG"); dir && !dir->empty()) {
    return (fs::path(*dir) / "config.json").string();
  }
  return (fs::path(env.Home()) / ".docker" / "config.json").string();
}

Result<std::optional<DockerConfigJson>> ReadDockerConfig(std::string const& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Fail(ErrorCode::kUnavailable, "cannot read " + path + ": " + ec.message());
    }
    return std::optional<DockerConfigJson>();
  }
  std::string text;
  if (!ReadFile(path, text)) return Fail(ErrorCode::kUnavailable, "cannot read " + path);
  if (Trim(text).empty()) return std::optional<DockerConfigJson>(DockerConfigJson::object());
  auto config = DockerConfigJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded()) return NotUsable(path, "is not valid JSON");
  if (!config.is_object()) return NotUsable(path, "is not a JSON object");
  for (char const* key : {"auths", "credHelpers"}) {
    auto it = config.find(key);
    if (it != config.end() && !it->is_object() && !it->is_null()) {
      return NotUsable(path, std::string("has an '") + key + "' value that is not an object");
    }
  }
  return std::optional<DockerConfigJson>(std::move(config));
}

DockerConfigJson WithDockerLogin(DockerConfigJson config, std::string const& key,
                                 RegistryCredentials const& credentials) {
  if (!config.is_object()) config = DockerConfigJson::object();
  auto& auths = config["auths"];
  if (!auths.is_object()) auths = DockerConfigJson::object();
  DockerConfigJson entry = DockerConfigJson::object();
  entry["auth"] = crypto::Base64Encode(credentials.username + ":" + credentials.password);
  auths[key] = std::move(entry);
  return config;
}

std::optional<std::string> ShadowingCredentialHelper(DockerConfigJson const& config,
                                                     std::string const& registry_id) {
  if (auto helpers = config.find("credHelpers"); helpers != config.end() && helpers->is_object()) {
    for (auto const& [key, helper] : helpers->items()) {
      if (helper.is_string() && !helper.get<std::string>().empty() &&
          SameRegistry(key, registry_id)) {
        return helper.get<std::string>();
      }
    }
  }
  if (auto store = config.find("credsStore");
      store != config.end() && store->is_string() && !store->get<std::string>().empty()) {
    return store->get<std::string>();
  }
  return std::nullopt;
}

Result<DockerConfigUpdate> StoreDockerLogin(std::string const& path, std::string const& key,
                                            RegistryCredentials const& credentials) {
  auto existing = ReadDockerConfig(path);
  if (!existing) return tl::unexpected(existing.error());
  DockerConfigJson config = existing->value_or(DockerConfigJson::object());
  config = WithDockerLogin(std::move(config), key, credentials);
  if (auto written = WriteDockerConfig(path, config); !written) {
    return tl::unexpected(written.error());
  }
  DockerConfigUpdate update;
  update.path = path;
  auto registry_id = CanonicalRegistryId(key);
  update.shadowing_helper = ShadowingCredentialHelper(config, registry_id ? *registry_id : key);
  return update;
}

DockerConfigJson WithCredentialHelper(DockerConfigJson config, std::string const& key,
                                      std::string const& registry_id, std::string const& helper) {
  if (!config.is_object()) config = DockerConfigJson::object();
  if (auto auths = config.find("auths"); auths != config.end() && auths->is_object()) {
    for (auto it = auths->begin(); it != auths->end();) {
      it = SameRegistry(it.key(), registry_id) ? auths->erase(it) : std::next(it);
    }
  }
  auto& helpers = config["credHelpers"];
  if (!helpers.is_object()) helpers = DockerConfigJson::object();
  for (auto it = helpers.begin(); it != helpers.end();) {
    it = SameRegistry(it.key(), registry_id) && it.key() != key ? helpers.erase(it) : std::next(it);
  }
  helpers[key] = helper;
  return config;
}

Result<void> StoreCredentialHelper(std::string const& path, std::string const& key,
                                   std::string const& registry_id, std::string const& helper) {
  auto existing = ReadDockerConfig(path);
  if (!existing) return tl::unexpected(existing.error());
  DockerConfigJson config = existing->value_or(DockerConfigJson::object());
  return WriteDockerConfig(path, WithCredentialHelper(std::move(config), key, registry_id, helper));
}

Result<bool> RemoveCredentialHelper(std::string const& path, std::string const& registry_id,
                                    std::string const& helper) {
  auto existing = ReadDockerConfig(path);
  if (!existing) return tl::unexpected(existing.error());
  if (!*existing) return false;
  DockerConfigJson config = std::move(**existing);
  auto helpers = config.find("credHelpers");
  if (helpers == config.end() || !helpers->is_object()) return false;
  bool changed = false;
  for (auto it = helpers->begin(); it != helpers->end();) {
    bool ours = it->is_string() && it->get<std::string>() == helper;
    if (ours && SameRegistry(it.key(), registry_id)) {
      it = helpers->erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  if (!changed) return false;
  if (auto written = WriteDockerConfig(path, config); !written) {
    return tl::unexpected(written.error());
  }
  return true;
}

}  // namespace latchkey::docker
