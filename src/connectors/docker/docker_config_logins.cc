#include "connectors/docker/docker_config_logins.h"

#include <algorithm>
#include <vector>

#include "common/strings.h"
#include "connectors/docker/registry_id.h"
#include "crypto/encoding.h"

namespace latchkey::docker {
namespace {

struct Candidate {
  std::string key;
  std::string registry_id;
  DockerConfigJson const* entry = nullptr;  // null: the registry only appears in credHelpers
};

std::string RegistryIdOfKey(std::string const& key) {
  auto id = CanonicalRegistryId(key);
  return id ? *id : key;
}

std::vector<Candidate> Candidates(DockerConfigJson const& config) {
  std::vector<Candidate> out;
  if (auto auths = config.find("auths"); auths != config.end() && auths->is_object()) {
    for (auto it = auths->begin(); it != auths->end(); ++it) {
      out.push_back(Candidate{it.key(), RegistryIdOfKey(it.key()), &it.value()});
    }
  }
  if (auto helpers = config.find("credHelpers"); helpers != config.end() && helpers->is_object()) {
    for (auto it = helpers->begin(); it != helpers->end(); ++it) {
      std::string id = RegistryIdOfKey(it.key());
      bool known = std::any_of(out.begin(), out.end(),
                               [&](Candidate const& c) { return c.registry_id == id; });
      if (!known) out.push_back(Candidate{it.key(), id, nullptr});
    }
  }
  return out;
}

std::optional<std::string> EntryString(DockerConfigJson const* entry, char const* name) {
  if (!entry || !entry->is_object()) return std::nullopt;
  auto it = entry->find(name);
  if (it == entry->end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

std::string HelperNote(std::optional<std::string> const& helper) {
  if (!helper) return "";
  return "; logins may be kept by the credential helper 'docker-credential-" + *helper +
         "', which cannot be lifted";
}

Result<RegistryCredentials> CredentialsOf(Candidate const& c, DockerConfigJson const& config,
                                          std::string const& path) {
  std::string where = "the login for registry " + c.registry_id + " in " + path;
  if (auto auth = EntryString(c.entry, "auth")) {
    auto decoded = crypto::Base64Decode(*auth);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  where + " has an 'auth' value that is not base64 of 'username:password'");
    }
    return RegistryCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  auto username = EntryString(c.entry, "username");
  auto password = EntryString(c.entry, "password");
  if (username && password) return RegistryCredentials{*username, *password};
  if (EntryString(c.entry, "identitytoken")) {
    return Fail(ErrorCode::kFailedPrecondition,
                where +
                    " is an identity (OAuth refresh) token, not a username and password; "
                    "create the connector with --username and --password instead");
  }
  if (auto helper = ShadowingCredentialHelper(config, c.registry_id)) {
    return Fail(ErrorCode::kFailedPrecondition,
                where + " is kept by the credential helper 'docker-credential-" + *helper +
                    "' and cannot be lifted from the configuration file; create the connector "
                    "with --username and --password instead");
  }
  return Fail(ErrorCode::kFailedPrecondition, where + " holds no username and password");
}

}  // namespace

Result<DockerLogin> FindDockerLogin(DockerConfigJson const& config, std::string const& path,
                                    std::optional<std::string> const& registry_id) {
  std::vector<Candidate> candidates = Candidates(config);
  std::vector<std::string> ids;
  for (auto const& c : candidates) {
    if (std::find(ids.begin(), ids.end(), c.registry_id) == ids.end()) ids.push_back(c.registry_id);
  }
  std::optional<std::string> store;
  if (auto s = config.find("credsStore");
      s != config.end() && s->is_string() && !s->get<std::string>().empty()) {
    store = s->get<std::string>();
  }

  std::string wanted;
  if (registry_id) {
    wanted = *registry_id;
    if (std::find(ids.begin(), ids.end(), wanted) == ids.end()) {
      return Fail(ErrorCode::kNotFound,
                  "no login for registry " + wanted + " in " + path +
                      (ids.empty() ? std::string() : "; it has logins for: " + Join(ids, ", ")) +
                      HelperNote(store));
    }
  } else if (ids.empty()) {
    return Fail(ErrorCode::kNotFound, "no registry logins in " + path +
                                          " (log in with `docker login` first)" +
                                          HelperNote(store));
  } else if (ids.size() > 1) {
    return Fail(ErrorCode::kInvalidArgument, path + " holds logins for several registries (" +
                                                 Join(ids, ", ") +
                                                 "); choose one with --resource-id");
  } else {
    wanted = ids.front();
  }

  // Several keys may spell the same registry; docker's own spelling of the key goes first.
  std::vector<Candidate const*> matches;
  for (auto const& c : candidates) {
    if (c.registry_id == wanted) matches.push_back(&c);
  }
  std::stable_partition(matches.begin(), matches.end(),
                        [&](Candidate const* c) { return c->key == DockerConfigKey(wanted); });
  std::optional<Error> first_error;
  for (Candidate const* c : matches) {
    auto credentials = CredentialsOf(*c, config, path);
    if (credentials) return DockerLogin{c->key, c->registry_id, std::move(*credentials)};
    if (!first_error) first_error = credentials.error();
  }
  return tl::unexpected(*first_error);
}

}  // namespace latchkey::docker
