// Docker's config.json as Latchkey reads it (logins under `auths`, `credHelpers`, `credsStore`)
// and rewrites it for `login`: storing a login into any existing file must keep it a JSON object
// and give the same login back for that registry.
// Input: byte 0 picks the mode, then registry NUL config.json NUL password.
#include "connectors/docker/docker_config.h"
#include "connectors/docker/docker_config_logins.h"
#include "connectors/docker/registry_id.h"
#include "fuzz_util.h"

namespace docker = latchkey::docker;

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size) {
  if (size < 1 || size > 8192) return 0;
  auto fields = latchkey::fuzz::SplitFields(data + 1, size - 1, 3);
  std::string path = latchkey::fuzz::ScratchDir() + "/config.json";
  latchkey::fuzz::WriteScratchFile(path, fields[1]);
  std::optional<std::string> registry;
  if (!fields[0].empty()) registry = fields[0];
  if (data[0] % 2 == 0) {
    auto config = docker::ReadDockerConfig(path);
    if (!config || !*config) return 0;
    FUZZ_CHECK((*config)->is_object(), fields[1]);
    (void)docker::FindDockerLogin(**config, path, registry);
    if (auto id = docker::CanonicalRegistryId(fields[0])) {
      (void)docker::ShadowingCredentialHelper(**config, *id);
    }
    return 0;
  }
  auto id = docker::CanonicalRegistryId(fields[0]);
  if (!id) return 0;
  docker::RegistryCredentials login{"fuzz-user", fields[2]};
  auto stored = docker::StoreDockerLogin(path, docker::DockerConfigKey(*id), login);
  if (!stored) return 0;
  auto config = docker::ReadDockerConfig(path);
  FUZZ_CHECK(config && *config && (*config)->is_object(), fields[1]);
  auto found = docker::FindDockerLogin(**config, path, *id);
  FUZZ_CHECK(found.has_value(), (*config)->dump() + "\n" + found.error().message);
  FUZZ_CHECK(found->registry_id == *id, found->registry_id + " != " + *id);
  FUZZ_CHECK(found->credentials.username == login.username, (*config)->dump());
  FUZZ_CHECK(found->credentials.password == login.password, (*config)->dump());
  return 0;
}
